"""The database itself refuses what the code might forget (SPEC "Data")."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from pizzeria.models import Stock
from product.models import Ingredient, Product, RecipeLine, Unit


@pytest.fixture
def cheese(db):
    unit = Unit.objects.create(name="gramme", symbol="g")
    return Ingredient.objects.create(name="Mozzarella", unit=unit)


@pytest.fixture
def pizzeria(db):
    from pizzeria.models import Pizzeria

    return Pizzeria.objects.create(
        name="Test", slug="test", address_line="1 rue X", postcode="75011", city="Paris",
        latitude=Decimal("48.85"), longitude=Decimal("2.37"),
    )


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
    pizza = Product.objects.create(name="Margherita", slug="margherita", price=Decimal("9.50"))
    RecipeLine.objects.create(product=pizza, ingredient=cheese, quantity=Decimal("120"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RecipeLine.objects.create(product=pizza, ingredient=cheese, quantity=Decimal("80"))
    assert RecipeLine.objects.filter(product=pizza).count() == 1


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-3")])
def test_recipe_quantity_must_be_positive(cheese, quantity):
    pizza = Product.objects.create(name="Margherita", slug="margherita", price=Decimal("9.50"))
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
