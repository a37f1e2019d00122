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

Stripe API version: pinned to STRIPE_API_VERSION (the operations manual's 2020-08-27) on every
call, whatever the library's default; see docs/payments.md.
"""
import json
import logging
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


def net_paid(order):
    """What the customer has paid online and not been refunded."""
    return order.amount_paid - order.amount_refunded


def amount_due(order):
    return max(order.total - net_paid(order), Decimal("0.00"))


def refresh_payment_totals(order):
    """Recompute amount_paid, amount_refunded and payment_status of a card order from its
    Payment rows (the rows are the truth; the fields are a summary for lists and statistics)."""
    rows = order.payments.filter(status=Payment.Status.SUCCEEDED)
    paid = rows.filter(kind=Payment.Kind.CHARGE).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    refunded = rows.filter(kind=Payment.Kind.REFUND).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    order.amount_paid, order.amount_refunded = paid, refunded
    PS = Order.PaymentStatus
    if order.payment_method != Order.PaymentMethod.CARD_ONLINE and not paid:
        status = order.payment_status
    elif paid and refunded >= paid:
        status = PS.REFUNDED
    elif paid and paid - refunded >= order.total and order.status not in (Order.Status.CANCELLED, Order.Status.REFUSED):
        # Covers the total: paid, even after a change refunded part of it (the driver and
        # the counter only look for PAID before handing the order over).
        status = PS.PAID
    elif refunded:
        status = PS.PARTLY_REFUNDED
    elif paid and paid >= order.total:
        status = PS.PAID  # e.g. money received for a cancelled order, flagged for a refund
    else:
        last = order.payments.filter(kind=Payment.Kind.CHARGE).order_by("-created_at", "-pk").first()
        status = PS.FAILED if last is not None and last.status == Payment.Status.FAILED else PS.AWAITING_PAYMENT
    order.payment_status = status
    Order.objects.filter(pk=order.pk).update(
        amount_paid=paid, amount_refunded=refunded, payment_status=status, updated_at=timezone.now()
    )
    return order


def is_fully_paid(order):
    return order.payment_method == Order.PaymentMethod.CARD_ONLINE and net_paid(order) >= order.total > 0


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
            amount = change.new_total - net_paid(order)
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
    """Record what a PaymentIntent (from the API or a webhook payload) says about its attempt.

    Rules, so that late, repeated and out-of-order news converge:
    - a succeeded or canceled attempt never changes again (a `payment_failed` that arrives
      after `succeeded` is noted and ignored; a `succeeded` after `failed` wins);
    - the first time an attempt succeeds the order's totals are recomputed, a paid change
      is applied, a fully paid order awaiting payment goes to the kitchen, and a receipt is sent;
    - an intent for no known order, or money received for a cancelled order, is flagged.
    """
    if hasattr(intent, "to_dict"):
        intent = intent.to_dict()  # StripeObject from the API; webhooks give plain dicts
    intent_id = _get(intent, "id", "")
    metadata = dict(_get(intent, "metadata", {}) or {})
    new_status = INTENT_STATUS.get(_get(intent, "status", ""), Payment.Status.PENDING)
    with transaction.atomic():
        payment = _find_payment(intent_id, metadata)
        if payment is None:
            return Applied(payment=None, order=None, note=_("Paiement inconnu : aucune commande ne correspond."), flagged=True)
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        payment = Payment.objects.get(pk=payment.pk)
        if event_id and event_id not in payment.event_ids:
            payment.event_ids = [*payment.event_ids, event_id]
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

        if became_succeeded and order.status in (Order.Status.CANCELLED, Order.Status.REFUSED):
            note = _("Paiement reçu pour une commande « %(status)s » : à rembourser.") % {
                "status": order.get_status_display()
            }
            flagged = True
            refresh_payment_totals(order)
        elif became_succeeded:
            change = metadata.get("change")
            if change:
                note = _apply_paid_change(order, change)
                flagged = bool(note)
            refresh_payment_totals(order)
            if order.status == Order.Status.AWAITING_CONFIRMATION and is_fully_paid(order):
                from order.services import confirm_order

                confirm_order(order, by=None)
            transaction.on_commit(lambda pk=payment.pk: send_payment_receipt(pk))
        else:
            refresh_payment_totals(order)
    return Applied(payment=payment, order=order, note=note, flagged=flagged)


def _find_payment(intent_id, metadata):
    payment_pk = str(metadata.get("payment", ""))
    if payment_pk.isdigit():
        payment = Payment.objects.filter(pk=int(payment_pk), kind=Payment.Kind.CHARGE).first()
        if payment is not None and payment.intent_id in ("", intent_id):
            return payment
    if intent_id:
        return Payment.objects.filter(intent_id=intent_id, kind=Payment.Kind.CHARGE).first()
    return None


def _apply_paid_change(order, encoded):
    """Apply the line change a paid extra amount was for; returns a note when it cannot be."""
    from order.checkout import ChangeNotAllowed, LineChange, apply_line_change

    try:
        apply_line_change(order=order, change=LineChange.decode(encoded))
    except (ChangeNotAllowed, ValueError) as exc:
        logger.warning("Paid change for order %s not applied: %s", order.number, exc)
        return _("Supplément payé mais modification non appliquée (%(reason)s) : à rembourser.") % {"reason": exc}
    return ""


# --- refunds -----------------------------------------------------------------------------


def refund_order(*, order, amount, by=None, reason=""):
    """Refund `amount` of what the customer paid by card, through Stripe, newest payments first.

    Call inside the caller's transaction holding the order row lock. Each refund is a Payment
    row of kind REFUND (written before the Stripe call, with its idempotency key). Raises
    PaymentError when Stripe refuses or cannot be reached (the caller's transaction then rolls
    back: the order is not cancelled or changed)."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        return []
    refunds = []
    remaining = amount
    charges = list(
        order.payments.filter(kind=Payment.Kind.CHARGE, status=Payment.Status.SUCCEEDED, provider=Payment.Provider.STRIPE)
        .exclude(intent_id="")
        .order_by("-created_at", "-pk")
    )
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
    """Cancel attempts still waiting for 3-D Secure, so that a cancelled order cannot be paid."""
    for payment in order.payments.filter(kind=Payment.Kind.CHARGE, status__in=OPEN_PAYMENT_STATUSES).exclude(intent_id=""):
        try:
            intent = get_client().v1.payment_intents.cancel(payment.intent_id)
        except stripe.StripeError:
            # Already succeeded or failed meanwhile: its webhook will tell, and flag it if paid.
            logger.info("PaymentIntent %s could not be cancelled", payment.intent_id, exc_info=True)
            continue
        payment.status = INTENT_STATUS.get(intent.status, payment.status)
        payment.save()


# --- webhook -----------------------------------------------------------------------------

PAYMENT_INTENT_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.requires_action",
    "payment_intent.processing",
)


