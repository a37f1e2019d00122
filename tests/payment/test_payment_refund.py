"""Change and cancel before the kitchen accepts, with refunds through Stripe (F-ORD-8)."""
from decimal import Decimal

import pytest

from order import payments, stripe_gateway
from order.models import Order, Payment
from order.services import accept_order
from product.models import Product
from tests.support.payments_conftest import localstripe_card
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db


def stripe_refunds(intent_id):
    return stripe_gateway.get_client().v1.refunds.list(params={"payment_intent": intent_id}).data


@pytest.fixture
def paid_order(stripe_local, shops, demo_users):
    order = card_order(shops, demo_users["customer"], lines=(("margherita", 2), ("reine", 1)))
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    assert result.succeeded
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    return order


@pytest.fixture
def customer_client(client_for, demo_users):
    return client_for(demo_users["customer"])


def price(slug):
    return Product.objects.get(slug=slug).selling_price


def test_cancel_paid_order_refunds_in_full_through_stripe(customer_client, paid_order):
    charge = paid_order.payments.get(kind=Payment.Kind.CHARGE)
    response = customer_client.post(f"/mes-commandes/{paid_order.number}/annuler/")
    assert response.status_code == 302
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.CANCELLED
    assert paid_order.payment_status == Order.PaymentStatus.REFUNDED
    assert paid_order.amount_refunded == paid_order.total
    refunds = stripe_refunds(charge.intent_id)
    assert [r.amount for r in refunds] == [payments.to_cents(paid_order.total)]
    refund = paid_order.payments.get(kind=Payment.Kind.REFUND)
    assert refund.refund_id == refunds[0].id and refund.status == Payment.Status.SUCCEEDED
    page = customer_client.get(f"/mes-commandes/{paid_order.number}/").content.decode()
    assert "Remboursée" in page and "Remboursement de" in page


def test_lower_total_refunds_exactly_the_difference(customer_client, paid_order):
    margherita, reine = Product.objects.get(slug="margherita"), Product.objects.get(slug="reine")
    old_total = paid_order.total
    response = customer_client.post(
        f"/mes-commandes/{paid_order.number}/modifier/", {f"qty-{margherita.pk}": "1", f"qty-{reine.pk}": "1"}
    )
    assert response.status_code == 302 and response.url == f"/mes-commandes/{paid_order.number}/"
    paid_order.refresh_from_db()
    assert paid_order.total == price("margherita") + price("reine")
    difference = old_total - paid_order.total
    assert difference == price("margherita")
    charge = paid_order.payments.get(kind=Payment.Kind.CHARGE)
    assert [r.amount for r in stripe_refunds(charge.intent_id)] == [payments.to_cents(difference)]
    assert paid_order.amount_refunded == difference
    assert paid_order.amount_paid - paid_order.amount_refunded == paid_order.total
    assert paid_order.payment_status == Order.PaymentStatus.PAID  # still covers its (new) total



def test_changed_and_refunded_order_can_still_be_handed_over(customer_client, paid_order, demo_users):
    from order.services import deliver_order, finish_order

    margherita, reine = Product.objects.get(slug="margherita"), Product.objects.get(slug="reine")
    customer_client.post(f"/mes-commandes/{paid_order.number}/modifier/", {f"qty-{margherita.pk}": "1", f"qty-{reine.pk}": "1"})
    pizzaiolo = demo_users["pizzaiolo"]
    accept_order(paid_order, by=pizzaiolo)
    finish_order(paid_order, by=pizzaiolo)
    deliver_order(paid_order, by=pizzaiolo)  # pickup, paid online: nothing to collect
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.DELIVERED


def test_higher_total_asks_for_the_extra_by_card_before_the_change_counts(customer_client, paid_order, stripe_local):
    margherita, reine = Product.objects.get(slug="margherita"), Product.objects.get(slug="reine")
    old_total = paid_order.total
    response = customer_client.post(
        f"/mes-commandes/{paid_order.number}/modifier/", {f"qty-{margherita.pk}": "2", f"qty-{reine.pk}": "3"}
    )
    assert response.url == f"/commande/{paid_order.number}/paiement/"
    paid_order.refresh_from_db()
    assert paid_order.total == old_total  # nothing changes before the extra is paid
    extra = 2 * price("reine")
    page = customer_client.get(response.url).content.decode()
    assert f"Montant à payer : <strong id=\"amount\">{payments.euros(extra)} €</strong>" in page

    result = customer_client.post(
        f"/commande/{paid_order.number}/paiement/carte/",
        {"payment_method": localstripe_card(stripe_local, "4242424242424242"), "amount": "0.50"},
    ).json()
    assert result["status"] == "succeeded"
    paid_order.refresh_from_db()
    assert paid_order.total == old_total + extra
    assert paid_order.lines.get(product=reine).quantity == 3
    extra_payment = paid_order.payments.filter(kind=Payment.Kind.CHARGE).order_by("-pk").first()
    assert extra_payment.amount == extra
    intent = stripe_gateway.get_client().v1.payment_intents.retrieve(extra_payment.intent_id)
    assert intent.amount == payments.to_cents(extra)
    assert paid_order.payment_status == Order.PaymentStatus.PAID
    assert paid_order.amount_paid == paid_order.total


