"""Two submits of the same checkout at the same instant, and the same Stripe event delivered twice
at once, on MariaDB/MySQL with real threads (row locks and the unique indexes do the work)."""
import threading
import time

import pytest
from django.db import connection

from order.models import Order, WebhookEvent
from product.models import Product

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]


def run_together(count, target):
    barrier = threading.Barrier(count)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 — the test looks at what each thread got
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_simultaneous_submits_of_one_checkout_make_one_order(shops, demo_users):
    from order.checkout import DuplicateCheckout, place_web_order
    from order.models import new_order_number

    number = new_order_number()
    reine = Product.objects.get(slug="reine")

    def submit():
        return place_web_order(
            number=number, customer=demo_users["customer"], pizzeria=shops["bastille"], lines=[(reine, 1)],
            fulfilment="pickup", payment_method="on_delivery",
        )

    results = run_together(6, submit)
    assert Order.objects.filter(number=number).count() == 1
    created = [r for r in results if isinstance(r, Order)]
    duplicates = [r for r in results if isinstance(r, DuplicateCheckout)]
    assert len(created) == 1 and len(duplicates) == 5, results
    assert all(d.order.number == number for d in duplicates)


def test_same_event_delivered_at_once_is_processed_once(client, settings, stripe_local, shops, demo_users):
    from django.test import Client

    from order import payments, stripe_gateway
    from tests.support.payments_conftest import localstripe_authenticate, localstripe_card, signed_event
    from tests.support.payments_helpers import card_order

    order = card_order(shops, demo_users["customer"])
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000002500003155"))
    localstripe_authenticate(stripe_local, result.payment.intent_id, result.client_secret)
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(result.payment.intent_id).to_dict()
    body, header = signed_event(
        {"id": "evt_twice_at_once", "object": "event", "type": "payment_intent.succeeded", "created": int(time.time()),
         "data": {"object": intent}},
        settings.STRIPE_WEBHOOK_SECRET,
    )

    def deliver():
        return Client().post("/paiement/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header).status_code

    assert run_together(4, deliver) == [200] * 4
    assert WebhookEvent.objects.filter(event_id="evt_twice_at_once").count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    assert order.history.filter(status=Order.Status.TO_PREPARE).count() == 1
