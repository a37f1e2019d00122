"""Issue 18 (F-BOOK-1): order lines store the VAT of the order's day per part (a product and its
extras may be taxed apart), and an order's breakdown per rate adds up to what the customer pays.
Hand-computed from tests.factories.scenes.options_menu (its docstring has the prices)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from books.models import VatRate
from order.checkout import change_order
from order.models import Order
from order.services import place_order
from order.vat import amount_vat_breakdown, order_vat_breakdown
from product.line_recipe import LineChoice
from tests.factories.menu import ExtraFactory, IngredientFactory, ProductFactory
from tests.factories.people import UserFactory
from tests.factories.scenes import options_menu, stock_up
from tests.factories.shops import PizzeriaFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def menu():
    menu = options_menu()
    rum = IngredientFactory(name="Rhum")
    # A flambé extra is an alcoholic drink poured on the pizza: taxed at 20 % on its own.
    menu.rum_extra = ExtraFactory(name="Flambée au rhum", ingredient=rum, quantity=D("2"), vat_category="alcohol",
                                  prices={menu.large: "3.00", menu.medium: "2.50"})
    menu.beer = ProductFactory(name="Bière pression", category="drink", price=D("4.50"), vat_category="alcohol")
    menu.rum = rum
    return menu


@pytest.fixture
def shop(menu):
    shop = PizzeriaFactory(slug="bastille")
    stock_up(shop, {i: "100000" for i in (menu.dough, menu.tomato, menu.mozza, menu.ham, menu.mushrooms, menu.cream,
                                          menu.gorgonzola, menu.rum)})
    return shop


def place(shop, lines):
    customer = UserFactory()
    return place_order(pizzeria=shop, customer=customer, lines=lines, fulfilment="pickup",
                       payment_method="on_delivery", by=customer)


def basket(menu):
    """2 × large Reine + mozzarella + rum flambé (16.50 at 10 % and 3.00 at 20 % a unit);
    1 medium half Margherita / half Quatre fromages (13.00, the dearer half); 3 beers (4.50 at 20 %);
    1 Coca-Cola (3.50 at 10 %)."""
    reine = LineChoice(product_id=menu.reine.pk, size_id=menu.large.pk, extra_ids=[menu.extra_mozza.pk, menu.rum_extra.pk])
    halves = LineChoice(product_id=menu.margherita.pk, size_id=menu.medium.pk, half_id=menu.four_cheeses.pk)
    return [(reine, 2), (halves, 1), (menu.beer, 3), (menu.cola, 1)]


def test_a_mixed_basket_worked_by_hand(shop, menu):
    order = place(shop, basket(menu))
    assert order.total == D("69.00")  # 2 × 19.50 + 13.00 + 3 × 4.50 + 3.50
    reine = order.lines.get(product=menu.reine)
    assert reine.vat_rate == D("10.00") and reine.vat_parts == [["10.00", "16.50"], ["20.00", "3.00"]]
    assert order.lines.get(product=menu.beer).vat_parts == [["20.00", "4.50"]]
    vat = order_vat_breakdown(order)
    ten, twenty = vat.lines
    # 10 %: 33.00 -> 30.00 + 3.00; 13.00 -> 11.82 + 1.18; 3.50 -> 3.18 + 0.32.
    assert (ten.rate, ten.ht, ten.tva, ten.ttc) == (D("10.00"), D("45.00"), D("4.50"), D("49.50"))
    # 20 %: 6.00 -> 5.00 + 1.00; 13.50 -> 11.25 + 2.25.
    assert (twenty.rate, twenty.ht, twenty.tva, twenty.ttc) == (D("20.00"), D("16.25"), D("3.25"), D("19.50"))
    assert vat.ttc == order.total and vat.ht == D("61.25") and vat.tva == D("7.75")


def test_an_extra_without_category_follows_its_product(shop, menu):
    assert menu.extra_mozza.vat_category == ""
    menu.reine.vat_category = "deferred"
    menu.reine.save()
    order = place(shop, [(LineChoice(product_id=menu.reine.pk, size_id=menu.small.pk, extra_ids=[menu.extra_mozza.pk]), 1)])
    line = order.lines.get()
    assert line.vat_parts == [["5.50", "9.50"]] and line.vat_rate == D("5.50")  # 8.50 + 1.00 at 5,5 %
    # 9.50 / 1.055 = 9.0047… -> 9.00 HT, 0.50 TVA.
    (amount,) = order_vat_breakdown(order).lines
    assert (amount.ht, amount.tva) == (D("9.00"), D("0.50"))


def test_a_rate_change_applies_to_orders_of_its_day_only(shop, menu):
    before = place(shop, [(menu.cola, 2)])
    today = timezone.localdate()
    old = VatRate.objects.get(category="immediate")
    old.valid_until = today
    old.full_clean()
    old.save()
    VatRate.objects.create(category="immediate", rate=D("12.00"), valid_from=today)
    after = place(shop, [(menu.cola, 2)])
    assert before.lines.get().vat_rate == D("10.00") and after.lines.get().vat_rate == D("12.00")
    assert order_vat_breakdown(after).by_rate[D("12.00")].ht == D("6.25")  # 7.00 / 1.12
    # A change of an order of yesterday takes yesterday's rate for the lines it adds.
    Order.objects.filter(pk=before.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    before.refresh_from_db()
    change_order(order=before, quantities={str(menu.cola.pk): 2, str(menu.margherita.pk): 1}, by=before.customer)
    added = before.lines.get(product=menu.margherita)
    assert added.vat_rate == D("10.00")
    assert order_vat_breakdown(before).ttc == before.total == D("16.50")


def test_no_rate_in_force_refuses_the_order_in_french(shop, menu):
    VatRate.objects.filter(category="alcohol").delete()
    with pytest.raises(ValidationError) as refused:
        place(shop, [(menu.beer, 1)])
    assert "Aucun taux de TVA en vigueur" in refused.value.messages[0] and "Boissons alcoolisées" in refused.value.messages[0]
    assert not Order.objects.exists()


def test_a_partial_refund_carries_its_share_of_each_rate(shop, menu):
    order = place(shop, basket(menu))
    share = amount_vat_breakdown(order, D("10.00"))
    assert share.by_rate[D("10.00")].ttc == D("7.17") and share.by_rate[D("20.00")].ttc == D("2.83")
    assert share.by_rate[D("20.00")].ht + share.by_rate[D("20.00")].tva == D("2.83")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_order_adds_up_per_rate_and_in_total(shop, menu, data):
    sizes = [None, menu.small.pk, menu.medium.pk, menu.large.pk]
    extras = [menu.extra_mozza.pk, menu.rum_extra.pk]
    lines = {}
    for _ in range(data.draw(st.integers(1, 5))):
        kind = data.draw(st.sampled_from(["reine", "beer", "cola", "halves"]))
        if kind == "reine":
            size = data.draw(st.sampled_from(sizes))
            offered = [e for e in extras if size in (None, menu.medium.pk, menu.large.pk)]
            choice = LineChoice(product_id=menu.reine.pk, size_id=size,
                                extra_ids=data.draw(st.lists(st.sampled_from(offered), unique=True)) if offered else [])
        elif kind == "halves":
            choice = LineChoice(product_id=menu.margherita.pk, size_id=data.draw(st.sampled_from(sizes[1:])),
                                half_id=menu.four_cheeses.pk)
        else:
            choice = LineChoice(product_id=getattr(menu, kind).pk)
        lines[choice.key] = (choice, data.draw(st.integers(1, 9)))
    order = place(shop, list(lines.values()))
    vat = order_vat_breakdown(order)
    for amount in vat.lines:
        assert amount.ht + amount.tva == amount.ttc
    assert vat.ttc == order.total and vat.ht + vat.tva == order.total
    by_rate = {}
    for line in order.lines.all():
        for rate, unit in line.vat_parts:
            by_rate[D(rate)] = by_rate.get(D(rate), D("0")) + D(unit) * line.quantity
    assert {rate: a.ttc for rate, a in vat.by_rate.items()} == by_rate
