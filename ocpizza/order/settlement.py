"""What Stripe says about a payment, recorded and settled (issue 13's invariant, docs/payments.md).

Stripe's webhook (order.webhooks), the customer's return page (sync_payment) and the answer
to a new attempt (order.payments) all go through apply_intent, so that late, repeated and
out-of-order news converge. cancel_open_intents closes the attempts still open before a
change, a refund or a cancellation.
"""
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from order import stripe_gateway
from order.changes import ChangeNotAllowed, LineChange, apply_line_change
from order.daily_figures import recomputed_once
from order.locks import lock_order
from order.models import Order, Payment
from order.money import CURRENCY, euros, is_fully_paid, lines_fingerprint, net_received, refresh_payment_totals, to_cents
from order.receipts import queue_payment_receipt
from order.refunds import PaymentError, refund_order
from order.reservations import release_if_abandoned
from order.rules import CLOSED_UNSOLD
from order.status_changes import confirm_order
from order.stripe_gateway import decline_message
from order.stripe_gateway import field as _get

logger = logging.getLogger(__name__)

# PaymentIntent.status -> Payment.Status
INTENT_STATUS = {
    "succeeded": Payment.Status.SUCCEEDED,
    "requires_action": Payment.Status.REQUIRES_ACTION,
    "requires_payment_method": Payment.Status.FAILED,
    "canceled": Payment.Status.CANCELED,
    "processing": Payment.Status.PENDING,
    "requires_confirmation": Payment.Status.PENDING,
    "requires_capture": Payment.Status.PENDING,
}

# Statuses from which nothing later may move a Payment (money moved, or the intent is dead).
FINAL_PAYMENT_STATUSES = (Payment.Status.SUCCEEDED, Payment.Status.CANCELED)
OPEN_PAYMENT_STATUSES = (Payment.Status.PENDING, Payment.Status.REQUIRES_ACTION)


def sync_payment(payment):
    """Re-read the attempt's PaymentIntent from Stripe and record it (the return page and the
    status poll do this, so that a late webhook never leaves the customer waiting)."""
    if not payment.intent_id or payment.status in FINAL_PAYMENT_STATUSES:
        return payment
    try:
        intent = stripe_gateway.retrieve_payment_intent(payment.intent_id)
    except stripe_gateway.GatewayError:
        logger.warning("Could not re-read PaymentIntent %s", payment.intent_id, exc_info=True)
        return payment
    return apply_intent(intent).payment or payment


def sync_open_payments(order):
    """sync_payment for every attempt of `order` still waiting on Stripe."""
    for payment in order.payments.filter(kind=Payment.Kind.CHARGE, status__in=OPEN_PAYMENT_STATUSES).exclude(intent_id=""):
        sync_payment(payment)


@dataclass
class Applied:
    payment: Payment | None
    order: Order | None
    note: str = ""
    flagged: bool = False


