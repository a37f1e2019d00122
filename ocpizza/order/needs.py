"""What an order's lines take from stock: the one computation that placement (the reservation,
pizzeria.services.reserve_stock), a change of the order (the new reservation) and acceptance
(the ledger, take_stock) share, so that an order holds exactly what the kitchen will take
(issue 17).

What ONE unit of a line takes is product.line_recipe's answer (sizes, extras, removals, halves:
issue 16), stored with the line as OrderLineNeed rows when it is priced; here it is only
multiplied by the quantities and summed.
"""
from collections import defaultdict
from decimal import Decimal

from order.models import OrderLineNeed


def needs_of_lines(lines) -> dict:
    """{ingredient_id: Decimal} that `lines` take: [(per-unit needs {ingredient_id: quantity},
    quantity)], e.g. (LineRecipe.needs, quantity) of lines being priced."""
    needs = defaultdict(Decimal)
    for per_unit, quantity in lines:
        for ingredient_id, unit_quantity in per_unit.items():
            needs[ingredient_id] += unit_quantity * quantity
    return dict(needs)


def stored_needs(lines) -> dict:
    """{line pk: {ingredient_id: quantity per unit}} stored for these saved lines, in one query."""
    per_line = defaultdict(dict)
    rows = OrderLineNeed.objects.filter(line__in=[line.pk for line in lines]).values_list("line_id", "ingredient_id", "quantity")
    for line_id, ingredient_id, quantity in rows:
        per_line[line_id][ingredient_id] = quantity
    return per_line


def needs_of_order(order) -> dict:
    """What the order's saved lines take now, from what was stored when they were priced, in one
    query (a menu changed since does not alter an order)."""
    needs = defaultdict(Decimal)
    rows = OrderLineNeed.objects.filter(line__order=order).values_list("ingredient_id", "quantity", "line__quantity")
    for ingredient_id, unit_quantity, line_quantity in rows:
        needs[ingredient_id] += unit_quantity * line_quantity
    return dict(needs)
