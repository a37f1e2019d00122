"""Card payments through Stripe: payment attempts, refunds and webhooks (F-ORD-4, F-ORD-8).

The flow works against real Stripe and against localstripe (development, demo, tests):

1. `create_setup_intent(order=...)`: the browser confirms it with the card field of Stripe.js
   (`confirmCardSetup`), which turns the card into a PaymentMethod (`pm_…`).
2. `start_card_payment(order=..., payment_method_id=...)`: a Payment row is written first, then
   a PaymentIntent is created and confirmed for the amount computed here (never by the
   browser), with the order id in its metadata and the Payment's idempotency key.
   It ends `succeeded`, `requires_action` (3-D Secure: the browser runs `confirmCardPayment`
   then calls `sync_payment`) or failed with a French message; the customer may retry.
3. Stripe's webhook (`handle_webhook`) and the page the customer returns to (`sync_payment`)
   both go through `apply_intent`, so a late, repeated or out-of-order event changes nothing
   that is already known: a succeeded attempt never goes back to failed.
4. When an order is fully paid it is confirmed (`order.services.confirm_order`), which sends it
   to the kitchen; refunds go through `refund_order`.

The invariant (docs/payments.md): a card order reaches the kitchen, the driver or the counter
only when the net money received for it (succeeded charges − succeeded refunds, in EUR, from the
Payment rows) covers its total: `covers_total`, checked by order.workflow.find_transition for
every transition row marked `needs_payment`. Any change or refund first cancels the open
attempts; a success that arrives late and is no longer owed (stale change, cancelled order,
amount already paid) is refunded at once and flagged.

Stripe API version: pinned to STRIPE_API_VERSION (the operations manual's 2020-08-27) on every
call, whatever the library's default; see docs/payments.md.
"""
import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ocpizza import dev_defaults
from order.models import Order, Payment, WebhookEvent

logger = logging.getLogger(__name__)

STRIPE_API_VERSION = "2020-08-27"
CURRENCY = "eur"
CENT = Decimal("0.01")

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


