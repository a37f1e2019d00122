"""The payment invariant and the webhook's trust rules (issue 13: C2, webhook amount and currency,
H1 webhook part, L1 webhooks, L7 pages without Stripe).

Invariant (docs/payments.md): a card order reaches the kitchen, the driver or the counter as paid
only when the net money received for it (succeeded charges − succeeded refunds, in EUR) covers
its total. Everything here runs against localstripe (tests/payments_conftest.py).
"""
import json
import logging
import time
import uuid
from decimal import Decimal

import pytest
from django.conf import settings

from order import payments, stripe_gateway, webhooks
from order.models import Order, Payment, WebhookEvent
from order.services import accept_order, deliver_order, finish_order
from order.workflow import TransitionNotAllowed
from product.models import Product
from tests.support.payments_conftest import localstripe_authenticate, localstripe_card, signed_event
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db
URL = "/paiement/webhook/"


def event_for(intent, event_type, **extra):
    data = intent.to_dict() if hasattr(intent, "to_dict") else dict(intent)
    return {
        "id": f"evt_{uuid.uuid4().hex[:16]}", "object": "event", "type": event_type, "created": int(time.time()),
        "data": {"object": data}, **extra,
    }


def post_event(client, payload, secret=None):
    body, header = signed_event(payload, secret or settings.STRIPE_WEBHOOK_SECRET)
    return client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def held_at_stripe(order):
    """Cents localstripe holds for the order's intents: captured minus refunded."""
    client = stripe_gateway.get_client()
    held = 0
    for intent_id in set(order.payments.exclude(intent_id="").values_list("intent_id", flat=True)):
        intent = client.v1.payment_intents.retrieve(intent_id)
        if intent.status != "succeeded":
            continue  # no money moved (and nothing to refund)
        held += intent.amount
        held -= sum(r.amount for r in client.v1.refunds.list(params={"payment_intent": intent_id}).data
                    if r.status in ("succeeded", "pending"))
    return held


def ids(*slugs):
    return {slug: Product.objects.get(slug=slug).pk for slug in slugs}


# --- C2: the exact interleaving -----------------------------------------------------------------------


def test_c2_stale_paid_change_never_makes_a_large_order_cheap(client_for, stripe_local, shops, demo_users):
    """Pay 95 €; change up (+11,50 €) and leave the 3-D Secure of the extra open; change down
    (85,50 € refunded); complete the authentication; the late news arrives (return page and
    webhook). On 7a38b9b: 106,50 € of food for 21 € net, handed over as paid."""
    customer = client_for(demo_users["customer"])
    order = card_order(shops, demo_users["customer"], lines=(("margherita", 10),))
    assert order.total == Decimal("95.00")
    assert payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242")).succeeded
    p = ids("margherita", "reine")

    # Change up: the extra (11,50 €) is paid with a 3-D Secure card, authentication left open.
    response = customer.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{p['margherita']}": "10", f"qty-{p['reine']}": "1"})
    assert response.url == f"/commande/{order.number}/paiement/"
    extra = customer.post(
        f"/commande/{order.number}/paiement/carte/", {"payment_method": localstripe_card(stripe_local, "4000002500003155")}
    ).json()
    assert extra["status"] == "requires_action"
    extra_payment = Payment.objects.get(pk=extra["payment"])
    assert extra_payment.amount == Decimal("11.50")

    # Change down to one margherita: 85,50 € refunded at once.
    customer.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{p['margherita']}": "1", f"qty-{p['reine']}": "0"})
    order.refresh_from_db()
    assert order.total == Decimal("9.50")
    assert order.amount_refunded == Decimal("85.50")

    # The customer completes the authentication of the (stale) extra; the news comes back.
    localstripe_authenticate(stripe_local, extra_payment.intent_id, extra["client_secret"], success=True)
    customer.post(f"/commande/{order.number}/paiement/verifier/", {"payment": extra_payment.pk})
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(extra_payment.intent_id)
    assert post_event(client_for(demo_users["customer"]), event_for(intent, "payment_intent.succeeded")).status_code == 200

    order.refresh_from_db()
    net = payments.net_received(order)
    assert order.total == Decimal("9.50"), "the stale change must not be applied"
    assert list(order.lines.values_list("product__slug", "quantity")) == [("margherita", 1)]
    assert net >= order.total
    assert net == order.total  # nothing kept beyond what is owed
    assert held_at_stripe(order) == payments.to_cents(order.total)  # the books balance with Stripe
    assert order.payment_status == Order.PaymentStatus.PAID

    pizzaiolo = demo_users["pizzaiolo"]
    accept_order(order, by=pizzaiolo)
    finish_order(order, by=pizzaiolo)
    deliver_order(order, by=pizzaiolo)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED


