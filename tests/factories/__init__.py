"""Factories (factory-boy): each test builds the shops, staff, menu, stock and orders it needs.

Rows that carry business rules are written through the services, as the application writes
them: stock through pizzeria.services (stock = its ledger), orders through
order.services.place_order (prices, availability, statuses), role groups through the
`setup_roles` command. Plain reference rows (users, shops, units, ingredients, products,
recipes) are created directly.

    shop = PizzeriaFactory()
    mozza = IngredientFactory(name="Mozzarella")
    margherita = ProductFactory(recipe={mozza: "125"})
    StockFactory(pizzeria=shop, ingredient=mozza, quantity="1000")
    pizzaiolo = StaffFactory(pizzeria=shop, role=StaffMembership.Role.PIZZAIOLO)
    order = OrderFactory(pizzeria=shop, lines=[(margherita, 2)])

One module per area (people, shops and stock, menu, orders) and the shared scenes;
everything is importable from here. The demo data (tests/conftest.py: demo_data, demo_users, shops) stays for the end-to-end tests.
"""
from tests.factories.menu import IngredientFactory, ProductFactory, RecipeLineFactory, UnitFactory
from tests.factories.orders import OrderFactory
from tests.factories.people import (
    PASSWORD, AddressFactory, HeadOfficeFactory, StaffFactory, UserFactory, ensure_role_groups,
)
from tests.factories.scenes import crew, small_chain, small_menu, stock_up
from tests.factories.shops import PizzeriaFactory, StaffMembershipFactory, StockFactory

__all__ = [
    "PASSWORD", "ensure_role_groups", "AddressFactory", "UserFactory", "StaffFactory", "HeadOfficeFactory",
    "PizzeriaFactory", "StaffMembershipFactory", "StockFactory",
    "UnitFactory", "IngredientFactory", "ProductFactory", "RecipeLineFactory",
    "OrderFactory",
    "small_menu", "stock_up", "crew", "small_chain",
]
