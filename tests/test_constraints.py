"""The database itself refuses what the code might forget (SPEC "Data")."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from pizzeria.models import Stock
from product.models import Product, RecipeLine
from tests.factories import IngredientFactory, PizzeriaFactory, ProductFactory


# The rows under test are written straight to the database on purpose: what is checked here is
# that the database refuses them even when no service is in the way.
@pytest.fixture
def cheese(db):
    return IngredientFactory(name="Mozzarella")


@pytest.fixture
def pizzeria(db):
    return PizzeriaFactory()


def test_negative_stock_is_refused_by_the_database(pizzeria, cheese):
    stock = Stock.objects.create(pizzeria=pizzeria, ingredient=cheese, quantity=Decimal("5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(quantity=Decimal("-1"))
    stock.refresh_from_db()
    assert stock.quantity == Decimal("5")


def test_duplicate_stock_line_is_refused(pizzeria, cheese):
    Stock.objects.create(pizzeria=pizzeria, ingredient=cheese)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.create(pizzeria=pizzeria, ingredient=cheese)


def test_duplicate_recipe_line_is_refused_by_the_database(cheese):
    pizza = ProductFactory(name="Margherita")
    RecipeLine.objects.create(product=pizza, ingredient=cheese, quantity=Decimal("120"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RecipeLine.objects.create(product=pizza, ingredient=cheese, quantity=Decimal("80"))
    assert RecipeLine.objects.filter(product=pizza).count() == 1


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-3")])
def test_recipe_quantity_must_be_positive(cheese, quantity):
    pizza = ProductFactory(name="Margherita")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecipeLine.objects.create(product=pizza, ingredient=cheese, quantity=quantity)


@pytest.mark.parametrize(
    "price, discount",
    [(Decimal("-1"), None), (Decimal("10"), Decimal("10")), (Decimal("10"), Decimal("12")), (Decimal("10"), Decimal("-1"))],
)
def test_prices_are_checked_by_the_database(db, price, discount):
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(name="X", slug="x", price=price, discount_price=discount)
    assert not Product.objects.exists()


def test_unique_slug(db):
    Product.objects.create(name="A", slug="a", price=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(name="B", slug="a", price=Decimal("2"))
