"""Issue 19: status e-mails print amounts as the receipts do ("23,00 €") and link to "Mes commandes"."""
from decimal import Decimal

import pytest
from django.core import mail

from order.notifications import send_status_email
from tests.factories.menu import ProductFactory
from tests.factories.orders import OrderFactory

pytestmark = pytest.mark.django_db


def test_status_email_has_decimal_commas_and_the_orders_link(settings):
    settings.SITE_URL = "https://pizza.example"
    order = OrderFactory(lines=[(ProductFactory(price=Decimal("11.50")), 2)])
    assert send_status_email(order.pk, "to_prepare")
    body = mail.outbox[-1].body
    assert "2 × " in body and "23,00 €" in body and "23.00" not in body
    assert "https://pizza.example/mes-commandes/" in body


def test_payment_label_says_what_the_customer_owes(client_for):
    from order.models import Order

    pickup = OrderFactory(fulfilment=Order.Fulfilment.PICKUP)
    assert pickup.payment_label == "À payer au retrait"
    Order.objects.filter(pk=pickup.pk).update(status=Order.Status.CANCELLED)
    pickup.refresh_from_db()
    assert pickup.payment_label == "Rien à payer"
    html = client_for(pickup.customer).get("/mes-commandes/").content.decode()
    assert "Rien à payer" in html and "À payer à la livraison" not in html
