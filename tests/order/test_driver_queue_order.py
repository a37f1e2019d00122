"""Issue 19: the driver's own deliveries come before the ready orders, and the customer's note
("Sonner deux fois") reaches the driver's card."""
import pytest

from order.models import Order
from order.selectors import driver_queue
from tests.factories.orders import OrderFactory
from tests.factories.people import StaffFactory
from tests.factories.shops import PizzeriaFactory

pytestmark = pytest.mark.django_db


def test_own_deliveries_first_and_the_note_is_shown(client_for):
    shop = PizzeriaFactory()
    driver = StaffFactory(pizzeria=shop, role="driver")
    ready = OrderFactory(pizzeria=shop, fulfilment=Order.Fulfilment.DELIVERY)
    mine = OrderFactory(pizzeria=shop, fulfilment=Order.Fulfilment.DELIVERY)
    Order.objects.filter(pk=ready.pk).update(status=Order.Status.READY)
    Order.objects.filter(pk=mine.pk).update(status=Order.Status.OUT_FOR_DELIVERY, driver=driver, customer_note="Sonner deux fois")
    assert [o.pk for o in driver_queue(pizzeria=shop, user=driver)] == [mine.pk, ready.pk]
    html = client_for(driver).get("/admin/order/order/drivers/").content.decode()
    assert html.index(mine.number) < html.index(ready.number)
    assert "Sonner deux fois" in html