@recomputed_once
def apply_intent(intent, *, event_id=None):
    """Record what Stripe's API says about a PaymentIntent of ours, and settle its order.

    `intent` must come from Stripe's API (the webhook retrieves it by id: an event's payload is
    never trusted). Rules, so that late, repeated and out-of-order news converge:
    - the attempt is the Payment row with this intent id (metadata only finds a row whose
      creation answer was lost); amount and currency must be the row's, else nothing moves, the
      mismatch is recorded, flagged and logged at ERROR;
    - a succeeded or canceled attempt never changes again (a `payment_failed` that arrives
      after `succeeded` is noted and ignored; a `succeeded` after `failed` wins);
    - the first time an attempt succeeds: a paid change is applied if the order is still the one
      it was computed for; whatever the order no longer owes (stale change, cancelled or refused
      order, paid twice) is refunded at once from this attempt and flagged; an order whose
      payments now cover its total and that awaits payment goes to the kitchen; a receipt is sent.
    """
    if hasattr(intent, "to_dict"):
        intent = intent.to_dict()
    intent_id = _get(intent, "id", "")
    metadata = _get(intent, "metadata", {})
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    new_status = INTENT_STATUS.get(_get(intent, "status", ""), Payment.Status.PENDING)
    with transaction.atomic():
        payment = _find_payment(intent_id, metadata)
        if payment is None:
            logger.error("Stripe PaymentIntent %s matches no payment of ours", intent_id)
            return Applied(payment=None, order=None, note=_("Paiement inconnu : aucune commande ne correspond."), flagged=True)
        order = lock_order(payment.order_id)
        payment = Payment.objects.get(pk=payment.pk)
        if event_id and event_id not in payment.event_ids:
            payment.event_ids = [*payment.event_ids, event_id]
        mismatch = _mismatch(payment, intent)
        if mismatch:
            logger.error(
                "Stripe PaymentIntent %s does not match payment %s of order %s: %s",
                intent_id, payment.pk, order.number, mismatch,
            )
            note = _("Refusé : %(reason)s. Rien n'est marqué payé.") % {"reason": mismatch}
            if payment.status not in FINAL_PAYMENT_STATUSES:
                payment.failure_message = str(note)[:255]
            payment.save()
            return Applied(payment=payment, order=order, note=note, flagged=True)
        if not payment.intent_id:
            payment.intent_id = intent_id
        note, flagged = "", False
        became_succeeded = False
        if payment.status in FINAL_PAYMENT_STATUSES and new_status != payment.status:
            note = _("Événement plus ancien que l'état connu (%(known)s) : ignoré.") % {
                "known": payment.get_status_display()
            }
        elif new_status != payment.status:
            became_succeeded = new_status == Payment.Status.SUCCEEDED
            payment.status = new_status
            if new_status == Payment.Status.FAILED:
                error = _get(intent, "last_payment_error")
                payment.failure_message = decline_message(_get(error, "code") or _get(error, "decline_code"))[:255]
            elif new_status == Payment.Status.SUCCEEDED:
                payment.failure_message = ""
        payment.save()
        if became_succeeded:
            note, flagged = _settle_success(order, payment, metadata)
            queue_payment_receipt(payment)
        else:
            refresh_payment_totals(order)
            if payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED):
                release_if_abandoned(order)  # its stock goes back; a new attempt reserves again
    return Applied(payment=payment, order=order, note=note, flagged=flagged)


