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

Modules: order.stripe_gateway (the only code calling Stripe), order.money (amounts and the
invariant), order.settlement (apply_intent, sync, cancelling open attempts), order.refunds,
order.receipts, order.webhooks; this one takes payments (steps 1 and 2).
"""
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from order import stripe_gateway
from order.locks import lock_order
from order.models import Order, Payment
from order.money import (  # noqa: F401 — the public names of payments, kept importable here
    CENT,
    CURRENCY,
    amount_due,
    covers_total,
    euros,
    from_cents,
    is_fully_paid,
    lines_fingerprint,
    net_received,
    refresh_payment_totals,
    stripe_payment,
    to_cents,
)
from order.refunds import PaymentError, refund_order  # noqa: F401 — refund_order kept importable here
from order.reservations import release_if_abandoned, reserve_order
from order.rules import FINAL_STATUSES
from order.settlement import (  # noqa: F401 — kept importable here
    FINAL_PAYMENT_STATUSES,
    OPEN_PAYMENT_STATUSES,
    apply_intent,
    cancel_open_intents,
    sync_open_payments,
    sync_payment,
)
from order.stripe_gateway import STRIPE_API_VERSION, decline_message  # noqa: F401 — kept importable
from order.stripe_gateway import field as _get
from pizzeria.services import InsufficientStock

logger = logging.getLogger(__name__)

# --- paying ------------------------------------------------------------------------------


def create_setup_intent(*, order):
    """A SetupIntent whose client secret lets Stripe.js turn the typed card into a PaymentMethod."""
    try:
        return stripe_gateway.create_setup_intent(metadata={"order": str(order.pk), "order_number": order.number})
    except stripe_gateway.GatewayError:
        logger.exception("Stripe SetupIntent creation failed for order %s", order.number)
        raise PaymentError(_("Le paiement en ligne est momentanément indisponible. Réessayez dans un instant.")) from None


@dataclass
class ChargeResult:
    payment: Payment
    status: str  # Payment.Status
    client_secret: str = ""  # for confirmCardPayment when status is REQUIRES_ACTION
    message: str = ""  # French, when the attempt failed

    @property
    def succeeded(self):
        return self.status == Payment.Status.SUCCEEDED


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
        order = lock_order(order.pk)
        _check_payable(order)
        if change is None:
            amount = amount_due(order)
            if amount <= 0:
                raise PaymentError(_("La commande %(number)s est déjà payée.") % {"number": order.number})
            _hold_stock_for_payment(order)
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
            payment = stripe_payment(
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
        intent = stripe_gateway.create_payment_intent(
            amount_cents=to_cents(amount), currency=CURRENCY, payment_method=payment_method_id,
            metadata=metadata, idempotency_key=key,
        )
    except stripe_gateway.CardDeclined as exc:
        intent = exc.intent
        message = decline_message(exc.code)
        _mark_failed(payment, message=message, intent_id=_get(intent, "id", ""))
        if intent is not None and _get(intent, "id"):
            # Stripe sends the intent with the error: let it record what it knows too.
            apply_intent(intent)
        return ChargeResult(payment=payment, status=Payment.Status.FAILED, message=message)
    except stripe_gateway.GatewayError:
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
        order = lock_order(order.pk)
        _check_payable(order)
        amount = amount_due(order)
        if amount <= 0:
            return None
        message = decline_message(str(code)[:100])
        payment = stripe_payment(
            order=order, kind=Payment.Kind.CHARGE, status=Payment.Status.FAILED, amount=amount, by=by,
            failure_message=message[:255],
        )
        payment.full_clean()
        payment.save()
        refresh_payment_totals(order)
        release_if_abandoned(order)
    return payment


def _hold_stock_for_payment(order):
    """Before the card is charged, the order holds its ingredients again for the time of the
    payment (order.reservations): what is paid for can be made, or the card is not charged."""
    if order.status != Order.Status.AWAITING_CONFIRMATION:
        return
    try:
        reserve_order(order)
    except InsufficientStock as short:
        raise PaymentError(
            _("Il ne reste plus assez de %(ingredients)s pour préparer la commande %(number)s. "
              "Votre carte n'a pas été débitée : modifiez ou annulez la commande.")
            % {"ingredients": ", ".join(i.name for i, _n, _a in short.missing), "number": order.number}
        ) from None


def _result_for_existing(payment):
    client_secret = ""
    if payment.status in OPEN_PAYMENT_STATUSES and payment.intent_id:
        payment = sync_payment(payment)
        if payment.status == Payment.Status.REQUIRES_ACTION:
            client_secret = stripe_gateway.retrieve_payment_intent(payment.intent_id).client_secret
    return ChargeResult(payment=payment, status=payment.status, client_secret=client_secret, message=payment.failure_message)


def _check_payable(order):
    if order.payment_method != Order.PaymentMethod.CARD_ONLINE:
        raise PaymentError(_("Cette commande se paie à la livraison ou au retrait."))
    if order.status in FINAL_STATUSES:
        raise PaymentError(
            _("La commande %(number)s est « %(status)s » : elle ne peut plus être payée.")
            % {"number": order.number, "status": order.get_status_display()}
        )


def _mark_failed(payment, *, message, intent_id=""):
    with transaction.atomic():
        order = lock_order(payment.order_id)
        payment.refresh_from_db()
        if payment.status in FINAL_PAYMENT_STATUSES:
            return payment
        payment.status = Payment.Status.FAILED
        payment.failure_message = str(message)[:255]
        if intent_id:
            payment.intent_id = intent_id
        payment.save()
        refresh_payment_totals(order)
        release_if_abandoned(order)
    return payment