def test_late_success_of_a_stale_change_is_refunded_and_flagged(client_for, stripe_local, shops, demo_users, monkeypatch):
    """Same as C2 but the extra's intent could not be cancelled (Stripe unreachable during the
    change down), so it really succeeds later: it is refunded automatically and flagged."""
    customer = client_for(demo_users["customer"])
    order = card_order(shops, demo_users["customer"], lines=(("margherita", 10),))
    payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    p = ids("margherita", "reine")
    customer.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{p['margherita']}": "10", f"qty-{p['reine']}": "1"})
    extra = customer.post(
        f"/commande/{order.number}/paiement/carte/", {"payment_method": localstripe_card(stripe_local, "4000002500003155")}
    ).json()
    extra_payment = Payment.objects.get(pk=extra["payment"])

    # Only the cancel fails (a network error); the refund of the change down goes through.
    from stripe._payment_intent_service import PaymentIntentService

    def unreachable(self, *args, **kwargs):
        raise stripe_gateway.stripe.APIConnectionError("network down")

    with monkeypatch.context() as patch:
        patch.setattr(PaymentIntentService, "cancel", unreachable)
        customer.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{p['margherita']}": "1", f"qty-{p['reine']}": "0"})
    order.refresh_from_db()
    assert order.total == Decimal("9.50")
    localstripe_authenticate(stripe_local, extra_payment.intent_id, extra["client_secret"], success=True)
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(extra_payment.intent_id)
    assert intent.status == "succeeded"
    payload = event_for(intent, "payment_intent.succeeded")
    assert post_event(client_for(demo_users["customer"]), payload).status_code == 200

    order.refresh_from_db()
    event = WebhookEvent.objects.get(event_id=payload["id"])
    assert event.flagged and "modification non appliquée" in event.note and "remboursés automatiquement" in event.note
    assert order.total == Decimal("9.50")
    assert payments.net_received(order) == order.total
    assert held_at_stripe(order) == payments.to_cents(order.total)
    refund = order.payments.filter(kind=Payment.Kind.REFUND, intent_id=extra_payment.intent_id).get()
    assert refund.amount == Decimal("11.50") and refund.status == Payment.Status.SUCCEEDED


def test_partly_refunded_under_paid_order_is_never_handed_over(stripe_local, shops, demo_users):
    """deliver_order used to accept `partly_refunded` as paid: the guard reads the money."""
    order = card_order(shops, demo_users["customer"], lines=(("margherita", 2),))
    payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    order.refresh_from_db()
    pizzaiolo = demo_users["pizzaiolo"]
    accept_order(order, by=pizzaiolo)
    finish_order(order, by=pizzaiolo)
    # A refund of part of the money (e.g. a goodwill refund): the order no longer covers its total.
    payments.refund_order(order=order, amount=Decimal("1.00"), by=demo_users["manager"])
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PARTLY_REFUNDED
    with pytest.raises(TransitionNotAllowed, match="pas payée en totalité"):
        deliver_order(order, by=pizzaiolo)
    order.refresh_from_db()
    assert order.status == Order.Status.READY


def test_kitchen_cannot_accept_an_unpaid_card_order_even_if_it_is_to_prepare(shops, demo_users):
    order = card_order(shops, demo_users["customer"])
    Order.objects.filter(pk=order.pk).update(status=Order.Status.TO_PREPARE, payment_status=Order.PaymentStatus.PAID)
    order.refresh_from_db()
    from order.workflow import allowed_actions

    assert "accept" not in allowed_actions(order, demo_users["pizzaiolo"])
    with pytest.raises(TransitionNotAllowed, match="pas payée en totalité"):
        accept_order(order, by=demo_users["pizzaiolo"])


# --- the webhook trusts only what Stripe's API says ------------------------------------------------------


@pytest.fixture
def open_3ds(stripe_local, shops, demo_users):
    """A 24,80 € order... or close: an order with a 3-D Secure attempt left open."""
    order = card_order(shops, demo_users["customer"], lines=(("margherita", 1), ("reine", 1), ("coca-cola", 1)))
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000002500003155"))
    assert result.status == Payment.Status.REQUIRES_ACTION
    return order, result.payment


@pytest.mark.parametrize("amount,currency", [(1, "eur"), (2350, "usd"), (1, "usd")])
def test_signed_event_with_other_amount_or_currency_marks_nothing_paid(client, open_3ds, amount, currency, caplog):
    order, payment = open_3ds
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(payment.intent_id).to_dict()
    intent.update(status="succeeded", amount=amount, amount_received=amount, currency=currency)
    payload = event_for(intent, "payment_intent.succeeded")
    with caplog.at_level(logging.ERROR, logger="order.payments"):
        assert post_event(client, payload).status_code == 200
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.AWAITING_CONFIRMATION
    assert order.payment_status == Order.PaymentStatus.AWAITING_PAYMENT
    assert payment.status == Payment.Status.REQUIRES_ACTION  # what Stripe says, not the payload
    assert payments.net_received(order) == 0