class PaymentError(Exception):
    """A payment or refund that could not be done; `message` is French, for the customer."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class InvalidWebhook(Exception):
    """Unsigned, badly signed or unreadable webhook call: answered 400, nothing stored."""


class WebhookMisconfigured(Exception):
    """Production runs with a missing or development Stripe secret: the webhook refuses to work."""


class WebhookRetry(Exception):
    """Stripe could not be asked about the event: answered 503 (nothing stored), Stripe resends it."""


def decline_message(code):
    """A clear French message for a Stripe error or decline code."""
    messages = {
        "card_declined": _("Votre carte a été refusée. Vérifiez ses informations ou essayez une autre carte."),
        "insufficient_funds": _("Votre carte a été refusée : provision insuffisante. Essayez une autre carte."),
        "expired_card": _("Votre carte a expiré. Essayez une autre carte."),
        "incorrect_cvc": _("Le cryptogramme (CVC) est incorrect. Vérifiez-le et réessayez."),
        "incorrect_number": _("Le numéro de carte est incorrect. Vérifiez-le et réessayez."),
        "invalid_number": _("Le numéro de carte est incorrect. Vérifiez-le et réessayez."),
        "processing_error": _("Une erreur est survenue pendant le paiement. Réessayez dans un instant."),
        "payment_intent_authentication_failure": _(
            "L'authentification 3-D Secure a échoué. Réessayez, ou utilisez une autre carte."
        ),
        "setup_intent_authentication_failure": _(
            "L'authentification 3-D Secure a échoué. Réessayez, ou utilisez une autre carte."
        ),
    }
    return messages.get(code or "", _("Le paiement n'a pas abouti. Vérifiez votre carte ou essayez-en une autre."))


# --- Stripe client -----------------------------------------------------------------------


def get_client():
    """A StripeClient from the settings (read at each call: tests point it at their localstripe)."""
    options = {
        "stripe_version": getattr(settings, "STRIPE_API_VERSION", "") or STRIPE_API_VERSION,
        "max_network_retries": 2,  # retries reuse the idempotency key, so they never pay twice
    }
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE.rstrip("/")}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def euros(amount):
    """An amount as the French read it: "19,50" (the sign € is in the sentence)."""
    from django.utils.formats import number_format

    return number_format(Decimal(amount), 2, use_l10n=True)


def to_cents(amount):
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents):
    return (Decimal(int(cents)) / 100).quantize(CENT)


def _get(obj, key, default=None):
    """Read a field from a StripeObject or a plain dict (webhook payloads) alike."""
    if obj is None:
        return default
    try:
        value = obj[key]
    except (KeyError, TypeError, AttributeError):
        return default
    return default if value is None else value


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


net_paid = net_received  # the name docs and callers used before issue 13


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
    elif paid - refunded >= order.total > 0 and order.status not in (Order.Status.CANCELLED, Order.Status.REFUSED):
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
    return order


def is_fully_paid(order):
    return order.payment_method == Order.PaymentMethod.CARD_ONLINE and covers_total(order)


def lines_fingerprint(order):
    """A short digest of the order's lines and total: a change records the one it was computed
    for, and is applied only if the order still has it (a stale change is refunded instead)."""
    parts = sorted(f"{line.product_id}:{line.quantity}:{to_cents(line.unit_price)}" for line in order.lines.all())
    text = ",".join(parts) + f"|{to_cents(order.total)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- paying ------------------------------------------------------------------------------


def create_setup_intent(*, order):
    """A SetupIntent whose client secret lets Stripe.js turn the typed card into a PaymentMethod."""
    try:
        intent = get_client().v1.setup_intents.create(
            params={"metadata": {"order": str(order.pk), "order_number": order.number}, "usage": "on_session"}
        )
    except stripe.StripeError:
        logger.exception("Stripe SetupIntent creation failed for order %s", order.number)
        raise PaymentError(_("Le paiement en ligne est momentanément indisponible. Réessayez dans un instant.")) from None
    return intent.client_secret


@dataclass
class ChargeResult:
    payment: Payment
    status: str  # Payment.Status
    client_secret: str = ""  # for confirmCardPayment when status is REQUIRES_ACTION
    message: str = ""  # French, when the attempt failed

    @property
    def succeeded(self):
        return self.status == Payment.Status.SUCCEEDED


def _stripe_payment(*, order, kind, status, amount, by=None, currency=CURRENCY, **fields):
    """A Payment row for one Stripe charge or refund (not saved), by a person or by the system."""
    return Payment(
        order=order, kind=kind, provider=Payment.Provider.STRIPE, status=status, amount=amount,
        currency=currency, created_by=by if getattr(by, "is_authenticated", False) else None, **fields,
    )


def start_card_payment(*, order, payment_method_id, change=None, by=None):
    """Pay what `order` still owes (or, with `change`, the extra amount of that change) with the
    PaymentMethod the browser got from confirmCardSetup. Returns a ChargeResult.

    A second call with the same card for the same amount (double click, resent form) reuses
    the first attempt instead of charging again.
    """
    payment_method_id = (payment_method_id or "").strip()
    if not payment_method_id.startswith("pm_") or len(payment_method_id) > 200:
        raise PaymentError(_("Les informations de carte sont incomplètes. Saisissez à nouveau votre carte."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        _check_payable(order)
        if change is None:
            amount = amount_due(order)
            if amount <= 0:
                raise PaymentError(_("La commande %(number)s est déjà payée.") % {"number": order.number})
        else:
            if change.base != lines_fingerprint(order):
                raise PaymentError(
                    _("Votre commande a changé depuis cette modification : recommencez la modification.")
                )
            amount = change.new_total - net_received(order)
            if amount <= 0:
                raise PaymentError(_("Cette modification ne demande pas de paiement supplémentaire."))
        key = f"ocpizza-{order.number}-{payment_method_id}-{to_cents(amount)}"
        existing = Payment.objects.filter(order=order, idempotency_key=key).first()
        if existing is None:
            payment = _stripe_payment(
                order=order, kind=Payment.Kind.CHARGE, status=Payment.Status.PENDING, amount=amount, by=by,
                idempotency_key=key,
            )
            payment.full_clean()
            payment.save()
    if existing is not None:
        return _result_for_existing(existing)

    metadata = {"order": str(order.pk), "order_number": order.number, "payment": str(payment.pk)}
    if change is not None:
        metadata["change"] = change.encode()
    try:
        intent = get_client().v1.payment_intents.create(
            params={
                "amount": to_cents(amount),
                "currency": CURRENCY,
                "payment_method": payment_method_id,
                "payment_method_types": ["card"],
                "confirm": True,
                "metadata": metadata,
            },
            options={"idempotency_key": key},
        )
    except stripe.CardError as exc:
        error = exc.error
        intent = _get(error, "payment_intent")
        message = decline_message(exc.code or _get(error, "decline_code"))
        _mark_failed(payment, message=message, intent_id=_get(intent, "id", ""))
        if intent is not None and _get(intent, "id"):
            # Stripe sends the intent with the error: let it record what it knows too.
            apply_intent(intent)
        return ChargeResult(payment=payment, status=Payment.Status.FAILED, message=message)
    except stripe.StripeError:
        logger.exception("Stripe PaymentIntent creation failed for order %s", order.number)
        message = _("Le paiement en ligne est momentanément indisponible. Votre carte n'a pas été débitée ; réessayez dans un instant.")
        _mark_failed(payment, message=message)
        return ChargeResult(payment=payment, status=Payment.Status.FAILED, message=message)
    payment = apply_intent(intent).payment or payment
    return ChargeResult(
        payment=payment,
        status=payment.status,
        client_secret=intent.client_secret if payment.status == Payment.Status.REQUIRES_ACTION else "",
        message=payment.failure_message if payment.status == Payment.Status.FAILED else "",
    )


def record_card_refused(*, order, code="", by=None):
    """Record an attempt that Stripe.js refused before any PaymentIntent existed (a card declined
    when it was set up, a failed 3-D Secure at setup), so that staff see every attempt."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        _check_payable(order)
        amount = amount_due(order)
        if amount <= 0:
            return None
        message = decline_message(str(code)[:100])
        payment = _stripe_payment(
            order=order, kind=Payment.Kind.CHARGE, status=Payment.Status.FAILED, amount=amount, by=by,
            failure_message=message[:255],
        )
        payment.full_clean()
        payment.save()
        refresh_payment_totals(order)
    return payment