def test_declined_extra_payment_leaves_the_order_as_it_was(customer_client, paid_order, stripe_local):
    reine = Product.objects.get(slug="reine")
    old_total = paid_order.total
    customer_client.post(f"/mes-commandes/{paid_order.number}/modifier/", {f"qty-{reine.pk}": "4", f"qty-{Product.objects.get(slug='margherita').pk}": "2"})
    result = customer_client.post(
        f"/commande/{paid_order.number}/paiement/carte/",
        {"payment_method": localstripe_card(stripe_local, "4000000000000341")},
    ).json()
    assert result["status"] == "failed"
    paid_order.refresh_from_db()
    assert paid_order.total == old_total
    assert paid_order.payment_status == Order.PaymentStatus.PAID


def test_once_accepted_buttons_are_gone_and_forged_posts_are_refused(customer_client, paid_order, demo_users):
    accept_order(paid_order, by=demo_users["pizzaiolo"])
    page = customer_client.get(f"/mes-commandes/{paid_order.number}/").content.decode()
    assert "cancel-order" not in page and "Modifier la commande" not in page

    reine = Product.objects.get(slug="reine")
    customer_client.post(f"/mes-commandes/{paid_order.number}/annuler/")
    customer_client.post(f"/mes-commandes/{paid_order.number}/modifier/", {f"qty-{reine.pk}": "5"})
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.IN_PREPARATION
    assert paid_order.payment_status == Order.PaymentStatus.PAID
    assert paid_order.lines.get(product=reine).quantity == 1
    assert not paid_order.payments.filter(kind=Payment.Kind.REFUND).exists()


def test_unpaid_pay_on_delivery_order_changes_without_money(customer_client, shops, demo_users):
    from order.services import place_order

    order = place_order(
        pizzeria=shops["bastille"], customer=demo_users["customer"], lines=[(Product.objects.get(slug="reine"), 1)],
        fulfilment="pickup", payment_method="on_delivery",
    )
    reine = Product.objects.get(slug="reine")
    customer_client.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{reine.pk}": "3"})
    order.refresh_from_db()
    assert order.total == 3 * price("reine")
    assert not order.payments.exists()
    customer_client.post(f"/mes-commandes/{order.number}/annuler/")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_another_customer_cannot_cancel(client_for, paid_order):
    from account.models import User

    other = client_for(User.objects.create_user(email="autre@example.fr", password="pizza-demo-2026"))
    assert other.post(f"/mes-commandes/{paid_order.number}/annuler/").status_code == 404
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.TO_PREPARE


def test_abandoning_a_change_that_needs_an_extra_payment_keeps_the_order(customer_client, paid_order):
    reine = Product.objects.get(slug="reine")
    old_total = paid_order.total
    customer_client.post(
        f"/mes-commandes/{paid_order.number}/modifier/",
        {f"qty-{reine.pk}": "3", f"qty-{Product.objects.get(slug='margherita').pk}": "2"},
    )
    assert "Renoncer à la modification" in customer_client.get(f"/commande/{paid_order.number}/paiement/").content.decode()
    customer_client.post(f"/mes-commandes/{paid_order.number}/modifier/", {"abandon": "1"})
    # Nothing left to pay: the payment page sends the customer to the confirmation.
    assert customer_client.get(f"/commande/{paid_order.number}/paiement/").url == f"/commande/{paid_order.number}/confirmation/"
    paid_order.refresh_from_db()
    assert paid_order.total == old_total


def test_kitchen_refusal_of_a_paid_order_refunds_it_in_full(paid_order, demo_users):
    from order.services import refuse_order

    charge = paid_order.payments.get(kind=Payment.Kind.CHARGE)
    refuse_order(paid_order, by=demo_users["pizzaiolo"], reason="Four en panne")
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REFUSED
    assert paid_order.payment_status == Order.PaymentStatus.REFUNDED
    assert [r.amount for r in stripe_refunds(charge.intent_id)] == [payments.to_cents(paid_order.total)]


def test_manager_cancelling_an_accepted_paid_order_refunds_it_once(paid_order, demo_users):
    from order.services import cancel_order

    charge = paid_order.payments.get(kind=Payment.Kind.CHARGE)
    accept_order(paid_order, by=demo_users["pizzaiolo"])
    cancel_order(paid_order, by=demo_users["manager"], reason="Client injoignable", restock=True)
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.CANCELLED
    assert paid_order.amount_refunded == paid_order.total
    assert [r.amount for r in stripe_refunds(charge.intent_id)] == [payments.to_cents(paid_order.total)]
    assert paid_order.payments.filter(kind=Payment.Kind.REFUND).count() == 1


def test_refusal_is_undone_when_stripe_refuses_the_refund(paid_order, demo_users, settings):
    from order.services import refuse_order

    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: Stripe unreachable
    with pytest.raises(payments.PaymentError):
        refuse_order(paid_order, by=demo_users["pizzaiolo"], reason="Four en panne")
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.TO_PREPARE
    assert not paid_order.payments.filter(kind=Payment.Kind.REFUND).exists()