def _mismatch(payment, intent):
    """Why a PaymentIntent from Stripe is not the attempt `payment` (French), or ""."""
    currency = str(_get(intent, "currency", "")).lower()
    if currency != CURRENCY or currency != payment.currency.lower():
        return _("devise %(got)s au lieu de %(expected)s") % {"got": currency.upper() or "?", "expected": payment.currency.upper()}
    amount = _get(intent, "amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount != to_cents(payment.amount):
        return _("montant de %(got)s centimes au lieu de %(expected)s") % {"got": amount, "expected": to_cents(payment.amount)}
    metadata = _get(intent, "metadata", {}) or {}
    if str(_get(metadata, "order", "")) != str(payment.order_id):
        return _("le PaymentIntent ne désigne pas cette commande")
    return ""


def _find_payment(intent_id, metadata):
    """The attempt a PaymentIntent belongs to: the row holding its id; metadata only points at
    a row whose intent id is still unknown (its creation answer was lost)."""
    if not isinstance(intent_id, str) or not intent_id:
        return None
    payment = Payment.objects.filter(intent_id=intent_id, kind=Payment.Kind.CHARGE).first()
    if payment is not None:
        return payment
    payment_pk = str(metadata.get("payment", ""))
    if payment_pk.isdigit():
        return Payment.objects.filter(
            pk=int(payment_pk), kind=Payment.Kind.CHARGE, provider=Payment.Provider.STRIPE, intent_id=""
        ).first()
    return None


def _settle_success(order, payment, metadata):
    """After `payment` succeeded (order row locked): apply its change if still valid, refund what
    is no longer owed, confirm a now fully paid order. Returns (note, flagged)."""
    notes = []
    cancelled = order.status in CLOSED_UNSOLD
    if cancelled:
        notes.append(
            _("Paiement reçu pour une commande « %(status)s »") % {"status": order.get_status_display()}
        )
    elif metadata.get("change"):
        reason = _apply_paid_change(order, metadata["change"])
        if reason:
            notes.append(_("Supplément payé mais modification non appliquée (%(reason)s)") % {"reason": reason})
    refresh_payment_totals(order)
    owed = Decimal("0.00") if cancelled else order.total
    excess = min(net_received(order) - owed, payment.amount)
    if excess > 0:
        if not notes:
            notes.append(_("Paiement reçu alors que la commande était déjà payée"))
        notes.append(_refund_excess(order, payment, excess, reason="; ".join(str(n) for n in notes)))
    if order.status == Order.Status.AWAITING_CONFIRMATION and is_fully_paid(order):
        confirm_order(order, by=None)
    if not notes:
        return "", False
    note = " — ".join(str(n) for n in notes)
    logger.warning("Order %s, payment %s: %s", order.number, payment.pk, note)
    Payment.objects.filter(pk=payment.pk).update(failure_message=note[:255])
    payment.failure_message = note[:255]
    return note, True


def _refund_excess(order, payment, amount, *, reason):
    """Refund `amount` of `payment` at once (a savepoint: if Stripe refuses, the success stays
    recorded and the flag asks staff to refund). Returns the note to show."""
    try:
        with transaction.atomic():
            refund_order(order=order, amount=amount, reason=reason, payment=payment)
    except PaymentError as exc:
        logger.error("Automatic refund of %s for order %s failed: %s", amount, order.number, exc.message)
        refresh_payment_totals(order)
        return _("remboursement automatique de %(amount)s € impossible : à rembourser") % {"amount": euros(amount)}
    return _("%(amount)s € remboursés automatiquement") % {"amount": euros(amount)}


def _apply_paid_change(order, encoded):
    """Apply the line change a paid extra amount was for; returns why it cannot be ("" if done)."""
    try:
        change = LineChange.decode(encoded)
        if change.base != lines_fingerprint(order):
            raise ChangeNotAllowed(_("la commande a changé depuis"))
        if net_received(order) < change.new_total:
            raise ChangeNotAllowed(_("le montant reçu ne couvre pas le nouveau total"))
        apply_line_change(order=order, change=change)
    except (ChangeNotAllowed, ValueError) as exc:
        logger.warning("Paid change for order %s not applied: %s", order.number, exc)
        return str(exc)
    return ""


# --- before a change, a refund or a cancellation ---------------------------------------


def cancel_open_intents(order):
    """Cancel the attempts still open (waiting for 3-D Secure...) before any change, refund or
    cancellation, so that none of them can succeed for an order that is no longer the same.

    One that cannot be cancelled has just succeeded or failed: it is re-read and recorded now
    (apply_intent settles it: applied if still valid, refunded if no longer owed). One that
    Stripe cannot tell about stays open; its webhook will settle it the same way."""
    open_payments = order.payments.filter(kind=Payment.Kind.CHARGE, status__in=OPEN_PAYMENT_STATUSES).exclude(intent_id="")
    for payment in list(open_payments):
        try:
            intent = stripe_gateway.cancel_payment_intent(payment.intent_id)
        except stripe_gateway.GatewayError:
            logger.info("PaymentIntent %s could not be cancelled; re-reading it", payment.intent_id, exc_info=True)
            try:
                intent = stripe_gateway.retrieve_payment_intent(payment.intent_id)
            except stripe_gateway.GatewayError:
                logger.warning("PaymentIntent %s could not be re-read", payment.intent_id, exc_info=True)
                continue
        apply_intent(intent)
