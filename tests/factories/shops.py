"""Shops, staff memberships and stock. Stock is written through pizzeria.services, so that
each quantity equals the sum of its ledger movements."""
from decimal import Decimal

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from pizzeria.models import Pizzeria, StaffMembership, Stock, StockMovement
from pizzeria.services import count_stock
from tests.factories.menu import IngredientFactory
from tests.factories.people import SHOP_LATITUDE, SHOP_LONGITUDE, StaffFactory


class PizzeriaFactory(DjangoModelFactory):
    """An open shop delivering 5 km around it (any postcode)."""

    class Meta:
        model = Pizzeria

    name = factory.Sequence(lambda n: f"OC Pizza Test {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    address_line = "12 rue de la Roquette"
    postcode = "75011"
    city = "Paris"
    phone = "01 43 55 10 11"
    latitude = SHOP_LATITUDE
    longitude = SHOP_LONGITUDE
    delivery_radius_km = Decimal("5")
    served_postcodes = ""
    status = Pizzeria.Status.OPEN


class StaffMembershipFactory(DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(StaffFactory, pizzeria=None)
    pizzeria = factory.SubFactory("tests.factories.shops.PizzeriaFactory")
    role = StaffMembership.Role.MANAGER


class StockFactory(DjangoModelFactory):
    """`quantity` of an ingredient in a shop, written through pizzeria.services.count_stock:
    a goods delivery in the ledger, so that stock = the sum of its movements."""

    class Meta:
        model = Stock

    pizzeria = factory.SubFactory(PizzeriaFactory)
    ingredient = factory.SubFactory(IngredientFactory)
    quantity = Decimal("1000")

    @classmethod
    def _create(cls, model_class, *, pizzeria, ingredient, quantity, **kwargs):
        count_stock(
            pizzeria=pizzeria, ingredient=ingredient, counted=Decimal(quantity),
            reason=StockMovement.Reason.DELIVERY, note="Stock initial (test)", **kwargs,
        )
        return model_class.objects.get(pizzeria=pizzeria, ingredient=ingredient)
