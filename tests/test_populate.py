"""`manage.py populate` loads the demo, and a second run changes nothing."""
import pytest
from django.core.management import call_command
from django.db.models import Sum

from account.models import User
from order.models import Order
from pizzeria.models import Pizzeria, Stock, StockMovement
from product.models import Ingredient, Product, RecipeLine


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Pizzeria, Ingredient, Product, RecipeLine, Stock, StockMovement, Order)
    } | {"stock_total": Stock.objects.aggregate(t=Sum("quantity"))["t"]}


@pytest.mark.django_db
def test_populate_is_idempotent():
    call_command("populate")
    first = _counts()
    call_command("populate")
    assert _counts() == first
    assert first["Pizzeria"] == 8
    assert first["Ingredient"] >= 30
    assert first["Product"] >= 15
    assert set(Order.objects.values_list("status", flat=True)) == set(Order.Status.values) - {"awaiting_confirmation"}


@pytest.mark.django_db
def test_demo_stock_equals_its_ledger_and_one_shop_is_short_of_mozzarella(demo_data):
    for stock in Stock.objects.all():
        assert stock.quantity == (stock.movements.aggregate(t=Sum("delta"))["t"] or 0), stock
    short = Stock.objects.get(pizzeria__slug="montmartre", ingredient__name="Mozzarella")
    assert short.quantity < RecipeLine.objects.get(product__slug="margherita", ingredient__name="Mozzarella").quantity


def test_migrations_are_up_to_date(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
