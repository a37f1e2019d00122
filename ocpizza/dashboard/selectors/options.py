"""The menu's options in the dashboard (issue 16): products by size, extras sold, and the
ingredients each size took. Three queries whatever the number of orders, lines and options, on
the orders that count as revenue (sales.REVENUE_RULE) in the period and shops; the quantities
come from what the lines store (order.OrderLineNeed: what product.line_recipe computed)."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils.translation import gettext as _

from dashboard.selectors.sales import money
from order.daily_figures import LINE_AMOUNT, revenue_q
from order.models import OrderLine, OrderLineNeed


@dataclass
class OptionSales:
    by_size: list  # [(product name, size name, quantity, revenue)] best first
    extras: list  # [(extra name, quantity)] best first
    ingredients_by_size: list  # [(ingredient name, unit, size name, quantity)]


def option_sales(*, pizzerias, period):
    lines = OrderLine.objects.filter(
        revenue_q("order__"), order__pizzeria__in=[p.pk for p in pizzerias],
        order__created_at__gte=period.starts_at, order__created_at__lt=period.ends_before,
    )
    without_size = _("sans taille")
    by_size = [
        (name, size or without_size, quantity, money(revenue))
        for name, size, quantity, revenue in lines.values("product_name", "size__name")
        .annotate(qty=Sum("quantity"), revenue=Sum(LINE_AMOUNT))
        .order_by("-qty", "product_name", "size__name")
        .values_list("product_name", "size__name", "qty", "revenue")
    ]
    extras = list(
        lines.filter(extras__isnull=False).values("extras__name").annotate(qty=Sum("quantity"))
        .order_by("-qty", "extras__name").values_list("extras__name", "qty")
    )
    used = ExpressionWrapper(F("quantity") * F("line__quantity"), output_field=DecimalField(max_digits=16, decimal_places=3))
    ingredients = [
        (name, unit, size or without_size, (quantity or Decimal(0)).quantize(Decimal("0.001")))
        for name, unit, size, quantity in OrderLineNeed.objects.filter(line__in=lines)
        .values("ingredient__name", "ingredient__unit__symbol", "line__size__name")
        .annotate(total=Sum(used))
        .order_by("ingredient__name", "line__size__position")
        .values_list("ingredient__name", "ingredient__unit__symbol", "line__size__name", "total")
    ]
    return OptionSales(by_size=by_size, extras=extras, ingredients_by_size=ingredients)
