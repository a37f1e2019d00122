"""The menu: units, ingredients, products and their recipes."""
from decimal import Decimal

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from product.models import Ingredient, Product, RecipeLine, Unit


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("symbol",)

    name = factory.Sequence(lambda n: f"unité {n}")
    symbol = factory.Sequence(lambda n: f"u{n}")


class IngredientFactory(DjangoModelFactory):
    class Meta:
        model = Ingredient
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ingrédient {n}")
    unit = factory.SubFactory(UnitFactory, name="gramme", symbol="g")
    low_stock_threshold = Decimal("0")


class ProductFactory(DjangoModelFactory):
    """A product on the menu; `recipe={ingredient: quantity, ...}` gives it its recipe lines."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pizza {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    category = Product.Category.PIZZA
    description = "Tomate, mozzarella."
    price = Decimal("12.00")
    discount_price = None
    is_active = True

    @factory.post_generation
    def recipe(obj, create, extracted, **kwargs):
        for ingredient, quantity in (extracted or {}).items():
            RecipeLineFactory(product=obj, ingredient=ingredient, quantity=Decimal(quantity))


class RecipeLineFactory(DjangoModelFactory):
    class Meta:
        model = RecipeLine

    product = factory.SubFactory(ProductFactory)
    ingredient = factory.SubFactory(IngredientFactory)
    quantity = Decimal("100")
