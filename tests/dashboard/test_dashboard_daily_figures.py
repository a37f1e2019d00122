"""The dashboard's sales come from per-shop daily rows (order.daily_figures, issue 14): on random
orders they are the figures computed from the orders and their lines, to the cent, and the
order services keep the rows equal to a rebuild from scratch."""
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.forms import Period
from dashboard.selectors.options import option_sales
from dashboard.selectors.sales import sales
from order import daily_figures
from order.models import DailySales, MonthlySales, Order, OrderLine
from order.services import accept_order, cancel_order, deliver_order, finish_order, refuse_order
from product.models import Product
from tests.factories import OrderFactory
from tests.support.chain_fixtures import people, shops  # noqa: F401 (fixtures: the factory-built chain)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
FIRST_DAY = date(2025, 3, 29)  # the night Paris goes to summer time is inside the period
# To 1 May: April is read from the monthly rows, the other days from the daily ones.
DAYS = 34
PRICES = [Decimal("0.10"), Decimal("3.35"), Decimal("9.99"), Decimal("12.50"), Decimal("101.01")]

line_strategy = st.tuples(st.integers(0, 3), st.integers(1, 5), st.sampled_from(PRICES))
order_strategy = st.fixed_dictionaries(
    {
        "shop": st.sampled_from(["bastille", "montmartre", "boulogne"]),
        "day": st.integers(0, DAYS - 1),
        "minute": st.integers(0, 24 * 60 - 1),
        "status": st.sampled_from(Order.Status.values),
        "payment_status": st.sampled_from(Order.PaymentStatus.values),
        "channel": st.sampled_from(Order.Channel.values),
        "fulfilment": st.sampled_from(Order.Fulfilment.values),
        "payment_method": st.sampled_from(Order.PaymentMethod.values),
        "prep": st.one_of(st.none(), st.integers(1, 90)),
        "delivery": st.one_of(st.none(), st.integers(1, 90)),
        "lines": st.lists(line_strategy, min_size=1, max_size=4, unique_by=lambda line: line[0]),
    }
)


def write(shops, products, spec):
    """One order written directly (any combination of statuses), dated in Paris time."""
    placed = datetime.combine(FIRST_DAY + timedelta(days=spec["day"]), time.min, PARIS) + timedelta(minutes=spec["minute"])
    accepted = placed + timedelta(minutes=2)
    ready = accepted + timedelta(minutes=spec["prep"]) if spec["prep"] else None
    delivered = ready + timedelta(minutes=spec["delivery"]) if ready and spec["delivery"] else None
    lines = [(products[index], quantity, price) for index, quantity, price in spec["lines"]]
    order = Order.objects.create(
        pizzeria=shops[spec["shop"]], customer_name="Client", status=spec["status"],
        payment_status=spec["payment_status"], channel=spec["channel"], fulfilment=spec["fulfilment"],
        delivery_line="1 rue Test" if spec["fulfilment"] == "delivery" else "", payment_method=spec["payment_method"],
        total=sum(price * quantity for _p, quantity, price in lines), accepted_at=accepted, ready_at=ready, delivered_at=delivered,
    )
    OrderLine.objects.bulk_create(
        # options_key: the line's key without options (issue 16), unique within an order
        OrderLine(order=order, product=p, product_name=p.name, options_key=str(p.pk), quantity=q, unit_price=price)
        for p, q, price in lines
    )
    Order.objects.filter(pk=order.pk).update(created_at=placed)


def expected_from_lines():
    """The figures as the dashboard defines them, computed here in Python from every row."""
    figures = {"revenue": Decimal("0"), "orders": 0, "shops": defaultdict(lambda: [Decimal("0"), 0, 0, 0, 0]),
               "days": defaultdict(Decimal), "hours": defaultdict(Decimal), "channels": defaultdict(Decimal),
               "products": defaultdict(lambda: [0, Decimal("0")]), "sold_as": defaultdict(lambda: [0, Decimal("0")]), "prep": [0, 0], "delivery": [0, 0]}
    for order in Order.objects.prefetch_related("lines"):
        shop = figures["shops"][order.pizzeria_id]
        shop[1] += 1
        shop[2] += order.status == Order.Status.CANCELLED
        shop[3] += order.status == Order.Status.REFUSED
        if order.accepted_at and order.ready_at:
            figures["prep"][0] += 1
            figures["prep"][1] += int((order.ready_at - order.accepted_at).total_seconds() * 1_000_000)
        if order.ready_at and order.delivered_at:
            figures["delivery"][0] += 1
            figures["delivery"][1] += int((order.delivered_at - order.ready_at).total_seconds() * 1_000_000)
        counted = (order.status == Order.Status.DELIVERED or order.payment_status == Order.PaymentStatus.PAID) and (
            order.status not in (Order.Status.CANCELLED, Order.Status.REFUSED)
        )
        if not counted:
            continue
        local = order.created_at.astimezone(PARIS)
        shop[0] += order.total
        shop[4] += 1
        figures["revenue"] += order.total
        figures["orders"] += 1
        figures["days"][local.date()] += order.total
        figures["hours"][local.hour] += order.total
        figures["channels"][order.channel] += order.total
        for line in order.lines.all():
            figures["products"][line.product_id][0] += line.quantity
            figures["products"][line.product_id][1] += line.unit_price * line.quantity
            figures["sold_as"][line.product_name][0] += line.quantity
            figures["sold_as"][line.product_name][1] += line.unit_price * line.quantity
    return figures


