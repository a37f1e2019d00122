"""Money rules of an order (issue 13's invariant, docs/payments.md): amounts in euros and
cents, the money received for an order read from its Payment rows, whether it covers the
total, and the summary fields kept on the order for lists. No Stripe here.
"""
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from order.derived import order_changed
from order.models import Order, Payment
from order.rules import CLOSED_UNSOLD

CURRENCY = "eur"
CENT = Decimal("0.01")


def euros(amount):
    """An amount as the French read it: "19,50" (the sign € is in the sentence)."""
    return number_format(Decimal(amount), 2, use_l10n=True)


def to_cents(amount):
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents):
    return (Decimal(int(cents)) / 100).quantize(CENT)


# --- amounts -----------------------------------------------------------------------------


def net_received(order):
    """Net money received for `order`: succeeded charges − succeeded refunds, in the order's
    currency (EUR), read from its Payment rows (the truth; amount_paid / amount_refunded on the
    order are only a summary for lists).

    Reads the order's prefetched payment rows when a list prefetched them (the kitchen and driver
    queues: one query for every order), else asks the database."""
    prefetched = getattr(order, "_prefetched_objects_cache", {}).get("payments")
    if prefetched is not None:
        received = Decimal("0")
        for row in prefetched:
            if row.status == Payment.Status.SUCCEEDED and row.currency == CURRENCY:
                received += row.amount if row.kind == Payment.Kind.CHARGE else -row.amount
        return received.quantize(CENT)
    totals = Payment.objects.filter(order_id=order.pk, status=Payment.Status.SUCCEEDED, currency=CURRENCY).aggregate(
        charged=Sum("amount", filter=Q(kind=Payment.Kind.CHARGE)),
        refunded=Sum("amount", filter=Q(kind=Payment.Kind.REFUND)),
    )
    return ((totals["charged"] or Decimal("0")) - (totals["refunded"] or Decimal("0"))).quantize(CENT)



def covers_total(order):
    """The payment invariant: the money received for `order` (net of refunds) covers its total.

    A card order moves to the kitchen, the driver or the counter only when this is true: the
    transitions marked `needs_payment` in order.workflow check it under the order's row lock."""
    return net_received(order) >= order.total > 0


def amount_due(order):
    return max(order.total - net_received(order), Decimal("0.00"))


def refresh_payment_totals(order):
    """Recompute amount_paid, amount_refunded and payment_status of a card order from its
    Payment rows (the rows are the truth; the fields are a summary for lists and statistics)."""
    rows = order.payments.filter(status=Payment.Status.SUCCEEDED, currency=CURRENCY)
    paid = rows.filter(kind=Payment.Kind.CHARGE).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    refunded = rows.filter(kind=Payment.Kind.REFUND).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    order.amount_paid, order.amount_refunded = paid, refunded
    PS = Order.PaymentStatus
    if order.payment_method != Order.PaymentMethod.CARD_ONLINE and not paid:
        status = order.payment_status
    elif paid and refunded >= paid:
        status = PS.REFUNDED
    elif paid - refunded >= order.total > 0 and order.status not in CLOSED_UNSOLD:
        # Covers the total (the invariant): paid, even after a change refunded part of it.
        status = PS.PAID
    elif refunded:
        status = PS.PARTLY_REFUNDED  # never "paid": the driver and the counter must not hand it over
    elif paid and paid >= order.total:
        status = PS.PAID  # money held for a cancelled order whose refund failed: flagged for staff
    else:
        last = order.payments.filter(kind=Payment.Kind.CHARGE).order_by("-created_at", "-pk").first()
        status = PS.FAILED if last is not None and last.status == Payment.Status.FAILED else PS.AWAITING_PAYMENT
    order.payment_status = status
    Order.objects.filter(pk=order.pk).update(
        amount_paid=paid, amount_refunded=refunded, payment_status=status, updated_at=timezone.now()
    )
    order_changed(order)
    return order


def is_fully_paid(order):
    return order.payment_method == Order.PaymentMethod.CARD_ONLINE and covers_total(order)


def lines_fingerprint(order):
    """A short digest of the order's lines and total: a change records the one it was computed
    for, and is applied only if the order still has it (a stale change is refunded instead)."""
    parts = sorted(f"{line.options_key}:{line.quantity}:{to_cents(line.unit_price)}" for line in order.lines.all())
    text = ",".join(parts) + f"|{to_cents(order.total)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stripe_payment(*, order, kind, status, amount, by=None, currency=CURRENCY, **fields):
    """A Payment row for one Stripe charge or refund (not saved), by a person or by the system."""
    return Payment(
        order=order, kind=kind, provider=Payment.Provider.STRIPE, status=status, amount=amount,
        currency=currency, created_by=by if getattr(by, "is_authenticated", False) else None, **fields,
    )


def money_ceiling(model, field_name):
    """The largest amount a DecimalField's column holds (9 digits, 2 decimals: 9 999 999,99)."""
    field = model._meta.get_field(field_name)
    return Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(1).scaleb(-field.decimal_places)


def check_order_total(total):
    """ValidationError in French when an order total would not fit its column (any database)."""
    ceiling = money_ceiling(Order, "total")
    if total > ceiling:
        raise ValidationError(
            _("Le total de la commande (%(total)s €) dépasse le maximum accepté (%(max)s €) : réduisez les quantités.")
            % {"total": euros(total), "max": euros(ceiling)}
        )
    return total
