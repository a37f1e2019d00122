"""Issue 14: the dashboard's VAT table reads the closed months and days from their closings and
only the days not closed from the journal entries (books.selectors.revenue_by_shop), with the
same figures to the cent as the sum of every revenue entry of the period, in a constant number
of queries.

Random orders go through the order services (placed, changed, cancelled the same day or a later
one) over five weeks, the clock set to each day; the nightly closing runs after most days,
misses one night, and has not run yet for the last two days. Every period compared spans closed
months, closed days of partial months and days without a closing."""
import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from books.closings import close_books
from books.journal import append_entry
from books.models import Closing, JournalEntry
from books.selectors import revenue_by_shop
from books.vat import EMPTY, VatBreakdown, breakdown
from dashboard.forms import Period
from dashboard.selectors.vat import vat_figures
from order.checkout import change_order
from order.services import cancel_order, place_order
from tests.factories import ProductFactory
from tests.support.chain_fixtures import people  # noqa: F401 (fixtures: the factory-built chain)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
FIRST = datetime.date(2026, 1, 26)  # end of January, the whole of February, start of March
LAST = datetime.date(2026, 3, 3)  # "today": never closed; the night before it, the job did not run
MISSED_NIGHT = datetime.date(2026, 2, 10)  # closed the next night with its following day


def entry_by_entry(shop_ids, first_day, last_day):
    """The old reading: every revenue entry of the period, summed one by one."""
    totals = {shop_id: EMPTY for shop_id in shop_ids}
    entries = JournalEntry.objects.filter(
        shop_id__in=shop_ids, kind__in=("sale", "change", "cancellation"), service_day__gte=first_day,
        service_day__lte=last_day,
    )
    for shop_id, vat in entries.values_list("shop_id", "vat"):
        totals[shop_id] = totals[shop_id] + VatBreakdown.from_data(vat)
    return totals


def cents(amounts: VatBreakdown):
    return {str(rate): (a.ht, a.tva, a.ttc) for rate, a in sorted(amounts.by_rate.items())}


@pytest.fixture
def clock(monkeypatch):
    """The order services' and the books' present instant, set by the test."""
    now = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: now[0])

    def set_to(day, minutes):
        now[0] = datetime.datetime.combine(day, datetime.time(11), PARIS) + datetime.timedelta(minutes=minutes)

    return set_to


