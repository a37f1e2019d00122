"""Stripe's webhook: verify, store each event once, and use it as news only (issue 13 H1).

The signature is checked by order.stripe_gateway; the PaymentIntent an event names is read
again from Stripe's API and that answer goes through order.settlement.apply_intent, like the
customer's return page, so a late, repeated or out-of-order event changes nothing known.
"""
import json
import logging
import re
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocpizza import dev_defaults
from order import stripe_gateway
from order.models import Order, WebhookEvent
from order.settlement import apply_intent

logger = logging.getLogger(__name__)


class InvalidWebhook(Exception):
    """Unsigned, badly signed or unreadable webhook call: answered 400, nothing stored."""


class WebhookMisconfigured(Exception):
    """Production runs with a missing or development Stripe secret: the webhook refuses to work."""


class WebhookRetry(Exception):
    """Stripe could not be asked about the event: answered 503 (nothing stored), Stripe resends it."""


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
        stripe_gateway.verify_webhook_signature(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except stripe_gateway.InvalidSignature as exc:
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
                intent = stripe_gateway.retrieve_payment_intent(intent_id)
            except stripe_gateway.UnknownObject:
                intent = None
                record.flagged = True
                record.note = _("PaymentIntent %(id)s inconnu de Stripe : ignoré.") % {"id": intent_id}
                logger.error("Stripe event %s names PaymentIntent %s, unknown to Stripe", record.event_id, intent_id)
            except stripe_gateway.GatewayError as exc:
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
