"""What an order's lines take from stock: the one computation that placement (the reservation,
pizzeria.services.reserve_stock) and acceptance (the ledger, take_stock) share, so that an
order holds exactly what the kitchen will take (issue 17).

`needs_of_lines` is small and pure on purpose: the menu's options (issue 16: sizes, extras,
halves) change how one line's needs are computed, and only its body has to follow.
"""
from collections import defaultdict
from decimal import Decimal

from order.models import OrderLine
from product.models import RecipeLine


def recipes_of(product_ids) -> dict:
    """{product_id: [(ingredient_id, quantity per unit)]} of these products, in one query."""
    recipes = defaultdict(list)
    rows = RecipeLine.objects.filter(product_id__in=list(product_ids)).values_list("product_id", "ingredient_id", "quantity")
    for product_id, ingredient_id, quantity in rows:
        recipes[product_id].append((ingredient_id, quantity))
    return dict(recipes)


def needs_of_lines(lines, recipes) -> dict:
    """{ingredient_id: Decimal} that `lines` ([(product_id, quantity)]) take, from `recipes`
    (recipes_of). A product without a recipe takes nothing."""
    needs = defaultdict(Decimal)
    for product_id, quantity in lines:
        for ingredient_id, per_unit in recipes.get(product_id, ()):
            needs[ingredient_id] += per_unit * quantity
    return dict(needs)


def needs_of_order(order) -> dict:
    """What the order's saved lines take now: the lines and their recipes in one query."""
    lines, recipes = {}, defaultdict(list)
    rows = OrderLine.objects.filter(order=order, product__recipe_lines__isnull=False).values_list(
        "product_id", "quantity", "product__recipe_lines__ingredient_id", "product__recipe_lines__quantity"
    )
    for product_id, quantity, ingredient_id, per_unit in rows:
        lines[product_id] = quantity
        recipes[product_id].append((ingredient_id, per_unit))
    return needs_of_lines(lines.items(), recipes)
