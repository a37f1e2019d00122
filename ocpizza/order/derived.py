"""What is kept derived from an order's rows, brought up to date by every service that changes
them (issue 14): its shop-day's sales figures (order.daily_figures, in the same transaction),
its entries in the shop's inalterable sales journal (order.bookkeeping, issue 18, in the same
transaction) and its status poll's version (order.freshness, once the transaction commits).

The writers: place_order (order.placing), every status move (order.status_changes.finish), the
payment summary (order.money.refresh_payment_totals: payments, refunds, webhooks), a change of
lines (order.changes.apply_line_change) and a card refused at the door
(order.services.record_failed_collection). A bulk write outside them (the demo's sample
history) calls order.daily_figures.rebuild for its range.
"""
from order import bookkeeping, daily_figures, freshness


def order_changed(order):
    bookkeeping.book_order(order)
    daily_figures.refresh_order(order)
    freshness.order_changed(order)
