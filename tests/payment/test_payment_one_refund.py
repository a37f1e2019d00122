"""One change that lowers a paid order's total: one refund on Stripe, one e-mail (issue 19, F-ORD-8).

The order is paid, raised (the extra paid by a second card payment), then lowered by more than
the extra: the first charge alone can take the refund, so the customer gets one refund and one
receipt, not the refund split over both charges."""
from decimal import Decimal

import pytest

from order import payments, stripe_gateway
from order.models import Order, Payment
from product.models import Product
from tests.support.payments_conftest import localstripe_card
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db


def stripe_refunds(order):
    """Every refund localstripe holds for the order's charges."""
    client = stripe_gateway.get_client()
    intents = order.payments.filter(kind=Payment.Kind.CHARGE).exclude(intent_id="").values_list("intent_id", flat=True)
    return [refund for intent in sorted(set(intents)) for refund in client.v1.refunds.list(params={"payment_intent": intent}).data]


@pytest.fixture
def raised_order(client_for, stripe_local, shops, demo_users, django_capture_on_commit_callbacks):
    """Paid 2 Margherita + 1 Reine, then raised to 2 + 2 and the extra Reine paid by card."""
    customer = demo_users["customer"]
    web = client_for(customer)
    order = card_order(shops, customer, lines=(("margherita", 2), ("reine", 1)))
    margherita, reine = Product.objects.get(slug="margherita"), Product.objects.get(slug="reine")
    with django_capture_on_commit_callbacks(execute=True):
        card = localstripe_card(stripe_local, "4242424242424242")
        assert payments.start_card_payment(order=order, payment_method_id=card).succeeded
        response = web.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{margherita.pk}": "2", f"qty-{reine.pk}": "2"})
        assert response.url == f"/commande/{order.number}/paiement/"
        paid = web.post(f"/commande/{order.number}/paiement/carte/", {"payment_method": localstripe_card(stripe_local, "4242424242424242")})
        assert paid.json()["status"] == "succeeded"
    order.refresh_from_db()
    assert order.payments.filter(kind=Payment.Kind.CHARGE, status=Payment.Status.SUCCEEDED).count() == 2
    assert order.lines.get(product=reine).quantity == 2
    return web, order, margherita, reine


def test_lowering_a_raised_order_refunds_once_with_one_email(raised_order, mailoutbox, django_capture_on_commit_callbacks):
    web, order, margherita, reine = raised_order
    first_charge = order.payments.filter(kind=Payment.Kind.CHARGE).order_by("pk").first()
    old_total = order.total
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(f"/mes-commandes/{order.number}/modifier/", {f"qty-{margherita.pk}": "1", f"qty-{reine.pk}": "1"})
    assert response.status_code == 302
    order.refresh_from_db()
    difference = old_total - order.total
    assert difference == margherita.selling_price + reine.selling_price > reine.selling_price  # more than the extra charge

    refunds = stripe_refunds(order)
    assert [(r.amount, r.payment_intent) for r in refunds] == [(payments.to_cents(difference), first_charge.intent_id)]
    rows = order.payments.filter(kind=Payment.Kind.REFUND)
    assert [(r.amount, r.status, r.refund_id) for r in rows] == [(difference, Payment.Status.SUCCEEDED, refunds[0].id)]
    assert [m.subject for m in mailoutbox] == [
        f"Remboursement de {payments.euros(difference)} € — commande {order.number}"
    ]
    assert [m.to for m in mailoutbox] == [[order.customer.email]]
    page = web.get(f"/mes-commandes/{order.number}/").content.decode()
    assert page.count(f"Remboursement de {payments.euros(difference)}") == 1
    assert order.amount_paid - order.amount_refunded == order.total
    assert order.payment_status == Order.PaymentStatus.PAID


def test_a_refund_no_single_charge_can_take_is_spread_newest_first(raised_order, mailoutbox, django_capture_on_commit_callbacks):
    """Cancelling refunds both charges in full: the only case where one refund becomes two."""
    web, order, _margherita, _reine = raised_order
    charges = list(order.payments.filter(kind=Payment.Kind.CHARGE).order_by("-pk"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        web.post(f"/mes-commandes/{order.number}/annuler/")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert sorted(r.amount for r in stripe_refunds(order)) == sorted(payments.to_cents(c.amount) for c in charges)
    assert list(order.payments.filter(kind=Payment.Kind.REFUND).order_by("pk").values_list("intent_id", "amount")) == [
        (c.intent_id, c.amount) for c in charges
    ]
    assert sum((c.amount for c in charges), Decimal("0")) == order.amount_refunded
    assert sorted(m.subject for m in mailoutbox if m.subject.startswith("Remboursement")) == sorted(
        f"Remboursement de {payments.euros(c.amount)} € — commande {order.number}" for c in charges
    )
