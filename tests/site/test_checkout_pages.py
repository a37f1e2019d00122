"""Checkout through the site: server totals, idempotent submit, delivery zone, pay on delivery,
card payment endpoints, confirmation and "Mes commandes" (F-ORD-5, F-ORD-7)."""
import re

import pytest

from order.models import Order, Payment
from product.models import Product
from tests.support.payments_conftest import localstripe_card
from tests.support.chain_fixtures import shops, people  # noqa: F401 (fixtures: the factory-built chain)


pytestmark = pytest.mark.django_db


def fill_cart(client, shop, *items):
    session = client.session
    session["ocpizza_cart"] = {
        "pizzeria_id": shop.pk,
        "lines": {str(Product.objects.get(slug=slug).pk): qty for slug, qty in items},
    }
    session.save()


def checkout_number(client):
    page = client.get("/commande/")
    assert page.status_code == 200
    return re.search(r'name="number" value="([^"]+)"', page.content.decode()).group(1)


def expected_total(*items):
    return sum(Product.objects.get(slug=slug).selling_price * qty for slug, qty in items)


@pytest.fixture
def customer_client(client_for, people):
    return client_for(people["customer"])


def test_checkout_needs_login_and_a_cart(client, customer_client):
    assert client.get("/commande/").status_code == 302
    assert customer_client.get("/commande/").url == "/"


def test_pay_on_delivery_goes_straight_to_the_kitchen(customer_client, shops, people):
    fill_cart(customer_client, shops["bastille"], ("margherita", 2))
    number = checkout_number(customer_client)
    response = customer_client.post("/commande/", {
        "number": number, "fulfilment": "pickup", "payment_method": "on_delivery", "saved_address": "new",
    })
    order = Order.objects.get(customer=people["customer"], number=number)
    assert response.url == f"/commande/{number}/confirmation/"
    assert order.status == Order.Status.TO_PREPARE
    assert order.payment_status == Order.PaymentStatus.TO_PAY_ON_DELIVERY
    page = customer_client.get(response.url).content.decode()
    assert number in page and "À payer à la livraison" in page
    assert customer_client.session["ocpizza_cart"]["lines"] == {}


def test_totals_come_from_the_server_whatever_the_browser_sends(customer_client, shops, people):
    fill_cart(customer_client, shops["bastille"], ("margherita", 2), ("reine", 1))
    number = checkout_number(customer_client)
    customer_client.post("/commande/", {
        "number": number, "fulfilment": "pickup", "payment_method": "card_online",
        "total": "0.01", "price": "0.01", "unit_price": "0.01", "amount": "1",
    })
    order = Order.objects.get(number=number)
    assert order.total == expected_total(("margherita", 2), ("reine", 1))
    assert {line.product.slug: line.unit_price for line in order.lines.all()} == {
        "margherita": Product.objects.get(slug="margherita").selling_price,
        "reine": Product.objects.get(slug="reine").selling_price,
    }


def test_double_submit_creates_one_order(customer_client, shops, people):
    fill_cart(customer_client, shops["bastille"], ("margherita", 1))
    before = Order.objects.filter(customer=people["customer"]).count()
    number = checkout_number(customer_client)
    data = {"number": number, "fulfilment": "pickup", "payment_method": "card_online"}
    first = customer_client.post("/commande/", data)
    second = customer_client.post("/commande/", data)
    assert first.url == second.url == f"/commande/{number}/paiement/"
    assert Order.objects.filter(customer=people["customer"]).count() == before + 1


def test_the_same_checkout_number_cannot_make_two_orders(shops, people):
    """What the unique order number does when two submits pass the session check at once."""
    from order.checkout import DuplicateCheckout, place_web_order
    from order.models import new_order_number

    number = new_order_number()
    kwargs = dict(
        number=number, customer=people["customer"], pizzeria=shops["bastille"],
        lines=[(Product.objects.get(slug="reine"), 1)], fulfilment="pickup", payment_method="on_delivery",
    )
    first = place_web_order(**kwargs)
    with pytest.raises(DuplicateCheckout) as duplicate:
        place_web_order(**kwargs)
    assert duplicate.value.order == first
    assert Order.objects.filter(number=number).count() == 1


def test_delivery_outside_the_zone_is_refused_on_submit(customer_client, shops):
    fill_cart(customer_client, shops["bastille"], ("margherita", 1))
    number = checkout_number(customer_client)
    response = customer_client.post("/commande/", {
        "number": number, "fulfilment": "delivery", "payment_method": "on_delivery", "saved_address": "new",
        "line": "1 place du Château", "postcode": "77300", "city": "Fontainebleau",
    })
    assert response.status_code == 200
    assert "zone de livraison" in response.content.decode() or "ne livre pas" in response.content.decode()
    assert not Order.objects.filter(number=number).exists()


