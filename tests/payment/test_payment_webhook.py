"""Stripe webhook: verified signature, each event once, late and out-of-order events,
unknown or cancelled orders flagged (F-ORD-4)."""
import copy
import time
import uuid

import pytest
from django.conf import settings

from order import payments, stripe_gateway
from order.models import Order, Payment, WebhookEvent
from tests.support.payments_conftest import localstripe_authenticate, localstripe_card, signed_event, wait_for
from tests.support.payments_helpers import card_order

URL = "/paiement/webhook/"


def event_for(intent, event_type):
    data = intent.to_dict() if hasattr(intent, "to_dict") else copy.deepcopy(intent)
    return {
        "id": f"evt_{uuid.uuid4().hex[:16]}", "object": "event", "type": event_type, "created": int(time.time()),
        "data": {"object": data},
    }


def post_event(client, payload, secret=None):
    body, header = signed_event(payload, secret or settings.STRIPE_WEBHOOK_SECRET)
    return client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


@pytest.fixture
def waiting_3ds(stripe_local, shops, demo_users):
    """An order whose 3-D Secure payment the customer has just completed (no webhook yet)."""
    order = card_order(shops, demo_users["customer"])
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000002500003155"))
    localstripe_authenticate(stripe_local, result.payment.intent_id, result.client_secret, success=True)
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(result.payment.intent_id)
    assert intent.status == "succeeded"
    return order, result.payment, intent


