"""What the sales journal must say about an order (issue 18, F-BOOK-3), written when it changes.

Called by order.derived.order_changed, which every order service already calls inside the
transaction of its change (placing, each status move, payments and refunds, collections at the
door, changes of lines): the journal entries commit or roll back with the event, under the locks
the service holds (the order's row, accept_order's shop and stock rows; books.journal adds the
shop's chain head last). It compares what the journal holds for the order with what the order is
now, and appends the difference:

- revenue, per VAT rate: an order counts as sold from the moment the kitchen may make it
  (to prepare, paid or to pay at the door) until it is cancelled or refused. The first entry is a
  SALE, a change of lines a CHANGE (the difference per rate), a cancellation or a refusal a
  CANCELLATION (minus what was sold);
- money, per payment row: a card payment that succeeded is a PAYMENT, money collected at the door
  (cash or card terminal) a COLLECTION, a refund a REFUND (negative); spread over the order's
  VAT rates in proportion (books.vat.allocate).

Entries hold the order's number and amounts only, never who the customer is.
"""
from books.journal import append_entry
from books.models import JournalEntry
from books.vat import EMPTY, VatBreakdown, allocate
from order.models import Order, OrderLine, Payment
from order.vat import lines_vat_breakdown

SOLD = frozenset({
    Order.Status.TO_PREPARE, Order.Status.IN_PREPARATION, Order.Status.READY,
    Order.Status.OUT_FOR_DELIVERY, Order.Status.DELIVERED,
})
REVENUE = (JournalEntry.Kind.SALE, JournalEntry.Kind.CHANGE, JournalEntry.Kind.CANCELLATION)
METHODS = {
    Payment.Provider.STRIPE: "card_online",
    Payment.Provider.CASH: "cash",
    Payment.Provider.CARD_TERMINAL: "card_terminal",
}


def _money_kind(payment):
    if payment.kind == Payment.Kind.REFUND:
        return JournalEntry.Kind.REFUND
    if payment.provider == Payment.Provider.STRIPE:
        return JournalEntry.Kind.PAYMENT
    return JournalEntry.Kind.COLLECTION


def book_order(order) -> list:
    """Append the entries that bring the journal up to date with `order`; returns them."""
    entries = list(JournalEntry.objects.filter(shop_id=order.pizzeria_id, order_number=order.number)
                   .only("kind", "source", "vat", "amount_ttc"))
    lines = lines_vat_breakdown(OrderLine.objects.filter(order_id=order.pk).only("quantity", "unit_price", "vat_rate", "vat_parts"))
    written = []

    # Revenue.
    sold = [e for e in entries if e.kind in REVENUE]
    booked = EMPTY
    for entry in sold:
        booked = booked + VatBreakdown.from_data(entry.vat)
    target = lines if order.status in SOLD else EMPTY
    difference = (target - booked).nonzero()
    if difference:
        kind = (JournalEntry.Kind.SALE if not booked else
                JournalEntry.Kind.CANCELLATION if not target else JournalEntry.Kind.CHANGE)
        written.append(append_entry(
            shop_id=order.pizzeria_id, kind=kind, order_number=order.number, source=f"sale:{order.number}:{len(sold) + 1}",
            payment_method=order.payment_method, vat=difference,
        ))

    # Money: one entry per payment row that succeeded (and its reversal if it no longer has).
    by_payment = {}
    for entry in entries:
        if entry.kind not in REVENUE and entry.source.startswith("payment:"):
            pk = int(entry.source.split(":")[1])
            count, total = by_payment.get(pk, (0, 0))
            by_payment[pk] = (count + 1, total + entry.amount_ttc)
    for payment in Payment.objects.filter(order_id=order.pk).order_by("pk"):
        sign = -1 if payment.kind == Payment.Kind.REFUND else 1
        wanted = sign * payment.amount if payment.status == Payment.Status.SUCCEEDED else 0
        count, booked_amount = by_payment.get(payment.pk, (0, 0))
        if wanted == booked_amount:
            continue
        source = f"payment:{payment.pk}" if not count else f"payment:{payment.pk}:{count + 1}"
        written.append(append_entry(
            shop_id=order.pizzeria_id, kind=_money_kind(payment), order_number=order.number, source=source,
            payment_method=METHODS.get(payment.provider, payment.provider), vat=allocate(wanted - booked_amount, lines),
        ))
    return written
