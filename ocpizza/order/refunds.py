"""Refunds of card payments through the Stripe gateway (F-ORD-8, docs/payments.md)."""
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from order import stripe_gateway
from order.models import Payment
from order.money import CENT, euros, refresh_payment_totals, stripe_payment, to_cents
from order.receipts import queue_payment_receipt
from ocpizza.business import BusinessError

logger = logging.getLogger(__name__)


class PaymentError(BusinessError):
    """A payment or refund that could not be done; `message` is French, for the customer."""


def refund_order(*, order, amount, by=None, reason="", payment=None):
    """Refund `amount` of what the customer paid by card, through Stripe (one charge if one can take it).

    Call inside the caller's transaction holding the order row lock. Each refund is a Payment
    row of kind REFUND (written before the Stripe call, with its idempotency key). Raises
    PaymentError when Stripe refuses or cannot be reached (the caller's transaction then rolls
    back: the order is not cancelled or changed). With `payment`, only that charge is refunded.

    One refund whenever one charge can take it all (issue 19: an order paid, raised and paid
    the extra, then lowered, got its one refund split in two, with two e-mails): the newest
    charge that covers the whole amount is refunded; only when none does is the amount spread
    over the charges, newest first."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        return []
    refunds = []
    remaining = amount
    charges = order.payments.filter(
        kind=Payment.Kind.CHARGE, status=Payment.Status.SUCCEEDED, provider=Payment.Provider.STRIPE
    ).exclude(intent_id="")
    if payment is not None:
        charges = charges.filter(pk=payment.pk)
    refundable = [(charge, charge.amount - _refunded(order, charge)) for charge in charges.order_by("-created_at", "-pk")]
    whole = [(charge, left) for charge, left in refundable if left >= amount]
    for charge, left in whole[:1] or refundable:
        part = min(remaining, left)
        if part <= 0:
            continue
        refund = stripe_payment(
            order=order, kind=Payment.Kind.REFUND, status=Payment.Status.PENDING, amount=part, by=by,
            currency=charge.currency, intent_id=charge.intent_id,
        )
        refund.save()
        refund.idempotency_key = f"ocpizza-refund-{refund.pk}"
        try:
            stripe_refund = stripe_gateway.create_refund(
                payment_intent=charge.intent_id,
                amount_cents=to_cents(part),
                metadata={"order": str(order.pk), "order_number": order.number, "payment": str(refund.pk)},
                idempotency_key=refund.idempotency_key,
            )
        except stripe_gateway.GatewayError as exc:
            logger.exception("Stripe refund failed for order %s", order.number)
            raise PaymentError(
                _("Le remboursement n'a pas pu être effectué (%(reason)s). Rien n'a été modifié ; réessayez dans un instant.")
                % {"reason": exc.user_message or _("service de paiement indisponible")}
            ) from None
        refund.refund_id = stripe_refund.id
        refund.status = Payment.Status.SUCCEEDED if stripe_refund.status in ("succeeded", "pending") else Payment.Status.FAILED
        if refund.status == Payment.Status.FAILED:
            refund.failure_message = _("Remboursement refusé par Stripe (%(reason)s)") % {"reason": reason or stripe_refund.status}
        refund.save()
        refunds.append(refund)
        remaining -= part
        if remaining <= 0:
            break
    if remaining > 0:
        raise PaymentError(
            _("Impossible de rembourser %(amount)s € : les paiements en ligne de cette commande ne le permettent pas.")
            % {"amount": euros(remaining)}
        )
    refresh_payment_totals(order)
    for refund in refunds:
        queue_payment_receipt(refund)
    return refunds


def _refunded(order, charge):
    """What is already refunded, or being refunded, of `charge`."""
    return (
        order.payments.filter(kind=Payment.Kind.REFUND, intent_id=charge.intent_id)
        .filter(Q(status=Payment.Status.SUCCEEDED) | Q(status=Payment.Status.PENDING))
        .aggregate(s=Sum("amount"))["s"]
        or Decimal("0")
    )