@pytest.mark.django_db
def test_forged_or_unsigned_webhook_gets_400_and_changes_nothing(client, waiting_3ds):
    order, payment, intent = waiting_3ds
    payload = event_for(intent, "payment_intent.succeeded")
    forged = post_event(client, payload, secret="whsec_not_the_right_one")
    body, _header = signed_event(payload, settings.STRIPE_WEBHOOK_SECRET)
    unsigned = client.post(URL, data=body, content_type="application/json")
    garbage = client.post(URL, data=b"{not json", content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=00")

    assert (forged.status_code, unsigned.status_code, garbage.status_code) == (400, 400, 400)
    assert WebhookEvent.objects.count() == 0
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_ACTION
    assert order.status == Order.Status.AWAITING_CONFIRMATION


@pytest.mark.django_db
def test_webhook_only_accepts_post(client):
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_same_event_twice_counts_once(client, waiting_3ds):
    order, payment, intent = waiting_3ds
    payload = event_for(intent, "payment_intent.succeeded")

    first = post_event(client, payload)
    second = post_event(client, payload)

    assert first.status_code == second.status_code == 200
    assert first.json()["replayed"] is False and second.json()["replayed"] is True
    assert WebhookEvent.objects.filter(event_id=payload["id"]).count() == 1
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.event_ids == [payload["id"]]
    assert order.status == Order.Status.TO_PREPARE
    assert order.amount_paid == order.total
    # confirmed once: one history row moved it to the kitchen
    assert order.history.filter(status=Order.Status.TO_PREPARE).count() == 1


@pytest.mark.django_db
def test_events_in_any_order_converge_on_what_stripe_says(client, waiting_3ds):
    """The handler asks Stripe: a `payment_failed` that arrives for an intent that succeeded
    (late, out of order, or made up) cannot undo the payment."""
    order, payment, intent = waiting_3ds
    failed = event_for(intent, "payment_intent.payment_failed")
    failed["data"]["object"]["status"] = "requires_payment_method"
    failed["data"]["object"]["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
    succeeded = event_for(intent, "payment_intent.succeeded")

    assert post_event(client, failed).status_code == 200
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.payment_status == Order.PaymentStatus.PAID and order.status == Order.Status.TO_PREPARE
    assert post_event(client, succeeded).status_code == 200
    late_failed = event_for(failed["data"]["object"], "payment_intent.payment_failed")
    assert post_event(client, late_failed).status_code == 200
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.history.filter(status=Order.Status.TO_PREPARE).count() == 1


@pytest.mark.django_db
def test_failed_attempt_then_retry_and_a_late_failed_event_changes_nothing(client, stripe_local, shops, demo_users):
    order = card_order(shops, demo_users["customer"])
    first = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000002500003155"))
    localstripe_authenticate(stripe_local, first.payment.intent_id, first.client_secret, success=False)
    failed_intent = stripe_gateway.get_client().v1.payment_intents.retrieve(first.payment.intent_id)
    assert post_event(client, event_for(failed_intent, "payment_intent.payment_failed")).status_code == 200
    first.payment.refresh_from_db()
    assert first.payment.status == Payment.Status.FAILED
    assert "3-D Secure" in first.payment.failure_message

    retry = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    assert retry.succeeded
    assert post_event(client, event_for(failed_intent, "payment_intent.payment_failed")).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE and order.payment_status == Order.PaymentStatus.PAID
    assert order.amount_paid == order.total


@pytest.mark.django_db
def test_event_for_an_unknown_order_is_recorded_and_flagged(client, stripe_local):
    payload = {
        "id": "evt_unknown_order",
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "data": {"object": {"id": "pi_nobodyknows", "object": "payment_intent", "status": "succeeded",
                            "amount": 1200, "metadata": {"order": "999999", "payment": "999999"}}},
    }
    response = post_event(client, payload)
    assert response.status_code == 200
    event = WebhookEvent.objects.get(event_id="evt_unknown_order")
    assert event.flagged and event.order is None and event.processed_at


@pytest.mark.django_db
def test_payment_that_succeeds_while_the_order_is_cancelled_is_refunded_at_once(waiting_3ds, demo_users):
    """The 3-D Secure was completed at Stripe but we did not know yet when the order was
    cancelled: cancelling re-reads the attempt, records it and refunds it."""
    from order.services import cancel_order

    order, payment, intent = waiting_3ds
    cancel_order(order, by=demo_users["customer"], reason="test")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.payment_status == Order.PaymentStatus.REFUNDED
    assert payments.net_received(order) == 0
    refunds = stripe_gateway.get_client().v1.refunds.list(params={"payment_intent": intent.id}).data
    assert [r.amount for r in refunds] == [intent.amount]


@pytest.mark.django_db
def test_late_success_for_a_cancelled_order_is_refunded_automatically_and_flagged(
    client, stripe_local, shops, demo_users, settings
):
    """Stripe could not be reached when the order was cancelled (the attempt stayed open); the
    customer then completed 3-D Secure: the webhook refunds that money at once and flags it."""
    from order.services import cancel_order

    order = card_order(shops, demo_users["customer"])
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000002500003155"))
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: the cancel cannot reach Stripe
    cancel_order(order, by=demo_users["customer"], reason="test")
    settings.STRIPE_API_BASE = stripe_local
    localstripe_authenticate(stripe_local, result.payment.intent_id, result.client_secret, success=True)
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(result.payment.intent_id)
    payload = event_for(intent, "payment_intent.succeeded")

    assert post_event(client, payload).status_code == 200

    event = WebhookEvent.objects.get(event_id=payload["id"])
    order.refresh_from_db()
    assert event.flagged and event.order == order
    assert "Annulée" in event.note and "remboursés automatiquement" in event.note
    assert order.status == Order.Status.CANCELLED  # never back to the kitchen
    assert order.payment_status == Order.PaymentStatus.REFUNDED
    refund = order.payments.get(kind=Payment.Kind.REFUND)
    assert refund.status == Payment.Status.SUCCEEDED and refund.amount == order.total
    assert [r.amount for r in stripe_gateway.get_client().v1.refunds.list(params={"payment_intent": intent.id}).data] == [
        payments.to_cents(order.total)
    ]
    assert "remboursés automatiquement" in order.payments.get(kind=Payment.Kind.CHARGE).failure_message


@pytest.mark.django_db
def test_other_event_types_are_stored_not_flagged(client, stripe_local):
    payload = {"id": "evt_customer", "object": "event", "type": "customer.created", "created": int(time.time()), "data": {"object": {"id": "cus_1", "object": "customer"}}}
    assert post_event(client, payload).status_code == 200
    event = WebhookEvent.objects.get(event_id="evt_customer")
    assert not event.flagged and event.processed_at


@pytest.mark.django_db(transaction=True)
def test_localstripe_webhook_reaches_the_site_and_confirms_the_order(stripe_webhooks, shops, demo_users):
    """The real delivery path: localstripe signs and posts payment_intent.succeeded to the live server."""
    order = card_order(shops, demo_users["customer"])
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_webhooks, "4000002500003155"))
    localstripe_authenticate(stripe_webhooks, result.payment.intent_id, result.client_secret, success=True)

    # Nobody calls sync_payment here: only the webhook can move the order.
    assert wait_for(lambda: WebhookEvent.objects.filter(type="payment_intent.succeeded", order=order).exists())
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    assert order.payment_status == Order.PaymentStatus.PAID