def test_delivery_in_the_zone_is_accepted_saved_and_confirmed_by_email(
    customer_client, shops, people, mailoutbox, django_capture_on_commit_callbacks
):
    fill_cart(customer_client, shops["bastille"], ("margherita", 1))
    number = checkout_number(customer_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post("/commande/", {
            "number": number, "fulfilment": "delivery", "payment_method": "on_delivery", "saved_address": "new",
            "line": "10 rue de la Roquette", "postcode": "75011", "city": "Paris", "phone": "0601020304",
            "save_address": "on",
        })
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get(number=number)
    assert order.delivery_postcode == "75011" and order.delivery_latitude is not None
    assert order.customer_phone == "0601020304"
    assert people["customer"].addresses.filter(line="10 rue de la Roquette", postcode="75011").exists()
    assert any(number in message.body for message in mailoutbox)


def test_card_payment_endpoint_charges_the_server_amount(customer_client, shops, stripe_local):
    fill_cart(customer_client, shops["bastille"], ("margherita", 2))
    number = checkout_number(customer_client)
    customer_client.post("/commande/", {"number": number, "fulfilment": "pickup", "payment_method": "card_online"})
    page = customer_client.get(f"/commande/{number}/paiement/")
    assert page.status_code == 200 and f"/commande/{number}/paiement/nouvelle-carte/" in page.content.decode()
    # The page asks for its SetupIntent by POST once shown (a page view never calls Stripe).
    assert "seti_" in customer_client.post(f"/commande/{number}/paiement/nouvelle-carte/").json()["client_secret"]

    declined = customer_client.post(
        f"/commande/{number}/paiement/carte/",
        {"payment_method": localstripe_card(stripe_local, "4000000000000341"), "amount": "1"},
    ).json()
    assert declined["status"] == "failed" and "refusée" in declined["message"]

    paid = customer_client.post(
        f"/commande/{number}/paiement/carte/",
        {"payment_method": localstripe_card(stripe_local, "4242424242424242"), "amount": "1"},
    ).json()
    assert paid == {"status": "succeeded", "message": "", "redirect": f"/commande/{number}/confirmation/"}
    order = Order.objects.get(number=number)
    payment = order.payments.get(status=Payment.Status.SUCCEEDED)
    assert payment.amount == order.total == expected_total(("margherita", 2))
    assert order.status == Order.Status.TO_PREPARE


def test_my_orders_empty_state_and_list(customer_client, client_for, people, shops):
    from account.models import User

    newcomer = User.objects.create_user(email="nouveau@example.fr", password="pizza-demo-2026")
    empty = client_for(newcomer).get("/mes-commandes/").content.decode()
    assert "Vous n'avez pas encore passé de commande." in empty

    fill_cart(customer_client, shops["bastille"], ("margherita", 1))
    number = checkout_number(customer_client)
    customer_client.post("/commande/", {"number": number, "fulfilment": "pickup", "payment_method": "on_delivery"})
    listing = customer_client.get("/mes-commandes/").content.decode()
    assert number in listing
    detail = customer_client.get(f"/mes-commandes/{number}/").content.decode()
    assert "Commande passée" in detail and "data-refresh-url" in detail
    status = customer_client.get(f"/mes-commandes/{number}/statut/")
    assert status.status_code == 200 and "À préparer" in status.content.decode()
    # Another customer cannot see it.
    assert client_for(newcomer).get(f"/mes-commandes/{number}/").status_code == 404


def test_card_refused_at_setup_is_recorded_and_shown(customer_client, shops, stripe_local):
    fill_cart(customer_client, shops["bastille"], ("reine", 1))
    number = checkout_number(customer_client)
    customer_client.post("/commande/", {"number": number, "fulfilment": "pickup", "payment_method": "card_online"})
    answer = customer_client.post(f"/commande/{number}/paiement/refus/", {"code": "card_declined"}).json()
    assert "refusée" in answer["message"]
    order = Order.objects.get(number=number)
    attempt = order.payments.get()
    assert attempt.status == Payment.Status.FAILED and attempt.amount == order.total
    assert order.payment_status == Order.PaymentStatus.FAILED
    page = customer_client.get(f"/commande/{number}/paiement/").content.decode()
    assert "Votre carte a été refusée" in page