def _not_json(constant):
    raise ValueError(f"{constant} is not JSON")


def handle_webhook(*, payload, signature):
    """Verify, store once and process a Stripe event. Returns (WebhookEvent, replayed).

    Raises InvalidWebhook (→ 400, nothing stored) when the signature does not match the
    endpoint secret. An event already stored is not processed again.
    """
    try:
        event = stripe.Webhook.construct_event(payload, signature or "", settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise InvalidWebhook(str(exc)) from None
    try:
        # NaN/Infinity are not JSON (the database's JSON check refuses them): never from Stripe.
        data = json.loads(payload, parse_constant=_not_json)
    except ValueError as exc:
        raise InvalidWebhook(str(exc)) from None
    if not isinstance(data, dict):
        raise InvalidWebhook("event is not an object")
    event_id = data.get("id") or ""
    event_type = data.get("type") or ""
    if not event_id:
        raise InvalidWebhook("event without id")
    if not isinstance(event_id, str) or not isinstance(event_type, str) or len(event_id) > 255:
        raise InvalidWebhook("event id or type is not a Stripe one")
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
    obj = (data.get("data") or {}).get("object") or {}
    if record.type in PAYMENT_INTENT_EVENTS and obj.get("object") == "payment_intent":
        applied = apply_intent(obj, event_id=record.event_id)
        record.order = applied.order
        record.flagged = applied.flagged
        record.note = str(applied.note)[:255]
        if applied.order is not None and applied.order.status == Order.Status.CANCELLED and record.type != "payment_intent.succeeded":
            record.note = record.note or _("Événement pour une commande annulée.")
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
