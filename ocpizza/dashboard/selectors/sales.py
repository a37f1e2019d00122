"""Sales figures of the dashboard (revenue, orders, times, products), computed by the database.

Every function runs a fixed number of queries whatever the number of orders: the database
groups and sums (annotate/aggregate, days and hours taken in Paris time); Python only adds
up the aggregated rows of disjoint groups (a shop's days, a channel's hours) to get totals.

Revenue rule (REVENUE_RULE, shown on the page): an order counts when it is delivered or paid
(payment status paid or partly refunded) and neither cancelled nor refused. Its revenue is the
sum of its lines' unit price × quantity, taxes included (the order's stored total, checked
against the lines on every call); partial refunds are not deducted.
Orders are dated by the time they were placed (created_at).
"""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, DurationField, ExpressionWrapper, F, FloatField, Q, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils.translation import gettext_lazy as _

from dashboard.forms import PARIS
from order.models import Order, OrderLine
from product.models import Product

REVENUE_RULE = _(
    "Chiffre d'affaires TTC : somme des lignes (prix unitaire × quantité) des commandes livrées ou payées "
    "(payées ou partiellement remboursées), hors commandes annulées ou refusées, datées du moment où elles "
    "ont été passées (heure de Paris). Les remboursements partiels ne sont pas déduits."
)

ZERO = Decimal("0.00")

LINE_AMOUNT = ExpressionWrapper(F("unit_price") * F("quantity"), output_field=DecimalField(max_digits=14, decimal_places=2))


def money(value):
    """Cents: SQLite hands back sums of products with spurious digits (50.4000000000000)."""
    return (value or ZERO).quantize(Decimal("0.01"))


def revenue_q(prefix=""):
    """Orders that count as revenue; `prefix` leads to the Order ("order__" from a line)."""
    # "Paid" is what order.payments sets when the money received covers the total; a partly
    # refunded order that is not delivered no longer covers it (issue 13 C2): not revenue.
    counted = Q(**{f"{prefix}status": Order.Status.DELIVERED}) | Q(**{f"{prefix}payment_status": Order.PaymentStatus.PAID})
    return counted & ~Q(**{f"{prefix}status__in": [Order.Status.CANCELLED, Order.Status.REFUSED]})


def _duration(end, start):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _avg(total_microseconds, count):
    if not count:
        return None
    return timedelta(microseconds=float(total_microseconds or 0) / count)


@dataclass
class Figures:
    """One row of sales figures (a shop, the group, a day, a channel…)."""

    revenue: Decimal = ZERO
    orders: int = 0

    @property
    def average_basket(self):
        if not self.orders:
            return None
        return (self.revenue / self.orders).quantize(Decimal("0.01"))

    def add(self, revenue, orders):
        self.revenue += money(revenue)
        self.orders += orders or 0


@dataclass
class ShopSales(Figures):
    """A shop's line (or the group's) in the side-by-side table."""

    name: str = ""
    placed: int = 0
    cancelled: int = 0
    refused: int = 0
    prep_microseconds: float = 0
    prep_count: int = 0
    delivery_microseconds: float = 0
    delivery_count: int = 0

    COUNTERS = ("placed", "cancelled", "refused", "prep_microseconds", "prep_count", "delivery_microseconds", "delivery_count")

    @property
    def average_preparation(self):
        return _avg(self.prep_microseconds, self.prep_count)

    @property
    def average_delivery(self):
        return _avg(self.delivery_microseconds, self.delivery_count)

    def add_row(self, row):
        self.add(row["revenue"], row["counted"])
        for name in self.COUNTERS:
            setattr(self, name, getattr(self, name) + (row[name] or 0))


@dataclass
class Sales:
    period: object
    shops: list  # [ShopSales], one per pizzeria in scope
    group: ShopSales
    by_day: list  # [(date, Figures)], every day of the period
    by_hour: list  # [(hour 0..23, Figures)]
    by_channel: list  # [(value, label, Figures)]
    by_fulfilment: list
    by_payment_method: list
    products: list  # [(name, quantity, revenue)] best first, every active product included
    revenue_from_lines: Decimal = ZERO  # the lines' unit price × quantity, to check the orders' totals
    items: int = 0  # articles sold
    top_products: list = field(default_factory=list)
    bottom_products: list = field(default_factory=list)

    @property
    def totals_match_lines(self):
        return self.revenue_from_lines == self.group.revenue