def live_a_month(chain, people, clock, rng):
    menu = chain.menu
    beer = ProductFactory(name="Bière", category="drink", price=Decimal("4.20"), vat_category="alcohol")
    products = [menu.margherita, menu.reine, menu.marinara, menu.cola, beer]
    customer, manager = people["customer"], people["manager"]
    shops = [chain.shops["bastille"], chain.shops["boulogne"]]
    waiting = []  # orders placed and not cancelled yet: some are cancelled on a later day
    day = FIRST
    while day <= LAST:
        minutes = 0
        for shop in shops:
            for _ in range(rng.choice([0, 1, 1, 2])):
                minutes += rng.randint(1, 30)
                clock(day, minutes)
                lines = [(p, rng.randint(1, 2)) for p in rng.sample(products, rng.randint(1, 3))]
                try:
                    order = place_order(pizzeria=shop, customer=customer, lines=lines, fulfilment="pickup",
                                        payment_method="on_delivery", by=customer)
                except ValidationError:  # out of stock: the kitchen says no, the books say nothing
                    continue
                if len(lines) > 1 and rng.random() < 0.3:  # the customer drops a line, or adds one unit
                    order.refresh_from_db()
                    keys = [line.options_key for line in order.lines.all()]
                    quantities = {key: 1 for key in keys}
                    quantities[keys[0]] = 0 if rng.random() < 0.5 else 2
                    change_order(order=order, quantities=quantities, by=customer)
                if shop == chain.shops["bastille"]:  # the manager's shop: some are cancelled, now or later
                    waiting.append(order)
        for order in list(waiting):
            if rng.random() < 0.15:
                minutes += 5
                clock(day, minutes)
                order.refresh_from_db()
                cancel_order(order, by=manager, reason="Client injoignable")
                waiting.remove(order)
        if day != MISSED_NIGHT and day < LAST - datetime.timedelta(days=1):
            night = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(4), PARIS)
            for shop in shops:
                close_books(shop_id=shop.pk, now=night)
        day += datetime.timedelta(days=1)
    return shops


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_vat_read_from_the_closings_is_the_sum_of_the_entries(chain, people, clock, seed):
    rng = random.Random(seed)
    shops = live_a_month(chain, people, clock, rng)
    shop_ids = [shop.pk for shop in shops] + [chain.shops["montmartre"].pk]  # a shop without a journal
    # The three sources are there: February closed as a month, days closed, the last two not.
    assert Closing.objects.filter(kind="month", period_start=datetime.date(2026, 2, 1)).count() == 2
    assert Closing.objects.filter(kind="day", period_start=MISSED_NIGHT).count() == 2
    assert not Closing.objects.filter(period_end__gte=LAST - datetime.timedelta(days=1)).exists()
    assert JournalEntry.objects.filter(kind="change").exists() and JournalEntry.objects.filter(kind="cancellation").exists()

    periods = [(FIRST, LAST), (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
               (datetime.date(2026, 1, 31), datetime.date(2026, 3, 1)), (LAST, LAST), (FIRST, FIRST)]
    days = (LAST - FIRST).days
    for _ in range(6):
        start = FIRST + datetime.timedelta(days=rng.randint(0, days))
        periods.append((start, start + datetime.timedelta(days=rng.randint(0, (LAST - start).days))))
    for first_day, last_day in periods:
        with CaptureQueriesContext(connection) as queries:
            new = revenue_by_shop(shop_ids=shop_ids, first_day=first_day, last_day=last_day)
        assert len(queries.captured_queries) <= 3
        old = entry_by_entry(shop_ids, first_day, last_day)
        assert {s: cents(v) for s, v in new.items()} == {s: cents(v) for s, v in old.items()}, (first_day, last_day)

    # The dashboard's table: per shop and for the group, to the cent.
    period = Period(start=FIRST, end=LAST, label="")
    figures = vat_figures(pizzerias=shops, period=period)
    old = entry_by_entry([s.pk for s in shops], FIRST, LAST)
    assert [cents(s.breakdown) for s in figures.shops] == [cents(old[s.pk]) for s in shops]
    group = EMPTY
    for amounts in old.values():
        group = group + amounts
    assert cents(figures.group) == cents(group) and figures.ttc == group.ttc and figures.ttc > 0


def test_a_closed_day_takes_no_more_entries(chain):
    shop = chain.shops["bastille"]
    day = datetime.date(2026, 1, 5)
    noon = datetime.datetime.combine(day, datetime.time(12), PARIS)
    append_entry(shop_id=shop.pk, kind="sale", order_number="OC-T-0001", source="t:1", payment_method="cash",
                 vat=breakdown([(10, Decimal("10.00"))]), at=noon)
    close_books(shop_id=shop.pk, now=noon + datetime.timedelta(days=1))
    with pytest.raises(RuntimeError):
        append_entry(shop_id=shop.pk, kind="sale", order_number="OC-T-0002", source="t:2", payment_method="cash",
                     vat=breakdown([(10, Decimal("5.00"))]), at=noon + datetime.timedelta(hours=1))
    with pytest.raises(RuntimeError):  # nor before it: the month's closing would miss it
        append_entry(shop_id=shop.pk, kind="sale", order_number="OC-T-0003", source="t:3", payment_method="cash",
                     vat=breakdown([(10, Decimal("5.00"))]), at=noon - datetime.timedelta(days=3))
    assert revenue_by_shop(shop_ids=[shop.pk], first_day=day, last_day=day)[shop.pk].ttc == Decimal("10.00")
