"""The menu: units, ingredients, products and their recipes."""
from decimal import Decimal

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from product.models import Extra, ExtraPrice, Ingredient, Product, ProductSize, RecipeLine, Size, Unit


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


class SizeFactory(DjangoModelFactory):
    class Meta:
        model = Size
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"taille-{n}")
    name = factory.Sequence(lambda n: f"Taille {n}")
    factor = Decimal("1")
    position = factory.Sequence(int)


class ProductSizeFactory(DjangoModelFactory):
    class Meta:
        model = ProductSize

    product = factory.SubFactory(ProductFactory)
    size = factory.SubFactory(SizeFactory)
    price = Decimal("12.00")


class ExtraFactory(DjangoModelFactory):
    """An extra; `prices={size: price, ...}` gives its price per size."""

    class Meta:
        model = Extra
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Supplément {n}")
    ingredient = factory.SubFactory(IngredientFactory)
    quantity = Decimal("40")
    is_active = True

    @factory.post_generation
    def prices(obj, create, extracted, **kwargs):
        for size, price in (extracted or {}).items():
            ExtraPrice.objects.create(extra=obj, size=size, price=Decimal(price))


def sized(product, prices):
    """Sell `product` in sizes: `prices={size: price}`; returns the product."""
    for size, price in prices.items():
        ProductSizeFactory(product=product, size=size, price=Decimal(price))
    return product