def sales(*, pizzerias, period):
    """Sales of `pizzerias` (a list of Pizzeria) over `period` (dashboard.forms.Period).

    Three queries whatever the number of orders. The breakdowns read the orders' stored total
    (server-computed from the lines, stored "so that statistics need no join"); the products
    query sums the lines themselves, and `totals_match_lines` compares the two.
    """
    shop_ids = [p.pk for p in pizzerias]
    orders = Order.objects.filter(
        pizzeria_id__in=shop_ids, created_at__gte=period.starts_at, created_at__lt=period.ends_before
    )
    counted = revenue_q()
    timed_prep = Q(accepted_at__isnull=False, ready_at__isnull=False)
    timed_delivery = Q(ready_at__isnull=False, delivered_at__isnull=False)

    # 1. Per shop and Paris day: everything the side-by-side table and the day chart need.
    #    Shop, group and day totals add up these disjoint groups.
    day_rows = (
        orders.values("pizzeria_id", day=TruncDate("created_at", tzinfo=PARIS))
        .annotate(
            placed=Count("pk"),
            counted=Count("pk", filter=counted),
            revenue=Sum("total", filter=counted),
            cancelled=Count("pk", filter=Q(status=Order.Status.CANCELLED)),
            refused=Count("pk", filter=Q(status=Order.Status.REFUSED)),
            prep_microseconds=Sum(_duration("ready_at", "accepted_at"), filter=timed_prep, output_field=FloatField()),
            prep_count=Count("pk", filter=timed_prep),
            delivery_microseconds=Sum(_duration("delivered_at", "ready_at"), filter=timed_delivery, output_field=FloatField()),
            delivery_count=Count("pk", filter=timed_delivery),
        )
        .order_by()
    )
    shops = {p.pk: ShopSales(name=p.name) for p in pizzerias}
    group = ShopSales(name=str(_("Total du groupe")))
    per_day = {day: Figures() for day in period.days}
    for row in day_rows:
        row["prep_microseconds"] = float(row["prep_microseconds"] or 0)
        row["delivery_microseconds"] = float(row["delivery_microseconds"] or 0)
        shops[row["pizzeria_id"]].add_row(row)
        group.add_row(row)
        per_day.setdefault(row["day"], Figures()).add(row["revenue"], row["counted"])

    # 2. Hour of day (Paris) × channel × fulfilment × payment method: at most 24 × 12 rows
    #    whatever the period; each order sits in one group, so the roll-ups are exact.
    hours = {hour: Figures() for hour in range(24)}
    channels = {value: Figures() for value in Order.Channel.values}
    fulfilments = {value: Figures() for value in Order.Fulfilment.values}
    methods = {value: Figures() for value in Order.PaymentMethod.values}
    for row in (
        orders.filter(counted)
        .values("channel", "fulfilment", "payment_method", hour=ExtractHour("created_at", tzinfo=PARIS))
        .annotate(revenue=Sum("total"), orders=Count("pk"))
        .order_by()
    ):
        for bucket in (hours[row["hour"]], channels[row["channel"]], fulfilments[row["fulfilment"]], methods[row["payment_method"]]):
            bucket.add(row["revenue"], row["orders"])

    # 3. Products, from the lines (unit price × quantity), then the active products that sold nothing.
    sold = {
        row["product_id"]: (row["product__name"], row["sold"], money(row["revenue"]))
        for row in OrderLine.objects.filter(
            revenue_q("order__"),
            order__pizzeria_id__in=shop_ids,
            order__created_at__gte=period.starts_at,
            order__created_at__lt=period.ends_before,
        )
        .values("product_id", "product__name")
        .annotate(sold=Sum("quantity"), revenue=Sum(LINE_AMOUNT))
        .order_by()
    }
    revenue_from_lines = sum((revenue for _n, _q, revenue in sold.values()), ZERO)
    items = sum(quantity for _n, quantity, _r in sold.values())
    for pk, name in Product.objects.filter(is_active=True).exclude(pk__in=list(sold)).values_list("pk", "name"):
        sold[pk] = (name, 0, ZERO)
    products = sorted(sold.values(), key=lambda item: (-item[2], -item[1], item[0]))

    def labelled(choices, figures):
        return [(value, label, figures[value]) for value, label in choices]

    return Sales(
        period=period,
        shops=[shops[p.pk] for p in pizzerias],
        group=group,
        by_day=sorted(per_day.items()),
        by_hour=sorted(hours.items()),
        by_channel=labelled(Order.Channel.choices, channels),
        by_fulfilment=labelled(Order.Fulfilment.choices, fulfilments),
        by_payment_method=labelled(Order.PaymentMethod.choices, methods),
        products=products,
        revenue_from_lines=revenue_from_lines,
        items=items,
        top_products=products[:5],
        bottom_products=list(reversed(products[-5:])) if len(products) > 5 else [],
    )