def test_real_intent_of_another_amount_pointing_at_our_payment_is_refused_and_logged(client, open_3ds, stripe_local, caplog):
    """An intent that really succeeded at Stripe (1 cent, USD) with our order's metadata: the
    metadata alone never makes it our attempt; the mismatch is recorded and logged at ERROR."""
    order, payment = open_3ds
    Payment.objects.filter(pk=payment.pk).update(intent_id="")  # as if the creation answer was lost
    foreign = stripe_gateway.get_client().v1.payment_intents.create(params={
        "amount": 1, "currency": "usd", "payment_method": localstripe_card(stripe_local, "4242424242424242"),
        "payment_method_types": ["card"], "confirm": True,
        "metadata": {"order": str(order.pk), "order_number": order.number, "payment": str(payment.pk)},
    })
    assert foreign.status == "succeeded"
    payload = event_for(foreign, "payment_intent.succeeded")
    with caplog.at_level(logging.ERROR, logger="order.payments"):
        assert post_event(client, payload).status_code == 200
    order.refresh_from_db()
    payment.refresh_from_db()
    event = WebhookEvent.objects.get(event_id=payload["id"])
    assert event.flagged and "devise" in event.note
    assert payment.status != Payment.Status.SUCCEEDED and "devise" in payment.failure_message
    assert order.status == Order.Status.AWAITING_CONFIRMATION and payments.net_received(order) == 0
    assert any(r.levelno == logging.ERROR and foreign.id in r.getMessage() for r in caplog.records)


def test_event_for_an_intent_stripe_does_not_know_is_flagged_not_applied(client, open_3ds):
    order, payment = open_3ds
    payload = event_for({"id": "pi_madeup000000", "object": "payment_intent", "status": "succeeded",
                         "amount": 2350, "currency": "eur", "metadata": {"order": str(order.pk), "payment": str(payment.pk)}},
                        "payment_intent.succeeded")
    assert post_event(client, payload).status_code == 200
    assert WebhookEvent.objects.get(event_id=payload["id"]).flagged
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_CONFIRMATION


def test_webhook_answers_503_and_stores_nothing_when_stripe_cannot_be_asked(client, open_3ds, settings):
    order, payment = open_3ds
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(payment.intent_id)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    response = post_event(client, event_for(intent, "payment_intent.succeeded"))
    assert response.status_code == 503  # Stripe sends it again later
    assert not WebhookEvent.objects.exists()


# --- H1: no development secret in production --------------------------------------------------------------


@pytest.mark.parametrize("secret", ["", "whsec_ocpizza_local"])
def test_production_webhook_refuses_to_work_with_a_development_secret(client, open_3ds, settings, secret, caplog):
    order, payment = open_3ds
    settings.APP_ENV = "production"
    settings.STRIPE_SECRET_KEY = "sk_live_not_a_dev_one"
    settings.STRIPE_WEBHOOK_SECRET = secret
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(payment.intent_id).to_dict()
    intent.update(status="succeeded")
    with caplog.at_level(logging.ERROR, logger="order.payments"):
        response = post_event(client, event_for(intent, "payment_intent.succeeded"), secret="whsec_ocpizza_local")
    assert response.status_code == 503
    assert not WebhookEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_CONFIRMATION
    assert any(r.levelno == logging.ERROR and "STRIPE_WEBHOOK_SECRET" in r.getMessage() for r in caplog.records)


def test_dev_defaults_are_the_settings_defaults():
    from ocpizza import dev_defaults

    assert dev_defaults.DEV_STRIPE_WEBHOOK_SECRET == "whsec_ocpizza_local"
    assert dev_defaults.DEV_STRIPE_SECRET_KEY == "sk_test_ocpizza_local"
    assert settings.STRIPE_WEBHOOK_SECRET == dev_defaults.DEV_STRIPE_WEBHOOK_SECRET  # APP_ENV=test, no .env value


# --- L1: signed but malformed events -------------------------------------------------------------------------


def _post_raw(client, body):
    timestamp = int(time.time())
    import hashlib
    import hmac

    signature = hmac.new(settings.STRIPE_WEBHOOK_SECRET.encode(), b"%d.%s" % (timestamp, body), hashlib.sha256).hexdigest()
    return client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=f"t={timestamp},v1={signature}")


