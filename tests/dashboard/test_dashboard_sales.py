"""Dashboard sales figures, exact to the cent, from a known set of orders (F-ADM-2, F-ADM-4)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dashboard.selectors.sales import sales as sales_figures
from dashboard.forms import Period
from tests.support.dashboard_data import FIRST_DAY, LAST_DAY, build_known_orders
from tests.factories import PizzeriaFactory, ProductFactory

D = Decimal


@pytest.fixture
def known(db):
    """Three shops, ten products on the menu (five never sold, to fill the bottom of the
    ranking) and the known orders of tests/dashboard_data.py."""
    shops = {slug: PizzeriaFactory(name=f"OC Pizza {slug.title()}") for slug in ("bastille", "montmartre", "boulogne")}
    ProductFactory.create_batch(10)
    products = build_known_orders(shops)
    return {"shops": shops, **products}


def run(shops, *slugs):
    return sales_figures(pizzerias=[shops[s] for s in slugs], period=Period(FIRST_DAY, LAST_DAY, "test"))


def test_shops_side_by_side_and_group_total(known):
    sales = run(known["shops"], "bastille", "montmartre", "boulogne")
    b, m, o = sales.shops
    assert (b.name, b.revenue, b.orders, b.placed, b.cancelled, b.refused) == ("OC Pizza Bastille", D("50.40"), 3, 4, 1, 0)
    assert b.average_basket == D("16.80")
    assert (m.revenue, m.orders, m.placed, m.cancelled, m.refused) == (D("33.00"), 1, 3, 0, 1)
    assert (o.revenue, o.orders, o.placed) == (D("25.00"), 1, 1)
    g = sales.group
    assert (g.revenue, g.orders, g.placed, g.cancelled, g.refused) == (D("108.40"), 5, 8, 1, 1)
    assert sales.items == 10
    assert g.average_basket == D("21.68")
    assert isinstance(g.revenue, Decimal)


@pytest.mark.parametrize("slugs", [("bastille", "montmartre", "boulogne"), ("bastille",), ("montmartre",), ("boulogne",)])
def test_revenue_from_lines_agrees_with_stored_totals(known, slugs):
    sales = run(known["shops"], *slugs)
    assert sales.revenue_from_lines == sales.group.revenue == sum(shop.revenue for shop in sales.shops)
    assert sales.totals_match_lines


def test_a_total_that_disagrees_with_its_lines_shows(known):
    from order import daily_figures
    from order.models import Order

    Order.objects.filter(pizzeria=known["shops"]["montmartre"], status="delivered").update(total=D("30.00"))
    daily_figures.rebuild()  # a write behind the services' back, then the figures rebuilt from the rows
    sales = run(known["shops"], "bastille", "montmartre", "boulogne")
    assert sales.group.revenue == D("105.40") and sales.revenue_from_lines == D("108.40")
    assert not sales.totals_match_lines


def test_average_times_from_acceptance_to_ready_and_ready_to_delivered(known):
    sales = run(known["shops"], "bastille", "montmartre", "boulogne")
    b, m, _o = sales.shops
    assert b.average_preparation == timedelta(minutes=17, seconds=30)
    assert b.average_delivery == timedelta(minutes=11, seconds=30)
    assert (m.average_preparation, m.average_delivery) == (timedelta(minutes=20), timedelta(minutes=4))
    # Weighted over every order of the group, not an average of the shops' averages.
    assert sales.group.average_preparation == timedelta(minutes=55) / 3
    assert sales.group.average_delivery == timedelta(minutes=9)


def test_paris_days_late_orders_land_on_their_own_day(known):
    """23:30 Paris on the 10th is the 10th; 00:30 Paris on the 11th (23:30 UTC the 10th) is the 11th."""
    sales = run(known["shops"], "bastille", "montmartre", "boulogne")
    by_day = {day: (f.revenue, f.orders) for day, f in sales.by_day}
    assert by_day == {
        date(2025, 3, 10): (D("37.90"), 2),
        date(2025, 3, 11): (D("37.50"), 2),
        date(2025, 3, 12): (D("33.00"), 1),
    }


def test_hours_of_day_in_paris_time(known):
    sales = run(known["shops"], "bastille", "montmartre", "boulogne")
    by_hour = {hour: f.revenue for hour, f in sales.by_hour if f.orders}
    assert by_hour == {0: D("12.50"), 12: D("28.00"), 13: D("25.00"), 20: D("33.00"), 23: D("9.90")}
    assert len(sales.by_hour) == 24


def test_channels_fulfilment_and_payment_methods(known):
    sales = run(known["shops"], "bastille", "montmartre", "boulogne")
    assert {v: (f.revenue, f.orders) for v, _l, f in sales.by_channel} == {
        "web": (D("65.50"), 3), "phone": (D("9.90"), 1), "counter": (D("33.00"), 1),
    }
    assert {v: (f.revenue, f.orders) for v, _l, f in sales.by_fulfilment} == {
        "delivery": (D("65.50"), 3), "pickup": (D("42.90"), 2),
    }
    assert {v: (f.revenue, f.orders) for v, _l, f in sales.by_payment_method} == {
        "card_online": (D("65.50"), 3), "on_delivery": (D("42.90"), 2),
    }


def test_top_and_bottom_products(known):
    sales = run(known["shops"], "bastille", "montmartre", "boulogne")
    p = known
    assert sales.top_products[:4] == [
        (p["p1"].name, 5, D("62.50")), (p["p4"].name, 3, D("33.00")), (p["p3"].name, 1, D("9.90")), (p["p2"].name, 1, D("3.00")),
    ]
    # The cancelled order's product sold nothing that counts; unsold products close the ranking.
    assert sales.products[4:][0][1:] == (0, D("0.00"))
    assert (p["p5"].name, 0, D("0.00")) in sales.products[4:]
    assert len(sales.bottom_products) == 5
    assert all(revenue == 0 for _name, _qty, revenue in sales.bottom_products)
    from product.models import Product

    assert len(sales.products) == Product.objects.filter(is_active=True).count()


def test_one_shop_only(known):
    sales = run(known["shops"], "montmartre")
    assert [s.name for s in sales.shops] == ["OC Pizza Montmartre"]
    assert sales.group.revenue == D("33.00")
    assert {v: f.orders for v, _l, f in sales.by_channel} == {"web": 0, "phone": 0, "counter": 1}
