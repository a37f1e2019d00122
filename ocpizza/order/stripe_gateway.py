"""The one module that talks to Stripe (issue 15): nothing else in the project imports `stripe`.

It makes the client (API version pinned, base address from the settings so tests and the demo
reach localstripe), creates, reads and cancels PaymentIntents, creates SetupIntents and
refunds, and checks webhook signatures. Stripe's own exceptions stop here: callers see
GatewayError (Stripe refused or could not be reached), its subclasses CardDeclined and
UnknownObject, and InvalidSignature. Tests that need to watch or break the calls patch
`order.stripe_gateway.get_client`.
"""
import stripe
from django.conf import settings
from django.utils.translation import gettext as _

STRIPE_API_VERSION = "2020-08-27"


class GatewayError(Exception):
    """Stripe refused the call or could not be reached. `user_message` is Stripe's own text
    for people, when it gave one."""

    def __init__(self, message="", *, user_message=""):
        super().__init__(str(message))
        self.user_message = user_message or ""


class CardDeclined(GatewayError):
    """The card was refused while paying. `code` is Stripe's error or decline code; `intent` the
    PaymentIntent Stripe sent with the error (a dict-like object), or None."""

    def __init__(self, message="", *, code="", intent=None, user_message=""):
        super().__init__(message, user_message=user_message)
        self.code = code or ""
        self.intent = intent


class UnknownObject(GatewayError):
    """Stripe does not know the object asked for (a made-up or foreign id)."""


class InvalidSignature(Exception):
    """A webhook call that is not signed with the endpoint's secret, or not readable."""


def get_client():
    """A StripeClient from the settings (read at each call: tests point it at their localstripe)."""
    options = {
        "stripe_version": getattr(settings, "STRIPE_API_VERSION", "") or STRIPE_API_VERSION,
        "max_network_retries": 2,  # retries reuse the idempotency key, so they never pay twice
    }
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE.rstrip("/")}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def _get(obj, key, default=None):
    """Read a field from a StripeObject or a plain dict (webhook payloads) alike."""
    if obj is None:
        return default
    try:
        value = obj[key]
    except (KeyError, TypeError, AttributeError):
        return default
    return default if value is None else value


def _translate(exc):
    """Our exception for one of Stripe's."""
    user_message = getattr(exc, "user_message", None) or ""
    if isinstance(exc, stripe.CardError):
        error = exc.error
        return CardDeclined(
            str(exc), code=exc.code or _get(error, "decline_code") or "", intent=_get(error, "payment_intent"),
            user_message=user_message,
        )
    if isinstance(exc, stripe.InvalidRequestError):
        return UnknownObject(str(exc), user_message=user_message)
    return GatewayError(str(exc), user_message=user_message)


def _call(method, *args, **kwargs):
    try:
        return method(*args, **kwargs)
    except stripe.StripeError as exc:
        raise _translate(exc) from exc


def create_setup_intent(*, metadata):
    """A SetupIntent for an on-session card; returns its client secret for Stripe.js."""
    intent = _call(get_client().v1.setup_intents.create, params={"metadata": metadata, "usage": "on_session"})
    return intent.client_secret


def create_payment_intent(*, amount_cents, currency, payment_method, metadata, idempotency_key):
    """Create and confirm a card PaymentIntent; CardDeclined when the card is refused."""
    return _call(
        get_client().v1.payment_intents.create,
        params={
            "amount": amount_cents,
            "currency": currency,
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": metadata,
        },
        options={"idempotency_key": idempotency_key},
    )


def retrieve_payment_intent(intent_id):
    return _call(get_client().v1.payment_intents.retrieve, intent_id)


def cancel_payment_intent(intent_id):
    return _call(get_client().v1.payment_intents.cancel, intent_id)


def create_refund(*, payment_intent, amount_cents, metadata, idempotency_key):
    return _call(
        get_client().v1.refunds.create,
        params={"payment_intent": payment_intent, "amount": amount_cents, "metadata": metadata},
        options={"idempotency_key": idempotency_key},
    )


def verify_webhook_signature(payload, signature, secret):
    """InvalidSignature unless `payload` is signed with `secret` (Stripe-Signature header)."""
    try:
        stripe.WebhookSignature.verify_header(payload, signature or "", secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise InvalidSignature(str(exc)) from None


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


field = _get  # reading a field of a Stripe object or payload, for the money rules
