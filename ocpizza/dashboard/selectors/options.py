"""The menu's options in the dashboard (issue 16): products by size, extras sold, and the
ingredients each size took, on the orders that count as revenue (sales.REVENUE_RULE) in the
period and shops.

Added up from the per-shop daily rows the order services keep (order.daily_figures, issue 14),
not from the order lines: a year is twelve monthly rows per shop whatever the number of lines.
Five queries: the monthly and daily rows, then the current names of the sizes, extras and
ingredients they mention.
The quantities are what the lines stored (order.OrderLineNeed: what product.line_recipe
computed); products are named as they were sold (the line's name), sizes and extras by their
current names, as the page did when it summed the lines.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from dashboard.selectors.sales import from_cents
from order.daily_figures import maps_over
from product.models import Extra, Ingredient, Size


@dataclass
class OptionSales:
    by_size: list  # [(product name, size name, quantity, revenue)] best first
    extras: list  # [(extra name, quantity)] best first
    ingredients_by_size: list  # [(ingredient name, unit, size name, quantity)]


def _size_id(text):
    return int(text) if text else None


def option_sales(*, pizzerias, period):
    sizes, extras, needs = {}, {}, {}
    for row in maps_over(
        pizzeria_ids=[p.pk for p in pizzerias], first_day=period.start, last_day=period.end, names=("sizes", "extras", "needs")
    ):
        for key, (quantity, amount) in row["sizes"].items():
            bucket = sizes.setdefault(key, [0, 0])
            bucket[0] += quantity
            bucket[1] += amount
        for key, quantity in row["extras"].items():
            extras[key] = extras.get(key, 0) + quantity
        for key, quantity in row["needs"].items():
            needs[key] = needs.get(key, 0) + quantity

    # Every size, extra and ingredient (short lists): one query each whatever the rows mention.
    size_of = {pk: (name, position) for pk, name, position in Size.objects.values_list("pk", "name", "position")}
    without_size = _("sans taille")

    # Grouped by the names shown, as the SQL grouped them: two sizes of the same name are one row.
    by_name = {}
    for key, (quantity, amount) in sizes.items():
        size_id, product_name = key.split("|", 1)
        size = size_of[_size_id(size_id)][0] if size_id else None
        bucket = by_name.setdefault((product_name, size), [0, 0])
        bucket[0] += quantity
        bucket[1] += amount
    by_size = [
        (product_name, size or without_size, quantity, from_cents(amount))
        for (product_name, size), (quantity, amount) in sorted(
            by_name.items(), key=lambda item: (-item[1][0], item[0][0], item[0][1] or "")
        )
    ]

    extra_names = dict(Extra.objects.values_list("pk", "name"))
    extras_by_name = {}
    for pk, quantity in extras.items():
        name = extra_names[int(pk)]
        extras_by_name[name] = extras_by_name.get(name, 0) + quantity
    extras_sold = sorted(extras_by_name.items(), key=lambda item: (-item[1], item[0]))

    ingredients = {
        pk: (name, symbol)
        for pk, name, symbol in Ingredient.objects.values_list("pk", "name", "unit__symbol")
    }
    used = {}
    for key, quantity in needs.items():
        ingredient_id, size_id = key.split("|", 1)
        name, symbol = ingredients[int(ingredient_id)]
        size, position = size_of[_size_id(size_id)] if size_id else (None, None)
        used[name, symbol, size, position] = used.get((name, symbol, size, position), 0) + quantity
    ingredients_by_size = [
        (name, symbol, size or without_size, (Decimal(quantity) / 1000).quantize(Decimal("0.001")))
        for (name, symbol, size, position), quantity in sorted(
            # Lines without a size first, as the database sorts a NULL position.
            used.items(), key=lambda item: (item[0][0], item[0][3] is not None, item[0][3] or 0)
        )
    ]
    return OptionSales(by_size=by_size, extras=extras_sold, ingredients_by_size=ingredients_by_size)
