"""Issue 19: a change of an order's lines shows on the customer's timeline and on the back
office's order page, in French and in the order things happened, paid or not (F-ORD-7, F-ORD-8)."""
import re

import pytest

from order import payments
from order.models import Order
from order.services import place_order
from product.models import Product
from tests.support.payments_conftest import localstripe_card
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db


def timeline(html):
    """The steps of the customer's timeline (or the back office's), as read: "date — label"."""
    block = re.search(r'<ol class="(?:timeline|order-timeline)">(.*?)</ol>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)]


def described(order):
    return ", ".join(f"{line.quantity} × {line.description}" for line in order.lines.all())


def labels(html):
    return [step.split(" — ", 1)[1] for step in timeline(html)]


@pytest.fixture
def products(demo_data):
    return Product.objects.get(slug="margherita"), Product.objects.get(slug="reine")


def test_pay_on_delivery_change_is_on_the_customer_timeline_and_the_back_office(client_for, shops, demo_users, products):
    margherita, reine = products
    customer = demo_users["customer"]
    order = place_order(
        pizzeria=shops["bastille"], customer=customer, lines=[(margherita, 2), (reine, 1)],
        fulfilment=Order.Fulfilment.PICKUP, payment_method=Order.PaymentMethod.ON_DELIVERY, by=customer,
    )
    web = client_for(customer)
    old_total = order.total
    response = web.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{margherita.pk}": "1", f"qty-{reine.pk}": "1"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert not order.payments.exists()

    expected = (
        f"Commande modifiée : {described(order)} ; "
        f"total {payments.euros(old_total)} € → {payments.euros(order.total)} €"
    )
    page = web.get(f"/mes-commandes/{order.number}/").content.decode()
    steps = labels(page)
    assert steps[0] == "Commande passée"
    assert expected in steps and steps.index(expected) > 0
    assert labels(web.get(f"/mes-commandes/{order.number}/statut/").content.decode()) == steps  # the live part too

    # Same step on the back office's order page, for the shop's manager, with Paris time.
    admin_page = client_for(demo_users["manager"]).get(f"/admin/order/order/{order.pk}/change/")
    assert admin_page.status_code == 200
    back_office = timeline(admin_page.content.decode())
    assert [step.split(" — ", 1)[1] for step in back_office] == steps
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", back_office[-1].split(" — ", 1)[0])
    # ...and its history page says why the order row changed.
    history = client_for(demo_users["manager"]).get(f"/admin/order/order/{order.pk}/history/").content.decode()
    assert "Commande modifiée" in history

    # A second change, the total unchanged this time, is a second step, after the first.
    web.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{margherita.pk}": "1", f"qty-{reine.pk}": "1"})
    steps = labels(web.get(f"/mes-commandes/{order.number}/").content.decode())
    assert steps[-2:] == [
        expected,
        f"Commande modifiée : {described(order)} ; total inchangé ({payments.euros(order.total)} €)",
    ]


def test_card_order_changed_before_paying_shows_change_then_payment(client_for, shops, demo_users, products, stripe_local):
    margherita, reine = products
    customer = demo_users["customer"]
    order = card_order(shops, customer, lines=(("margherita", 1),))
    web = client_for(customer)
    web.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{margherita.pk}": "1", f"qty-{reine.pk}": "2"})
    order.refresh_from_db()
    assert order.lines.count() == 2 and not order.payments.exists()  # unpaid: applied at once
    assert payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242")).succeeded
    steps = labels(web.get(f"/mes-commandes/{order.number}/").content.decode())
    change = f"Commande modifiée : {described(order)} ; total {payments.euros(margherita.selling_price)} € → {payments.euros(order.total)} €"
    assert steps == [
        "Commande passée",
        change,
        f"Paiement de {payments.euros(order.total)} € accepté",
        "Confirmée : transmise à la pizzeria",
    ]


def test_paid_order_lowered_shows_payment_change_then_its_refund(client_for, shops, demo_users, products, stripe_local):
    margherita, reine = products
    customer = demo_users["customer"]
    order = card_order(shops, customer, lines=(("margherita", 2), ("reine", 1)))
    assert payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242")).succeeded
    web = client_for(customer)
    web.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{margherita.pk}": "1", f"qty-{reine.pk}": "1"})
    order.refresh_from_db()
    steps = labels(web.get(f"/mes-commandes/{order.number}/").content.decode())
    assert steps == [
        "Commande passée",
        f"Paiement de {payments.euros(order.amount_paid)} € accepté",
        "Confirmée : transmise à la pizzeria",
        f"Commande modifiée : {described(order)} ; "
        f"total {payments.euros(order.amount_paid)} € → {payments.euros(order.total)} €",
        f"Remboursement de {payments.euros(margherita.selling_price)} €",
    ]
