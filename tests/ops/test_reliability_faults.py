"""Faults of the outside world, caused for real: the database connection killed in the middle of
accept_order, Stripe (localstripe) unreachable at checkout, the mail server down."""
import re
import socket

import pymysql
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.support.payments_conftest import localstripe_card
from tests.support.sessions import log_in


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


# --- the database connection dropped in the middle of accept_order -----------------------------------


def _second_connection():
    params = connection.get_connection_params()
    return pymysql.connect(
        host=params.get("host") or "127.0.0.1", port=int(params.get("port") or 3306), user=params.get("user") or "root",
        password=params.get("password") or "", database=connection.settings_dict["NAME"], autocommit=True,
    )


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_connection_killed_during_accept_order_rolls_everything_back(demo_users, shops):
    """accept_order has locked the stock rows and decremented them; the next statement (the ledger
    INSERT) never arrives because another connection KILLs ours. The server rolls the transaction
    back: the stock, the ledger and the order are as before."""
    from django.db import OperationalError

    from order.models import Order
    from order.services import accept_order, place_order
    from pizzeria.models import Stock, StockMovement
    from product.models import Product

    shop = shops["bastille"]
    order = place_order(
        pizzeria=shop, customer=demo_users["customer"], lines=[(Product.objects.get(slug="margherita"), 2)],
        fulfilment="pickup", payment_method="on_delivery",
    )
    stock_before = dict(Stock.objects.filter(pizzeria=shop).values_list("pk", "quantity"))
    movements_before = StockMovement.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        our_id = cursor.fetchone()[0]
    killer = _second_connection()
    seen = []

    def kill_before_the_ledger(execute, sql, params, many, context):
        seen.append(sql.split()[0].upper())
        if sql.lstrip().upper().startswith("INSERT") and "pizzeria_stockmovement" in sql:
            assert any(s == "UPDATE" for s in seen), "the stock UPDATE should have run already"
            with killer.cursor() as cursor:
                cursor.execute(f"KILL {int(our_id)}")
        return execute(sql, params, many, context)

    with pytest.raises(OperationalError):
        with connection.execute_wrapper(kill_before_the_ledger):
            accept_order(order, by=demo_users["pizzaiolo"])
    killer.close()
    connection.close()  # the next query opens a fresh connection

    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    assert order.accepted_at is None and order.pizzaiolo_id is None
    assert dict(Stock.objects.filter(pizzeria=shop).values_list("pk", "quantity")) == stock_before
    assert StockMovement.objects.count() == movements_before
    # ...and the order can still be accepted once the database is back.
    accept_order(order, by=demo_users["pizzaiolo"])
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PREPARATION
    assert StockMovement.objects.filter(order=order).exists()


# --- Stripe unreachable at checkout ---------------------------------------------------------------------


def _card_order(client, settings):
    from product.models import Product

    margherita = Product.objects.get(slug="margherita")
    client.post(reverse("home:cart_add"), {"pizzeria": "bastille", "product": margherita.pk, "quantity": 1})
    page = client.get(reverse("home:checkout"))
    number = re.search(r'name="number" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        reverse("home:checkout"),
        {"number": number, "fulfilment": "pickup", "saved_address": "new", "payment_method": "card_online",
         "phone": "0601020304", "line": "", "postcode": "", "city": "", "instructions": "", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    return number, response.url


@pytest.mark.django_db
def test_stripe_down_at_checkout_keeps_the_order_and_the_retry_pays_it(demo_users, stripe_local, settings):
    from order.models import Order

    client = log_in(Client(), demo_users["customer"])
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{_closed_port()}"  # Stripe is down
    number, pay_url = _card_order(client, settings)
    assert pay_url == reverse("order:pay", args=[number])

    page = client.get(pay_url)
    assert page.status_code == 200  # the page reads the database only (issue 13 L7)
    setup = client.post(reverse("order:new_setup_intent", args=[number]))
    assert setup.status_code == 503
    assert setup.json()["client_secret"] == ""
    assert "Le paiement en ligne est momentanément indisponible" in setup.json()["message"]
    order = Order.objects.get(number=number)
    assert order.status == Order.Status.AWAITING_CONFIRMATION
    assert order.payment_status == Order.PaymentStatus.AWAITING_PAYMENT

    # A card sent while Stripe is still down: refused with a message, nothing paid.
    answer = client.post(reverse("order:pay_card", args=[number]), {"payment_method": "pm_card_visa"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "failed" and body["message"]
    order.refresh_from_db()
    assert order.payment_status != Order.PaymentStatus.PAID
    assert Order.objects.filter(customer=demo_users["customer"], number=number).count() == 1

    # Stripe is back: the same order is paid on retry, once.
    settings.STRIPE_API_BASE = stripe_local
    setup = client.post(reverse("order:new_setup_intent", args=[number]))
    assert setup.status_code == 200 and setup.json()["client_secret"], "the card form works again"
    payment_method = localstripe_card(stripe_local, "4242424242424242")
    answer = client.post(reverse("order:pay_card", args=[number]), {"payment_method": payment_method})
    assert answer.json()["status"] == "succeeded", answer.json()
    assert client.get(reverse("order:confirmation", args=[number])).status_code == 200
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.status == Order.Status.TO_PREPARE
    assert order.payments.filter(kind="charge", status="succeeded").count() == 1


# --- the mail server down ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_server_down_does_not_stop_the_workflow(demo_users, shops, settings, client_for,
                                                     django_capture_on_commit_callbacks, caplog):
    from order.models import Order
    from order.services import accept_order, place_order
    from product.models import Product

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    margherita = Product.objects.get(slug="margherita")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = place_order(
            pizzeria=shops["bastille"], customer=demo_users["customer"], lines=[(margherita, 1)],
            fulfilment="pickup", payment_method="on_delivery",
        )
        accept_order(order, by=demo_users["pizzaiolo"])
    assert callbacks, "the status e-mails are sent after the commit"
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PREPARATION
    # The e-mail is a job: it failed once and waits for its next attempt (tests/jobs).
    assert "order.tasks.send_status_email) attempt 1 failed" in caplog.text

    # Through the kitchen queue's button, as the pizzaiolo sees it: the order moves on.
    pizzaiolo = client_for(demo_users["pizzaiolo"])
    with django_capture_on_commit_callbacks(execute=True):
        response = pizzaiolo.post(
            reverse("admin:order_queue_act", args=[order.pk, "finish"]), {"kind": "kitchen"}, follow=True
        )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.READY
    # And a customer can still order on the site.
    client = log_in(Client(), demo_users["customer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("home:cart_add"), {"pizzeria": "bastille", "product": margherita.pk, "quantity": 1})
        page = client.get(reverse("home:checkout"))
        number = re.search(r'name="number" value="([^"]+)"', page.content.decode()).group(1)
        response = client.post(
            reverse("home:checkout"),
            {"number": number, "fulfilment": "pickup", "saved_address": "new", "payment_method": "on_delivery",
             "phone": "0601020304", "line": "", "postcode": "", "city": "", "instructions": "", "note": ""},
        )
    assert response.status_code == 302
    assert Order.objects.get(number=number).status == Order.Status.TO_PREPARE