def shown(shops):
    return sales(pizzerias=list(shops.values()), period=Period(FIRST_DAY, FIRST_DAY + timedelta(days=DAYS - 1), "test"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(order_strategy, min_size=0, max_size=12))
def test_daily_rows_give_the_figures_of_the_order_lines_to_the_cent(shops, specs):
    OrderLine.objects.all().delete()
    Order.objects.all().delete()
    products = list(Product.objects.order_by("pk"))[:4]
    for spec in specs:
        write(shops, products, spec)
    daily_figures.rebuild()
    expected = expected_from_lines()

    result = shown(shops)

    assert result.group.revenue == expected["revenue"] and result.group.orders == expected["orders"]
    assert result.revenue_from_lines == sum((v[1] for v in expected["products"].values()), Decimal("0"))
    for shop, figures in zip(shops.values(), result.shops):
        revenue, placed, cancelled, refused, counted = expected["shops"][shop.pk]
        assert (figures.revenue, figures.placed, figures.cancelled, figures.refused, figures.orders) == (
            revenue, placed, cancelled, refused, counted)
    assert {day: f.revenue for day, f in result.by_day if f.revenue} == {d: v for d, v in expected["days"].items() if v}
    assert {hour: f.revenue for hour, f in result.by_hour if f.revenue} == {h: v for h, v in expected["hours"].items() if v}
    assert {value: f.revenue for value, _label, f in result.by_channel if f.revenue} == {
        c: v for c, v in expected["channels"].items() if v}
    names = dict(Product.objects.values_list("pk", "name"))
    assert {name: (quantity, revenue) for name, quantity, revenue in result.products if quantity} == {
        names[pk]: (q, r) for pk, (q, r) in expected["products"].items()}
    options = option_sales(pizzerias=list(shops.values()), period=result.period)  # issue 16's table, same rows
    assert {name: (quantity, revenue) for name, _size, quantity, revenue in options.by_size} == {
        name: tuple(sums) for name, sums in expected["sold_as"].items()}
    assert (result.group.prep_count, result.group.prep_microseconds) == tuple(expected["prep"])
    assert (result.group.delivery_count, result.group.delivery_microseconds) == tuple(expected["delivery"])


def rows():
    return {
        (row.pizzeria_id, row.day): tuple(getattr(row, name) for name in daily_figures.FIELDS)
        for row in DailySales.objects.all()
        if row.placed
    }


def months():
    return {
        (row.pizzeria_id, row.month): tuple(getattr(row, name) for name in daily_figures.MAPS)
        for row in MonthlySales.objects.all()
        if row.hours or row.products
    }


def test_the_order_services_keep_the_rows_equal_to_a_rebuild(shops, people):
    customer, cook = people["customer"], people["pizzaiolo"]
    margherita = Product.objects.get(slug="margherita")
    delivered = OrderFactory(pizzeria=shops["bastille"], customer=customer, lines=[(margherita, 2)])
    cancelled = OrderFactory(pizzeria=shops["bastille"], customer=customer, lines=[(margherita, 1)])
    refused = OrderFactory(pizzeria=shops["bastille"], customer=customer, lines=[(margherita, 3)])
    waiting = OrderFactory(pizzeria=shops["bastille"], customer=customer, lines=[(margherita, 1)])
    accept_order(delivered, by=cook)
    finish_order(delivered, by=cook)
    deliver_order(delivered, by=cook, collected=delivered.total, method=Order.CollectionMethod.CASH)
    cancel_order(cancelled, by=customer, reason="plus faim")
    refuse_order(refused, by=cook, reason="four en panne")
    kept, kept_months = rows(), months()

    daily_figures.rebuild()

    assert kept == rows() and kept_months == months() and kept_months
    today = kept[shops["bastille"].pk, daily_figures.paris_day(waiting.created_at)]
    placed, counted, revenue = today[0], today[1], today[2]
    assert (placed, counted, revenue) == (4, 1, delivered.total)


def test_the_card_services_recompute_their_day_once_and_keep_it_equal_to_a_rebuild(stripe_local, shops, people, monkeypatch):
    """A card order paid, lowered (refunded the difference), then cancelled (refunded in full):
    the services that change an order several times in one transaction recompute its
    shop-day once, at their end (daily_figures.recomputed_once), and the rows still equal a
    rebuild from the orders and lines."""
    from order import payments
    from order.checkout import cancel_by_customer, change_order
    from tests.support.payments_conftest import localstripe_card

    customer = people["customer"]
    margherita = Product.objects.get(slug="margherita")
    order = OrderFactory(pizzeria=shops["bastille"], customer=customer, lines=[(margherita, 3)],
                         payment_method=Order.PaymentMethod.CARD_ONLINE)
    assert payments.start_card_payment(
        order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"), by=customer
    ).succeeded
    recomputed = []
    original = daily_figures.refresh_day
    monkeypatch.setattr(daily_figures, "refresh_day", lambda **day: recomputed.append(day) or original(**day))

    order.refresh_from_db()
    outcome = change_order(order=order, quantities={margherita.pk: 2}, by=customer)  # refund, new lines, totals
    assert outcome.applied and outcome.refunded == margherita.selling_price
    assert len(recomputed) == 1
    kept = rows()
    daily_figures.rebuild()
    assert rows() == kept

    order.refresh_from_db()
    cancel_by_customer(order=order, by=customer, reason="plus faim")  # refund in full, cancel, totals
    assert len(recomputed) == 2
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (Order.Status.CANCELLED, Order.PaymentStatus.REFUNDED)
    kept, kept_months = rows(), months()
    daily_figures.rebuild()
    assert rows() == kept and months() == kept_months
    placed, counted = kept[shops["bastille"].pk, daily_figures.paris_day(order.created_at)][:2]
    assert (placed, counted) == (1, 0)
