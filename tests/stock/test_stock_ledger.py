"""The stock ledger: every way stock changes writes a StockMovement, and each quantity equals the
sum of its movements (orders, returns, deliveries of goods, corrections, counts, losses)."""
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from order.services import accept_order, cancel_order, finish_order, place_order
from pizzeria.models import StaffMembership, Stock, StockMovement
from pizzeria.services import correct_stock
from tests.factories import PizzeriaFactory, ProductFactory, UserFactory, crew, small_menu, stock_up


@pytest.fixture
def scene(db):
    """A shop stocked through the ledger, with five pizzas, its manager and pizzaiolo, a customer."""
    menu = small_menu()
    menu.four_cheese = ProductFactory(name="Quatre fromages", recipe={menu.tomato: "80", menu.mozza: "150"})
    menu.diavola = ProductFactory(name="Diavola", recipe={menu.tomato: "80", menu.mozza: "100", menu.garlic: "1"})
    shop = PizzeriaFactory()
    stock_up(shop, {menu.tomato: "8000", menu.mozza: "6000", menu.ham: "3000", menu.garlic: "100"})
    people = crew(shop, StaffMembership.Role.MANAGER, StaffMembership.Role.PIZZAIOLO)
    people["customer"] = UserFactory()
    return menu, shop, people


def assert_books_balance():
    for stock in Stock.objects.all():
        total = Decimal(stock.movements.aggregate(s=Sum("delta"))["s"] or 0).quantize(Decimal("0.001"))
        assert stock.quantity == total and stock.quantity >= 0, stock
        last = stock.movements.order_by("-pk").first()
        if last is not None:
            assert last.quantity_after == stock.quantity, stock


def order(shop, customer, *lines):
    return place_order(
        pizzeria=shop, customer=customer, lines=list(lines),
        fulfilment="pickup", payment_method="on_delivery", channel="web", by=customer,
    )


@pytest.mark.django_db
def test_every_kind_of_change_keeps_stock_equal_to_its_ledger(scene):
    menu, shop, people = scene
    assert_books_balance()  # the opening stock itself
    manager, pizzaiolo, customer = people["manager"], people["pizzaiolo"], people["customer"]
    mozza = menu.mozza
    correct_stock(pizzeria=shop, ingredient=mozza, by=manager, reason="delivery", delta="5000", note="Livraison lundi")
    correct_stock(pizzeria=shop, ingredient=mozza, by=pizzaiolo, reason="loss", delta="-120")
    correct_stock(pizzeria=shop, ingredient=mozza, by=manager, reason="correction", delta="7.5", note="Erreur de saisie")
    correct_stock(pizzeria=shop, ingredient=mozza, by=manager, reason="inventory", counted="6000")
    accepted = order(shop, customer, (menu.reine, 2), (menu.margherita, 1))
    accept_order(accepted, by=pizzaiolo)
    returned = order(shop, customer, (menu.four_cheese, 1))
    accept_order(returned, by=pizzaiolo)
    cancel_order(returned, by=manager, reason="Client parti", restock=True)
    consumed = order(shop, customer, (menu.diavola, 1))
    accept_order(consumed, by=pizzaiolo)
    finish_order(consumed, by=pizzaiolo)
    cancel_order(consumed, by=manager, reason="Brûlée")
    reasons = set(StockMovement.objects.filter(stock__pizzeria=shop).values_list("reason", flat=True))
    assert reasons >= {"order", "order_return", "delivery", "loss", "correction", "inventory"}
    assert_books_balance()
    # The return gave back exactly what the order took: its net movement is zero.
    net = returned.stock_movements.aggregate(s=Sum("delta"))["s"]
    assert Decimal(net).quantize(Decimal("0.001")) == 0


@pytest.mark.django_db
def test_accept_makes_the_same_number_of_queries_for_1_or_5_lines(scene):
    menu, shop, people = scene
    customer = people["customer"]
    small = order(shop, customer, (menu.reine, 1))
    big = order(shop, customer, (menu.reine, 1), (menu.margherita, 2), (menu.four_cheese, 1), (menu.diavola, 1),
                (menu.marinara, 1))
    counts = []
    for o in (small, big):
        pizzaiolo = type(people["pizzaiolo"]).objects.get(pk=people["pizzaiolo"].pk)  # cold role cache
        with CaptureQueriesContext(connection) as queries:
            accept_order(o, by=pizzaiolo)
        counts.append(len(queries))
    # What matters is that the count does not grow with the lines. The budget grew with features,
    # each a fixed number of queries: reservations (issue 17: what other orders hold, the delete of
    # the order's own), the shop-day figures and the status poll's version kept in the same
    # transaction (issue 14), the stored line needs (issue 16), the sales journal's check of the
    # order (issue 18: its entries, lines and payments read once, whatever their number), the
    # shop's row locked before the order's and the shop-day's month row with the day's (issue 14:
    # one lock order, order.locks; the monthly figures).
    assert counts[0] == counts[1] <= 36
    assert big.stock_movements.count() > small.stock_movements.count() > 1
