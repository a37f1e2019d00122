"""Card payments against localstripe: amounts from the server, 3-D Secure, declines and retries (F-ORD-4)."""
from decimal import Decimal

import pytest

from order import payments, stripe_gateway
from order.models import Order, Payment
from tests.support.payments_conftest import localstripe_authenticate, localstripe_card
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db


def test_good_card_pays_the_server_total_and_sends_the_order_to_the_kitchen(
    stripe_local, shops, demo_users, mailoutbox, django_capture_on_commit_callbacks
):
    order = card_order(shops, demo_users["customer"], lines=(("margherita", 2), ("reine", 1)))
    assert order.status == Order.Status.AWAITING_CONFIRMATION
    pm = localstripe_card(stripe_local, "4242424242424242")

    with django_capture_on_commit_callbacks(execute=True):
        result = payments.start_card_payment(order=order, payment_method_id=pm, by=demo_users["customer"])

    assert result.succeeded
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.amount_paid == order.total
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(result.payment.intent_id)
    # The amount charged is the order's total computed on the server, and the intent names the order.
    assert intent.amount == payments.to_cents(order.total)
    assert intent.currency == "eur"
    assert intent.metadata["order"] == str(order.pk)
    assert intent.metadata["payment"] == str(result.payment.pk)
    assert result.payment.idempotency_key
    assert any(order.number in m.subject and "Reçu" in m.subject for m in mailoutbox)


def test_three_d_secure_card_needs_the_challenge_then_the_return_check_confirms(stripe_local, shops, demo_users):
    order = card_order(shops, demo_users["customer"])
    pm = localstripe_card(stripe_local, "4000002500003155")

    result = payments.start_card_payment(order=order, payment_method_id=pm)

    assert result.status == Payment.Status.REQUIRES_ACTION
    assert result.client_secret
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_CONFIRMATION  # not in the kitchen before the bank says yes
    status, _body = localstripe_authenticate(stripe_local, result.payment.intent_id, result.client_secret, success=True)
    assert status == 200
    # No webhook in this test: the page the customer returns to asks Stripe itself.
    payment = payments.sync_payment(result.payment)
    assert payment.status == Payment.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    assert order.payment_status == Order.PaymentStatus.PAID


def test_failed_authentication_then_retry_with_good_card_on_the_same_order(stripe_local, shops, demo_users):
    order = card_order(shops, demo_users["customer"])
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000002500003155"))
    localstripe_authenticate(stripe_local, result.payment.intent_id, result.client_secret, success=False)

    failed = payments.sync_payment(result.payment)

    assert failed.status == Payment.Status.FAILED
    assert "3-D Secure" in failed.failure_message
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.FAILED
    assert order.status == Order.Status.AWAITING_CONFIRMATION

    retry = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    assert retry.succeeded
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    assert order.amount_paid == order.total
    assert order.payments.filter(kind=Payment.Kind.CHARGE).count() == 2


def test_card_declined_when_charged_shows_a_french_message(stripe_local, shops, demo_users):
    order = card_order(shops, demo_users["customer"])
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000000000000341"))
    assert result.status == Payment.Status.FAILED
    assert result.message == "Votre carte a été refusée. Vérifiez ses informations ou essayez une autre carte."
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.FAILED
    assert order.status == Order.Status.AWAITING_CONFIRMATION


def test_same_card_sent_twice_charges_once(stripe_local, shops, demo_users):
    order = card_order(shops, demo_users["customer"])
    pm = localstripe_card(stripe_local, "4242424242424242")
    first = payments.start_card_payment(order=order, payment_method_id=pm)
    with pytest.raises(payments.PaymentError):
        payments.start_card_payment(order=order, payment_method_id=pm)  # already paid: refused
    assert order.payments.filter(kind=Payment.Kind.CHARGE).count() == 1
    assert first.succeeded


def test_double_click_on_a_three_d_secure_card_reuses_the_attempt(stripe_local, shops, demo_users):
    order = card_order(shops, demo_users["customer"])
    pm = localstripe_card(stripe_local, "4000002500003155")
    first = payments.start_card_payment(order=order, payment_method_id=pm)
    second = payments.start_card_payment(order=order, payment_method_id=pm)
    assert second.payment.pk == first.payment.pk
    assert second.status == Payment.Status.REQUIRES_ACTION
    assert order.payments.count() == 1


def test_pay_on_delivery_order_cannot_be_charged(stripe_local, shops, demo_users):
    from order.services import place_order
    from product.models import Product

    order = place_order(
        pizzeria=shops["bastille"], customer=demo_users["customer"], lines=[(Product.objects.get(slug="reine"), 1)],
        fulfilment=Order.Fulfilment.PICKUP, payment_method=Order.PaymentMethod.ON_DELIVERY,
    )
    assert order.status == Order.Status.TO_PREPARE
    with pytest.raises(payments.PaymentError):
        payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))


def test_amounts_convert_to_cents_exactly():
    assert payments.to_cents(Decimal("12.50")) == 1250
    assert payments.to_cents(Decimal("0.10")) == 10
    assert payments.from_cents(1999) == Decimal("19.99")


def test_every_call_sends_the_pinned_api_version_and_the_idempotency_key(settings, shops, demo_users):
    """What reaches the wire, seen by a small HTTP server standing in for Stripe."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen = []

    class FakeStripe(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append((self.path, self.headers.get("Stripe-Version"), self.headers.get("Idempotency-Key")))
            body = json.dumps({"id": "pi_wire", "object": "payment_intent", "status": "requires_action",
                               "client_secret": "pi_wire_secret_x", "amount": 1, "currency": "eur",
                               "metadata": {}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), FakeStripe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    try:
        order = card_order(shops, demo_users["customer"])
        payments.start_card_payment(order=order, payment_method_id="pm_wire")
    finally:
        server.shutdown()
    path, version, key = seen[0]
    assert path == "/v1/payment_intents"
    assert version == "2020-08-27" == stripe_gateway.STRIPE_API_VERSION
    assert key == order.payments.get().idempotency_key and order.number in key
