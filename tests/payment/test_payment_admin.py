"""The order page of the admin shows each payment attempt and refund with its Stripe references."""
import pytest

from order import payments
from order.checkout import cancel_by_customer
from order.models import Payment
from tests.support.payments_conftest import localstripe_card
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db


def test_admin_order_page_lists_attempts_and_refunds(stripe_local, shops, demo_users, client_for):
    customer = demo_users["customer"]
    order = card_order(shops, customer)
    payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000000000000341"))
    payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    cancel_by_customer(order=order, by=customer)
    charge = order.payments.get(kind=Payment.Kind.CHARGE, status=Payment.Status.SUCCEEDED)
    refund = order.payments.get(kind=Payment.Kind.REFUND)

    page = client_for(demo_users["manager"]).get(f"/admin/order/order/{order.pk}/change/").content.decode()

    assert charge.intent_id in page
    assert refund.refund_id in page
    assert "Votre carte a été refusée" in page  # the failed attempt and its reason
    assert "Remboursement" in page
