"""Issue 19, the catalogue: pizzas first; a typo still finds a pizza ("margarita"); a shop not yet
open shows its menu and its opening date, not every product "Épuisée"."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pizzeria.models import Pizzeria
from pizzeria.selectors import catalogue
from product.models import Product
from tests.factories.menu import ProductFactory
from tests.factories.scenes import small_menu
from tests.factories.shops import PizzeriaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu():
    menu = small_menu()
    ProductFactory(name="Tiramisu", category=Product.Category.DESSERT, price=Decimal("4.50"))
    ProductFactory(name="Quatre fromages", price=Decimal("12.00"))
    return menu


def names(items):
    return [item.product.name for item in items]


def test_pizzas_come_first_then_desserts_then_drinks(menu):
    items = catalogue(pizzeria=PizzeriaFactory())
    categories = [item.product.category for item in items]
    assert categories == sorted(categories, key=["pizza", "dessert", "drink"].index)
    assert categories[0] == "pizza" and categories[-1] == "drink"


@pytest.mark.parametrize("typed, found", [("margarita", "Margherita"), ("margherita", "Margherita"),
                                          ("quatre fromage", "Quatre fromages"), ("reinne", "Reine")])
def test_a_typo_still_finds_the_pizza(menu, typed, found):
    assert found in names(catalogue(pizzeria=PizzeriaFactory(), query=typed))


def test_nonsense_finds_nothing(menu):
    assert names(catalogue(pizzeria=PizzeriaFactory(), query="xylophone")) == []


def test_typo_search_costs_a_fixed_number_of_queries(menu):
    shop = PizzeriaFactory()
    with CaptureQueriesContext(connection) as few:
        catalogue(pizzeria=shop, query="margarita")
    ProductFactory.create_batch(15)
    with CaptureQueriesContext(connection) as many:
        catalogue(pizzeria=shop, query="margarita")
    assert len(many) == len(few)


def test_a_shop_not_yet_open_shows_its_menu_and_opening_date(client, menu):
    shop = PizzeriaFactory(status=Pizzeria.Status.OPENING_SOON, opening_date=date(2026, 12, 15))
    html = client.get(f"/pizzeria/{shop.slug}/").content.decode()
    assert "Cette pizzeria ouvre le mardi 15 décembre 2026" in html
    assert "Épuisée" not in html and "sold-out" not in html
    assert "Margherita" in html
    home = client.get("/").content.decode()
    assert "Ouverture le 15 décembre 2026" in home
