"""The factories build what they say, through the services (stock = ledger, orders by place_order)."""
from decimal import Decimal

import pytest
from django.db.models import Sum

from account.roles import has_role, has_shop_perm, is_head_office
from order.models import Order
from pizzeria.models import StaffMembership, StockMovement
from pizzeria.selectors import product_availability
from tests.factories import (
    HeadOfficeFactory, IngredientFactory, OrderFactory, PizzeriaFactory, ProductFactory, StaffFactory,
    StockFactory, UserFactory,
)

Role = StaffMembership.Role


@pytest.mark.django_db
def test_people():
    customer = UserFactory()
    assert not customer.is_staff and customer.addresses.get().is_default
    assert customer.check_password("pizza-test-2026")
    shop = PizzeriaFactory()
    pizzaiolo = StaffFactory(pizzeria=shop, role=Role.PIZZAIOLO)
    assert pizzaiolo.is_staff and not pizzaiolo.addresses.exists()
    assert has_role(pizzaiolo, shop, Role.PIZZAIOLO) and not has_role(pizzaiolo, shop, Role.MANAGER)
    assert has_shop_perm(pizzaiolo, "pizzeria.change_stock", shop)
    assert not has_shop_perm(pizzaiolo, "pizzeria.change_stock", PizzeriaFactory())
    manager = StaffFactory()
    assert manager.memberships.get().role == Role.MANAGER
    assert not StaffFactory(pizzeria=None).memberships.exists()
    boss = HeadOfficeFactory()
    assert is_head_office(boss) and boss.has_perm("product.add_product")


@pytest.mark.django_db
def test_menu_stock_and_orders():
    shop = PizzeriaFactory()
    mozza = IngredientFactory(name="Mozzarella")
    margherita = ProductFactory(recipe={mozza: "125"})
    stock = StockFactory(pizzeria=shop, ingredient=mozza, quantity="300")
    assert stock.quantity == Decimal("300")
    assert stock.movements.get().reason == StockMovement.Reason.DELIVERY
    assert stock.movements.aggregate(s=Sum("delta"))["s"] == stock.quantity
    assert product_availability(pizzeria=shop, product_ids=[margherita.pk])[margherita.pk].makeable == 2
    order = OrderFactory(pizzeria=shop, lines=[(margherita, 2)], fulfilment="delivery")
    assert order.status == Order.Status.TO_PREPARE and order.total == 2 * margherita.price
    assert order.delivery_line == order.customer.addresses.get().line
    assert OrderFactory().lines.count() == 1
