"""Stock figures of the dashboard: the stock matrix, what each shop can make, the latest movements.

Each function runs a fixed number of queries whatever the number of orders.
"""
from dataclasses import dataclass
from decimal import Decimal

from pizzeria.models import Stock, StockMovement
from pizzeria.selectors import product_availability
from product.models import Ingredient, Product


@dataclass
class StockCell:
    quantity: Decimal | None  # None: no stock line in this shop
    is_low: bool


@dataclass
class StockRow:
    ingredient: str
    unit: str
    threshold: Decimal
    cells: list  # [StockCell], in the order of the pizzerias


def stock_matrix(*, pizzerias):
    """Ingredients as rows, shops as columns; a cell is low at or under the ingredient's threshold."""
    quantities = {
        (pizzeria_id, ingredient_id): quantity
        for pizzeria_id, ingredient_id, quantity in Stock.objects.filter(pizzeria__in=pizzerias).values_list(
            "pizzeria_id", "ingredient_id", "quantity"
        )
    }
    rows = []
    for ingredient in Ingredient.objects.select_related("unit").order_by("name"):
        cells = []
        for pizzeria in pizzerias:
            quantity = quantities.get((pizzeria.pk, ingredient.pk))
            # A missing line is an empty shelf: flag it like a low one.
            cells.append(StockCell(quantity, quantity is None or quantity <= ingredient.low_stock_threshold))
        rows.append(StockRow(ingredient.name, ingredient.unit.symbol, ingredient.low_stock_threshold, cells))
    return rows


def makeable_products(*, pizzerias):
    """[(product name, [Availability per pizzeria])] for the active products with a recipe.

    One query per shop (pizzeria.selectors.product_availability), whatever the number of orders.
    """
    products = list(Product.objects.filter(is_active=True, recipe_lines__isnull=False).distinct().values_list("pk", "name"))
    ids = [pk for pk, _name in products]
    per_shop = [product_availability(pizzeria=pizzeria, product_ids=ids) for pizzeria in pizzerias]
    return [(name, [availability[pk] for availability in per_shop]) for pk, name in products]


def latest_movements(*, pizzerias, limit=20):
    return list(
        StockMovement.objects.filter(stock__pizzeria__in=pizzerias)
        .select_related("stock__pizzeria", "stock__ingredient__unit", "user", "order")
        .order_by("-created_at", "-pk")[:limit]
    )
