"""Issue 19: history pages read in French: status labels, Paris time, decimal commas, "—" for
nothing; no internal codes, UTC times or "None"."""
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest

from order.models import Order
from tests.factories.menu import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.people import HeadOfficeFactory

pytestmark = pytest.mark.django_db


def test_order_history_shows_labels_and_paris_time(client_for):
    order = OrderFactory()
    # A change saved outside any request: no user recorded, a status code and a UTC time.
    order.status = Order.Status.IN_PREPARATION
    order.save()
    when = datetime(2026, 7, 14, 18, 5, tzinfo=dt_timezone.utc)
    order.history.filter(history_type="~").update(history_date=when)
    html = client_for(HeadOfficeFactory()).get(f"/admin/order/order/{order.pk}/history/").content.decode()
    assert "En préparation" in html
    assert "in_preparation" not in html
    assert "20:05" in html and "18:05" not in html  # Paris is UTC+2 in July
    assert "Système ou client" in html
    assert ">None<" not in html and "Deleted" not in html and "Changed by" not in html


def test_product_history_shows_amounts_with_a_comma(client_for):
    product = ProductFactory(price=Decimal("10.50"))
    product.price = Decimal("12.50")
    product.save()
    html = client_for(HeadOfficeFactory()).get(f"/admin/product/product/{product.pk}/history/").content.decode()
    assert "10,50" in html and "12,50" in html
    assert "Modifications" in html and "Changes" not in html