@pytest.mark.parametrize("body", [
    b"[]",
    b'[{"id": "evt_1", "type": "payment_intent.succeeded"}]',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"id": "evt_deep", "type": "x", "created": 1, "data": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001,
    b'{"id": "evt_deep2", "type": "x", "created": 1, "data": ' + b"[" * 200 + b"]" * 200 + b"}",
    b'"just a string"',
])
def test_signed_malformed_events_get_400_and_nothing_is_stored(client, demo_data, body):
    response = _post_raw(client, body)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_event_dated_in_the_future_is_refused(client, open_3ds):
    order, payment = open_3ds
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(payment.intent_id)
    future = event_for(intent, "payment_intent.succeeded", created=int(time.time()) + 3600)
    assert post_event(client, future).status_code == 400
    undated = event_for(intent, "payment_intent.succeeded")
    del undated["created"]
    assert post_event(client, undated).status_code == 400
    assert not WebhookEvent.objects.exists()
    fine = event_for(intent, "payment_intent.requires_action", created=int(time.time()) + 60)  # clock skew
    assert post_event(client, fine).status_code == 200


# --- L7: page views read the database only -------------------------------------------------------------------


@pytest.fixture
def no_stripe(monkeypatch):
    """Any call to Stripe fails the test."""
    def forbidden():
        pytest.fail("a page view called Stripe")

    monkeypatch.setattr(stripe_gateway, "get_client", forbidden)


def test_status_poll_pay_page_and_order_pages_never_call_stripe(client_for, open_3ds, demo_users, monkeypatch):
    order, payment = open_3ds
    customer = client_for(demo_users["customer"])
    calls = []
    monkeypatch.setattr(stripe_gateway, "get_client", lambda: calls.append(1) or pytest.fail("a page view called Stripe"))
    for url in (f"/mes-commandes/{order.number}/statut/", f"/commande/{order.number}/paiement/",
                f"/mes-commandes/{order.number}/", f"/commande/{order.number}/confirmation/"):
        for _ in range(3):
            assert customer.get(url).status_code == 200, url
    assert calls == []
    assert "Vérifier à nouveau" in customer.get(f"/mes-commandes/{order.number}/statut/").content.decode()


def test_recheck_asks_stripe_at_most_once_every_ten_seconds(client_for, open_3ds, demo_users, stripe_local, monkeypatch):
    order, payment = open_3ds
    customer = client_for(demo_users["customer"])
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(payment.intent_id)
    localstripe_authenticate(stripe_local, payment.intent_id, intent.client_secret, success=True)
    real = stripe_gateway.get_client
    calls = []
    monkeypatch.setattr(stripe_gateway, "get_client", lambda: calls.append(1) or real())

    assert customer.post(f"/mes-commandes/{order.number}/verifier/").status_code == 302
    first = len(calls)
    assert first >= 1
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE  # the explicit check found the payment
    for _ in range(5):
        customer.post(f"/mes-commandes/{order.number}/verifier/")
    assert len(calls) == first  # rate-limited: no more Stripe calls within 10 s


def test_status_poll_shows_the_kitchen_change_on_its_next_request(client_for, stripe_local, shops, demo_users, no_stripe):
    customer = client_for(demo_users["customer"])
    order = card_order(shops, demo_users["customer"])
    Payment.objects.create(order=order, kind=Payment.Kind.CHARGE, status=Payment.Status.SUCCEEDED, amount=order.total,
                           intent_id="pi_recorded_by_webhook")
    payments.refresh_payment_totals(order)
    from order.services import confirm_order

    confirm_order(order)
    url = f"/mes-commandes/{order.number}/statut/"
    assert 'data-status="to_prepare"' in customer.get(url).content.decode()
    accept_order(order, by=demo_users["pizzaiolo"])
    assert 'data-status="in_preparation"' in customer.get(url).content.decode()


def test_recheck_url_is_the_customers_own_only(client_for, open_3ds):
    from account.models import User

    order, payment = open_3ds
    other = client_for(User.objects.create_user(email="autre@example.fr", password="pizza-demo-2026"))
    assert other.post(f"/mes-commandes/{order.number}/verifier/").status_code == 404
    assert client_for(User.objects.get(email="client@ocpizza.fr")).get(f"/mes-commandes/{order.number}/verifier/").status_code == 405


def test_deep_json_guard_is_iterative():
    deep = current = {}
    for _ in range(10_000):
        current["a"] = {}
        current = current["a"]
    assert webhooks._depth(deep, webhooks.MAX_WEBHOOK_DEPTH) > webhooks.MAX_WEBHOOK_DEPTH
    assert webhooks._depth(json.loads('{"a": [1, {"b": 2}]}'), 32) == 4