def _result_for_existing(payment):
    client_secret = ""
    if payment.status in OPEN_PAYMENT_STATUSES and payment.intent_id:
        payment = sync_payment(payment)
        if payment.status == Payment.Status.REQUIRES_ACTION:
            client_secret = _retrieve_intent(payment.intent_id).client_secret
    return ChargeResult(payment=payment, status=payment.status, client_secret=client_secret, message=payment.failure_message)


def _check_payable(order):
    if order.payment_method != Order.PaymentMethod.CARD_ONLINE:
        raise PaymentError(_("Cette commande se paie à la livraison ou au retrait."))
    if order.status in (Order.Status.CANCELLED, Order.Status.REFUSED, Order.Status.DELIVERED):
        raise PaymentError(
            _("La commande %(number)s est « %(status)s » : elle ne peut plus être payée.")
            % {"number": order.number, "status": order.get_status_display()}
        )


def _mark_failed(payment, *, message, intent_id=""):
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        payment.refresh_from_db()
        if payment.status in FINAL_PAYMENT_STATUSES:
            return payment
        payment.status = Payment.Status.FAILED
        payment.failure_message = str(message)[:255]
        if intent_id:
            payment.intent_id = intent_id
        payment.save()
        refresh_payment_totals(order)
    return payment


def _retrieve_intent(intent_id):
    return get_client().v1.payment_intents.retrieve(intent_id)


def sync_payment(payment):
    """Re-read the attempt's PaymentIntent from Stripe and record it (the return page and the
    status poll do this, so that a late webhook never leaves the customer waiting)."""
    if not payment.intent_id or payment.status in FINAL_PAYMENT_STATUSES:
        return payment
    try:
        intent = _retrieve_intent(payment.intent_id)
    except stripe.StripeError:
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
        order = Order.objects.select_for_update().get(pk=payment.order_id)
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
            transaction.on_commit(lambda pk=payment.pk: send_payment_receipt(pk))
        else:
            refresh_payment_totals(order)
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
    cancelled = order.status in (Order.Status.CANCELLED, Order.Status.REFUSED)
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
        from order.services import confirm_order

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
    from order.checkout import ChangeNotAllowed, LineChange, apply_line_change

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


# --- refunds -----------------------------------------------------------------------------


