"""Order lines from product.line_recipe (issue 16): the one way a line gets its name, price,
choices and the needs accept_order takes. Used by order.placing (new orders) and order.changes
(a change of an order); both price lines with the function, never with a price from outside."""
from django.core.exceptions import ValidationError

from order.models import OrderLine, OrderLineNeed
from order.vat import main_rate, priced_parts
from product.line_recipe import LineChoice, line_recipe
from product.selectors import menu_for


def as_choice(item):
    """A LineChoice from what callers give: a LineChoice, a line key, or a Product (no options)."""
    if isinstance(item, LineChoice):
        return item
    if isinstance(item, str):
        try:
            return LineChoice.from_key(item)
        except (TypeError, ValueError):
            raise ValidationError("Ligne de commande illisible.") from None
    pk = getattr(item, "pk", None)
    if pk is None:
        raise ValidationError("Ligne de commande illisible.")
    return LineChoice(product_id=pk)


def price_choices(choices, *, menu=None):
    """({key asked: LineRecipe}, menu) for `choices` (LineChoice), every refusal collected into one
    ValidationError. The menu is read once for all of them (menu_for: a fixed number of queries)."""
    if menu is None:
        ids = {pid for choice in choices for pid in choice.product_ids()}
        menu = menu_for(ids)
    recipes, errors = {}, []
    for choice in choices:
        try:
            recipes[choice.key] = line_recipe(choice, menu)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    return recipes, menu


def fill_line(line, recipe, *, rates, unit_price=None):
    """Set `line`'s name, choices, price and VAT from `recipe` (unit_price: a price kept from
    before; rates: {VAT category: rate} of the order's day, order.vat.rates_for)."""
    choice = recipe.choice
    line.product_id = choice.product_id
    line.product_name = recipe.product_name[:100]
    line.options_key = choice.key
    line.size_id = recipe.size_id
    line.second_half_id = choice.half_id
    line.options_label = recipe.options_label[:255]
    line.choices = recipe.snapshot
    line.allergens = recipe.allergen_text[:500]
    line.unit_price = recipe.unit_price if unit_price is None else unit_price
    line.vat_parts = priced_parts(recipe, rates, line.unit_price)
    line.vat_rate = main_rate(line.vat_parts)
    return line


def save_needs(pairs):
    """Store what one unit of each saved line takes ([(OrderLine, LineRecipe)]), replacing what
    those lines held, and their extras: a fixed number of queries for any number of lines."""
    lines = [line for line, _recipe in pairs]
    OrderLineNeed.objects.filter(line__in=lines).delete()
    OrderLineNeed.objects.bulk_create(
        [
            OrderLineNeed(line=line, ingredient_id=ingredient_id, quantity=quantity)
            for line, recipe in pairs
            for ingredient_id, quantity in sorted(recipe.needs.items())
        ]
    )
    through = OrderLine.extras.through
    through.objects.filter(orderline__in=lines).delete()
    through.objects.bulk_create(
        [through(orderline_id=line.pk, extra_id=extra_id) for line, recipe in pairs for extra_id in recipe.choice.extra_ids]
    )
