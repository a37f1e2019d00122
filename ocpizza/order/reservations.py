"""The stock a placed order holds until the kitchen accepts it (issue 17), on the order's side:
when it holds, for how long, and when it lets go. The writes are pizzeria.services' (the one
stock writer); what the lines need is order.needs'.

- Placing an order reserves what its lines need, in place_order's transaction, after the shop
  and slot rows (lock order: shop, slot, order, stock rows).
- A card order waiting for its payment holds for CARD_HOLD; each new card attempt holds again
  (all or nothing, before the card is charged: a shortfall refuses the attempt, nothing is
  debited); a confirmed payment keeps the reservation until acceptance (no expiry). An order
  paid at the door holds without expiry from the start.
- A failed or abandoned card attempt (none left open) releases it at once, as do a
  cancellation and a refusal; acceptance turns it into the ledger movement (take_stock).
- A change of the lines reserves the new lines instead, all or nothing, before any line moves.
"""
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from order.models import Order, Payment
from order.needs import needs_of_order
from pizzeria.services import InsufficientStock, keep_reservation, release_stock, reserve_stock

logger = logging.getLogger(__name__)

# How long a card order that is not paid yet holds its ingredients (3-D Secure included).
CARD_HOLD = timedelta(minutes=15)
OPEN_ATTEMPTS = (Payment.Status.PENDING, Payment.Status.REQUIRES_ACTION)


def expiry_for(order, now):
    """The reservation's expiry: only while a card payment is pending."""
    return now + CARD_HOLD if order.status == Order.Status.AWAITING_CONFIRMATION else None


def reserve_order(order, *, needs=None, now=None):
    """Hold what `order` needs (its saved lines unless `needs` is given); InsufficientStock."""
    now = now or timezone.now()
    needs = needs_of_order(order) if needs is None else needs
    return reserve_stock(pizzeria_id=order.pizzeria_id, needs=needs, order=order, expires_at=expiry_for(order, now), now=now)


def keep_paid(order):
    """The payment is confirmed: the reservation holds until acceptance. One that expired
    meanwhile (the customer took longer than CARD_HOLD to pay) is taken again if the stock
    still allows; if not, the money is in and the order goes on: the kitchen sees the shortfall
    when it accepts (logged here)."""
    if keep_reservation(order=order):
        return
    try:
        with transaction.atomic():
            reserve_order(order)
    except InsufficientStock as exc:
        logger.warning("Order %s paid after its reservation expired, stock now short: %s", order.number, exc)


def release_order(order):
    """A cancelled or refused order (or an abandoned payment) gives back what it held."""
    release_stock(order=order)


def release_if_abandoned(order):
    """After a card attempt failed or was abandoned: an order still waiting for its payment,
    with no attempt left open, holds nothing (the next attempt reserves again)."""
    if order.status != Order.Status.AWAITING_CONFIRMATION or order.payment_method != Order.PaymentMethod.CARD_ONLINE:
        return
    if order.payments.filter(kind=Payment.Kind.CHARGE, status__in=OPEN_ATTEMPTS).exists():
        return
    release_stock(order=order)