def refund_order(*, order, amount, by=None, reason="", payment=None):
    """Refund `amount` of what the customer paid by card, through Stripe, newest payments first.

    Call inside the caller's transaction holding the order row lock. Each refund is a Payment
    row of kind REFUND (written before the Stripe call, with its idempotency key). Raises
    PaymentError when Stripe refuses or cannot be reached (the caller's transaction then rolls
    back: the order is not cancelled or changed). With `payment`, only that charge is refunded."""
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
    charges = list(charges.order_by("-created_at", "-pk"))
    for charge in charges:
        already = (
            order.payments.filter(kind=Payment.Kind.REFUND, intent_id=charge.intent_id)
            .filter(Q(status=Payment.Status.SUCCEEDED) | Q(status=Payment.Status.PENDING))
            .aggregate(s=Sum("amount"))["s"]
            or Decimal("0")
        )
        part = min(remaining, charge.amount - already)
        if part <= 0:
            continue
        refund = _stripe_payment(
            order=order, kind=Payment.Kind.REFUND, status=Payment.Status.PENDING, amount=part, by=by,
            currency=charge.currency, intent_id=charge.intent_id,
        )
        refund.save()
        refund.idempotency_key = f"ocpizza-refund-{refund.pk}"
        try:
            stripe_refund = get_client().v1.refunds.create(
                params={
                    "payment_intent": charge.intent_id,
                    "amount": to_cents(part),
                    "metadata": {"order": str(order.pk), "order_number": order.number, "payment": str(refund.pk)},
                },
                options={"idempotency_key": refund.idempotency_key},
            )
        except stripe.StripeError as exc:
            logger.exception("Stripe refund failed for order %s", order.number)
            raise PaymentError(
                _("Le remboursement n'a pas pu être effectué (%(reason)s). Rien n'a été modifié ; réessayez dans un instant.")
                % {"reason": getattr(exc, "user_message", None) or _("service de paiement indisponible")}
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
        transaction.on_commit(lambda pk=refund.pk: send_payment_receipt(pk))
    return refunds


def cancel_open_intents(order):
    """Cancel the attempts still open (waiting for 3-D Secure...) before any change, refund or
    cancellation, so that none of them can succeed for an order that is no longer the same.

    One that cannot be cancelled has just succeeded or failed: it is re-read and recorded now
    (apply_intent settles it: applied if still valid, refunded if no longer owed). One that
    Stripe cannot tell about stays open; its webhook will settle it the same way."""
    open_payments = order.payments.filter(kind=Payment.Kind.CHARGE, status__in=OPEN_PAYMENT_STATUSES).exclude(intent_id="")
    for payment in list(open_payments):
        try:
            intent = get_client().v1.payment_intents.cancel(payment.intent_id)
        except stripe.StripeError:
            logger.info("PaymentIntent %s could not be cancelled; re-reading it", payment.intent_id, exc_info=True)
            try:
                intent = _retrieve_intent(payment.intent_id)
            except stripe.StripeError:
                logger.warning("PaymentIntent %s could not be re-read", payment.intent_id, exc_info=True)
                continue
        apply_intent(intent)


# --- webhook -----------------------------------------------------------------------------

PAYMENT_INTENT_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.requires_action",
    "payment_intent.processing",
)


# How far ahead of our clock an event's `created` may be (Stripe's signature tolerance covers
# the header's timestamp; this refuses events dated in the future, replayed or made up).
WEBHOOK_CLOCK_SKEW = 300
# Stripe's events nest about ten levels deep; anything much deeper is not from Stripe (and
# 100 000 levels would overflow the parser or the database's JSON check).
MAX_WEBHOOK_DEPTH = 32
INTENT_ID = re.compile(r"pi_[A-Za-z0-9_]{1,200}")


def _not_json(constant):
    raise ValueError(f"{constant} is not JSON")


