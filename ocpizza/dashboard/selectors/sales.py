"""Sales figures of the dashboard (revenue, orders, times, products).

Every function runs a fixed number of queries whatever the number of orders. Sales add up the
per-shop daily rows the order services keep (order.daily_figures, issue 14: a year is 365 rows
per shop, not every order and line); Python adds up those disjoint groups to get totals.

Revenue rule (REVENUE_RULE, shown on the page): an order counts when it is delivered or paid
(payment status paid or partly refunded) and neither cancelled nor refused. Its revenue is the
sum of its lines' unit price × quantity, taxes included (the order's stored total, checked
against the lines on every call); partial refunds are not deducted.
Orders are dated by the time they were placed (created_at).
"""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from order.daily_figures import add_pairs, maps_over
from order.models import DailySales, Order
from product.models import Product

REVENUE_RULE = _(
    "Chiffre d'affaires TTC : somme des lignes (prix unitaire × quantité) des commandes livrées ou payées "
    "(payées ou partiellement remboursées), hors commandes annulées ou refusées, datées du moment où elles "
    "ont été passées (heure de Paris). Les remboursements partiels ne sont pas déduits."
)

ZERO = Decimal("0.00")


def money(value):
    """Cents: SQLite hands back sums of products with spurious digits (50.4000000000000)."""
    return (value or ZERO).quantize(Decimal("0.01"))


def from_cents(amount):
    return (Decimal(int(amount)) / 100).quantize(Decimal("0.01"))


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

    Added up from the per-shop daily rows that the order services keep (order.daily_figures):
    one row per shop and day, however many orders, and their maps from the monthly rows.
    Five queries. The breakdowns come from the
    orders' stored totals, the products from the lines themselves, and `totals_match_lines`
    compares the two.
    """
    shops = {p.pk: ShopSales(name=p.name) for p in pizzerias}
    group = ShopSales(name=str(_("Total du groupe")))
    per_day = {day: Figures() for day in period.days}
    hours = {hour: Figures() for hour in range(24)}
    channels = {value: Figures() for value in Order.Channel.values}
    fulfilments = {value: Figures() for value in Order.Fulfilment.values}
    methods = {value: Figures() for value in Order.PaymentMethod.values}
    # Integer cents summed first, turned into euros once per bucket: a year is 2 920 rows of
    # about 45 entries each.
    hour_sums, mix_sums, product_sums = {}, {}, {}
    for row in DailySales.objects.filter(pizzeria_id__in=list(shops), day__gte=period.start, day__lte=period.end).values(
        "pizzeria_id", "day", "revenue", "counted", *ShopSales.COUNTERS
    ):
        shops[row["pizzeria_id"]].add_row(row)
        group.add_row(row)
        per_day.setdefault(row["day"], Figures()).add(row["revenue"], row["counted"])
    # The breakdowns' maps from one row per shop and whole month, daily rows for the other days:
    # decoding 365 rows' JSON per shop was most of a year's page.
    for row in maps_over(pizzeria_ids=list(shops), first_day=period.start, last_day=period.end, names=("hours", "mixes", "products")):
        add_pairs(hour_sums, row["hours"])
        add_pairs(mix_sums, row["mixes"])
        add_pairs(product_sums, row["products"])
    for hour, (orders, amount) in hour_sums.items():
        hours[int(hour)].add(from_cents(amount), orders)
    for mix, (orders, amount) in mix_sums.items():
        channel, fulfilment, method = mix.split("|")
        for bucket in (channels[channel], fulfilments[fulfilment], methods[method]):
            bucket.add(from_cents(amount), orders)
    sold = {int(product_id): sums for product_id, sums in product_sums.items()}

    # Products sold (their current names), then the active products that sold nothing.
    names = dict(Product.objects.filter(pk__in=list(sold)).values_list("pk", "name"))
    products = {pk: (names.get(pk, "?"), quantity, from_cents(amount)) for pk, (quantity, amount) in sold.items()}
    revenue_from_lines = sum((revenue for _n, _q, revenue in products.values()), ZERO)
    items = sum(quantity for _n, quantity, _r in products.values())
    for pk, name in Product.objects.filter(is_active=True).exclude(pk__in=list(sold)).values_list("pk", "name"):
        products[pk] = (name, 0, ZERO)
    products = sorted(products.values(), key=lambda item: (-item[2], -item[1], item[0]))

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