def _depth(value, limit):
    """Nesting depth of a parsed JSON value, without recursion; stops counting past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


def webhook_configuration_problem():
    """Why the webhook must not work in this environment ("" when it may): in production, a
    missing or development Stripe secret (anybody could sign events with the public one)."""
    if getattr(settings, "APP_ENV", "") != "production":
        return ""
    problems = []
    if settings.STRIPE_WEBHOOK_SECRET in ("", None, dev_defaults.DEV_STRIPE_WEBHOOK_SECRET):
        problems.append("STRIPE_WEBHOOK_SECRET")
    if settings.STRIPE_SECRET_KEY in ("", None, dev_defaults.DEV_STRIPE_SECRET_KEY):
        problems.append("STRIPE_SECRET_KEY")
    if problems:
        return "missing or development value in production: " + ", ".join(problems)
    return ""


def handle_webhook(*, payload, signature):
    """Verify, store once and process a Stripe event. Returns (WebhookEvent, replayed).

    Raises WebhookMisconfigured (→ 503, logged at ERROR) in production with a development or
    missing secret; InvalidWebhook (→ 400, nothing stored) when the signature does not match
    the endpoint secret, the body is not a Stripe event (not an object, too deep, no id) or the
    event is dated in the future; WebhookRetry (→ 503, nothing stored) when Stripe cannot be
    asked about it. An event already stored is not processed again.
    """
    problem = webhook_configuration_problem()
    if problem:
        logger.error("Stripe webhook refused: %s", problem)
        raise WebhookMisconfigured(problem)
    try:
        stripe.WebhookSignature.verify_header(payload, signature or "", settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise InvalidWebhook(str(exc)) from None
    try:
        # NaN/Infinity are not JSON (the database's JSON check refuses them): never from Stripe.
        data = json.loads(payload, parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:
        raise InvalidWebhook(str(exc)[:200]) from None
    if not isinstance(data, dict):
        raise InvalidWebhook("event is not an object")
    if _depth(data, MAX_WEBHOOK_DEPTH) > MAX_WEBHOOK_DEPTH:
        raise InvalidWebhook("event nested too deep")
    event_id = data.get("id") or ""
    event_type = data.get("type") or ""
    if not event_id:
        raise InvalidWebhook("event without id")
    if not isinstance(event_id, str) or not isinstance(event_type, str) or len(event_id) > 255:
        raise InvalidWebhook("event id or type is not a Stripe one")
    created = data.get("created")
    if not isinstance(created, int) or isinstance(created, bool):
        raise InvalidWebhook("event without creation time")
    if created > time.time() + WEBHOOK_CLOCK_SKEW:
        raise InvalidWebhook("event dated in the future")
    existing = WebhookEvent.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing, True
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(event_id=event_id, type=event_type[:100], payload=data)
            _process_event(record, data)
    except IntegrityError:
        # The same event delivered twice at once: the other delivery stored it first.
        existing = WebhookEvent.objects.filter(event_id=event_id).first()
        if existing is None:
            raise
        return existing, True
    return record, False


def _process_event(record, data):
    """Use a payment_intent.* event as news only: the intent is read again from Stripe's API by
    its id and that answer is what counts (never the payload's amount, currency or metadata)."""
    container = data.get("data")
    obj = container.get("object") if isinstance(container, dict) else None
    if record.type in PAYMENT_INTENT_EVENTS:
        intent_id = obj.get("id") if isinstance(obj, dict) else None
        if not isinstance(intent_id, str) or not INTENT_ID.fullmatch(intent_id):
            record.flagged = True
            record.note = _("Événement sans PaymentIntent lisible : ignoré.")
            logger.error("Stripe event %s names no PaymentIntent", record.event_id)
        else:
            try:
                intent = _retrieve_intent(intent_id)
            except stripe.InvalidRequestError:
                intent = None
                record.flagged = True
                record.note = _("PaymentIntent %(id)s inconnu de Stripe : ignoré.") % {"id": intent_id}
                logger.error("Stripe event %s names PaymentIntent %s, unknown to Stripe", record.event_id, intent_id)
            except stripe.StripeError as exc:
                logger.warning("Stripe unreachable for event %s", record.event_id, exc_info=True)
                raise WebhookRetry(str(exc)) from None
            if intent is not None:
                applied = apply_intent(intent, event_id=record.event_id)
                record.order = applied.order
                record.flagged = applied.flagged
                record.note = str(applied.note)[:255]
                if (
                    applied.order is not None
                    and applied.order.status == Order.Status.CANCELLED
                    and not record.note
                ):
                    record.note = _("Événement pour une commande annulée.")
    else:
        record.note = _("Type d'événement non utilisé : enregistré seulement.")
    record.processed_at = timezone.now()
    record.save()


# --- e-mail ------------------------------------------------------------------------------


def send_payment_receipt(payment_pk):
    """E-mail the customer a receipt for a payment or a refund; a mail failure is only logged."""
    payment = Payment.objects.select_related("order", "order__pizzeria").filter(pk=payment_pk).first()
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        return
    order = payment.order
    recipient = order.customer_email or (order.customer.email if order.customer_id else "")
    if not recipient:
        return
    context = {"payment": payment, "order": order, "is_refund": payment.kind == Payment.Kind.REFUND}
    if payment.kind == Payment.Kind.REFUND:
        subject = _("Remboursement de %(amount)s € — commande %(number)s") % {"amount": euros(payment.amount), "number": order.number}
    else:
        subject = _("Reçu de paiement de %(amount)s € — commande %(number)s") % {"amount": euros(payment.amount), "number": order.number}
    try:
        send_mail(subject, render_to_string("order/emails/receipt.txt", context), None, [recipient])
    except Exception:  # noqa: BLE001 — a mail server down must not undo a payment
        logger.exception("Receipt e-mail for payment %s not sent", payment_pk)
