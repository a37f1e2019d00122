"""Issue 16 acceptance: lines with sizes, extras, removals and halves take exactly what
product.line_recipe computes, priced by the server; the numbers below are worked out by hand
from tests.factories.scenes.options_menu (see its docstring)."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from order.models import Order, OrderLine
from order.services import accept_order, place_order
from pizzeria.models import Stock, StockMovement
from product.line_recipe import LineChoice, line_recipe
from product.selectors import menu_for
from tests.factories.menu import ExtraFactory, IngredientFactory
from tests.factories.people import UserFactory
from tests.factories.scenes import crew, options_menu, stock_up
from tests.factories.shops import PizzeriaFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def menu():
    return options_menu()


@pytest.fixture
def shop(menu):
    shop = PizzeriaFactory(slug="bastille")
    stock_up(shop, {
        menu.dough: "100", menu.tomato: "10000", menu.mozza: "10000", menu.ham: "5000", menu.mushrooms: "5000",
        menu.cream: "5000", menu.gorgonzola: "5000",
    })
    return shop


def the_order_lines(menu):
    """2 × large Reine with extra mozzarella, without mushrooms; 1 medium half Margherita / half
    Quatre fromages."""
    reine = LineChoice(product_id=menu.reine.pk, size_id=menu.large.pk, extra_ids=[menu.extra_mozza.pk],
                       removed_ids=[menu.mushrooms.pk])
    halves = LineChoice(product_id=menu.margherita.pk, size_id=menu.medium.pk, half_id=menu.four_cheeses.pk)
    return [(reine, 2), (halves, 1)]


def place(shop, menu, lines=None, **kwargs):
    customer = UserFactory()
    return place_order(pizzeria=shop, customer=customer, lines=lines or the_order_lines(menu), fulfilment="pickup",
                       payment_method="on_delivery", by=customer, **kwargs)


def stock_of(shop, ingredient):
    return Stock.objects.get(pizzeria=shop, ingredient=ingredient).quantity


def test_the_function_worked_by_hand(menu):
    plan = menu_for([menu.reine.pk, menu.margherita.pk, menu.four_cheeses.pk])
    (reine, _), (halves, _) = the_order_lines(menu)
    large_reine = line_recipe(reine, plan)
    # Reine ×1.5: dough 1.5, tomato 120, mozzarella 150 + extra 40 × 1.5 = 210, ham 90, no mushrooms.
    assert large_reine.needs == {menu.dough.pk: D("1.5"), menu.tomato.pk: D("120"), menu.mozza.pk: D("210"), menu.ham.pk: D("90")}
    assert large_reine.unit_price == D("16.50")  # 14.50 + 2.00
    assert large_reine.options_label == "Grande 40 cm — + Mozzarella — sans champignons"
    assert large_reine.allergens == ("gluten", "lait") and large_reine.undocumented == ("Jambon",)
    assert "non renseignés pour : Jambon" in large_reine.allergen_text
    half = line_recipe(halves, plan)
    # Each half: half of its recipe at ×1.
    assert half.needs == {menu.dough.pk: D("1"), menu.tomato.pk: D("40"), menu.mozza.pk: D("100"),
                          menu.cream.pk: D("30"), menu.gorgonzola.pk: D("20")}
    assert half.unit_price == D("13.00")  # the dearer half (HALF_AND_HALF_PRICE = "dearer")
    assert half.product_name == "Margherita / Quatre fromages"
    assert half.options_label == "Moyenne 33 cm — ½ Margherita | ½ Quatre fromages"
    # Without options, the reference size: the key names no size.
    plain = line_recipe(LineChoice(product_id=menu.reine.pk), plan)
    assert plain.key == str(menu.reine.pk) and plain.size_id == menu.medium.pk and plain.unit_price == D("11.50")
    assert LineChoice.from_key(large_reine.key) == large_reine.choice


def test_average_half_price_rule_rounds_up_to_the_cent(menu, settings):
    settings.HALF_AND_HALF_PRICE = "average"
    plan = menu_for([menu.margherita.pk, menu.four_cheeses.pk])
    small = line_recipe(LineChoice(product_id=menu.margherita.pk, size_id=menu.small.pk, half_id=menu.four_cheeses.pk), plan)
    assert small.unit_price == D("8.50")  # (7.00 + 10.00) / 2
    # 0.75 × (80 / 2) = 30 tomato; 0.75 × (120 + 80) / 2 = 75 mozzarella.
    assert small.needs[menu.tomato.pk] == D("30") and small.needs[menu.mozza.pk] == D("75")


def test_accepting_takes_exactly_the_hand_computed_quantities_one_ledger_row_each(shop, menu):
    order = place(shop, menu)
    assert order.total == D("46.00")  # 2 × 16.50 + 13.00
    cook = crew(shop, "pizzaiolo")["pizzaiolo"]
    before = {i: stock_of(shop, i) for i in (menu.dough, menu.tomato, menu.mozza, menu.ham, menu.mushrooms, menu.cream, menu.gorgonzola)}

    accept_order(order, by=cook)

    taken = {i.name: before[i] - stock_of(shop, i) for i in before}
    assert taken == {
        "Pâte à pizza": D("4"),  # 2 × 1.5 + 1
        "Sauce tomate": D("280"),  # 2 × 120 + 40
        "Mozzarella": D("520"),  # 2 × 210 + 100
        "Jambon": D("180"),  # 2 × 90
        "Champignons": D("0"),  # removed
        "Crème fraîche": D("30"),
        "Gorgonzola": D("20"),
    }
    movements = StockMovement.objects.filter(order=order)
    assert movements.count() == 6  # one ledger row per ingredient taken
    assert {m.stock.ingredient.name: -m.delta for m in movements.select_related("stock__ingredient")} == {
        k: v for k, v in taken.items() if v
    }
    assert all(m.reason == StockMovement.Reason.ORDER for m in movements)


def test_order_lines_keep_their_choices_after_the_menu_changes(shop, menu):
    order = place(shop, menu)
    reine = order.lines.get(product=menu.reine)
    assert reine.size == menu.large and list(reine.extras.all()) == [menu.extra_mozza]
    assert reine.options_label == "Grande 40 cm — + Mozzarella — sans champignons"
    assert reine.choices["removals"] == [{"id": menu.mushrooms.pk, "name": "Champignons"}]
    assert "Lait" in reine.allergens and "Jambon" in reine.allergens
    half = order.lines.get(product=menu.margherita)
    assert half.second_half == menu.four_cheeses and half.product_name == "Margherita / Quatre fromages"
    # The menu changes after the order is placed: the order takes what it was priced with.
    menu.reine.recipe_lines.filter(ingredient=menu.ham).update(quantity=D("999"))
    menu.large.factor = D("2")
    menu.large.save()
    accept_order(order, by=crew(shop, "pizzaiolo")["pizzaiolo"])
    assert -StockMovement.objects.get(order=order, stock__ingredient=menu.ham).delta == D("180")


def test_server_refuses_choices_the_menu_does_not_offer(shop, menu):
    cases = {
        "sans pâte": LineChoice(product_id=menu.reine.pk, removed_ids=[menu.dough.pk]),
        "no halves": LineChoice(product_id=menu.reine.pk, half_id=menu.margherita.pk),
        "drink size": LineChoice(product_id=menu.cola.pk, size_id=menu.large.pk),
        "both": LineChoice(product_id=menu.reine.pk, extra_ids=[menu.extra_mozza.pk], removed_ids=[menu.mozza.pk]),
    }
    messages = {}
    for name, choice in cases.items():
        with pytest.raises(ValidationError) as refused:
            place(shop, menu, lines=[(choice, 1)])
        messages[name] = " ".join(refused.value.messages)
    assert "Pâte à pizza ne peut pas être retiré de Reine." in messages["sans pâte"]
    assert "Reine ne se vend pas en moitié-moitié." in messages["no halves"]
    assert "Coca-Cola ne se décline pas en tailles." in messages["drink size"]
    assert "ne peut pas être à la fois retiré et ajouté" in messages["both"]
    assert not Order.objects.exists()


def test_a_size_the_stock_cannot_make_is_refused_while_a_smaller_one_is_taken(menu):
    shop = PizzeriaFactory(slug="montmartre")
    # Mozzarella for a small margherita (90 g) but not a medium one (120 g).
    stock_up(shop, {menu.dough: "10", menu.tomato: "1000", menu.mozza: "100"})
    with pytest.raises(ValidationError) as refused:
        place(shop, menu, lines=[(LineChoice(product_id=menu.margherita.pk, size_id=menu.medium.pk), 1)])
    assert "Margherita (Moyenne 33 cm) est épuisée dans cette pizzeria : il manque Mozzarella." in refused.value.messages[0]
    order = place(shop, menu, lines=[(LineChoice(product_id=menu.margherita.pk, size_id=menu.small.pk), 1)])
    assert order.total == D("7.00")
    # No extra mozzarella left on top of it (90 + 30 > 100).
    with pytest.raises(ValidationError):
        place(shop, menu, lines=[(LineChoice(product_id=menu.margherita.pk, size_id=menu.small.pk,
                                             extra_ids=[menu.extra_mozza.pk]), 1)])


def test_accept_order_query_count_does_not_grow_with_options(shop, menu):
    cook = crew(shop, "pizzaiolo")["pizzaiolo"]
    warm, plain = (place(shop, menu, lines=[(menu.reine, 1)]) for _ in range(2))
    accept_order(warm, by=cook)  # the role checks' per-user caches
    extras = [ExtraFactory(ingredient=IngredientFactory(allergens_known=True), prices={menu.large: "1.00"}) for _ in range(6)]
    for extra in extras:
        stock_up(shop, {extra.ingredient: "1000"})
    rich = place(shop, menu, lines=the_order_lines(menu) + [
        (LineChoice(product_id=menu.reine.pk, size_id=menu.large.pk, extra_ids=[e.pk for e in extras], removed_ids=[menu.ham.pk]), 3),
        (LineChoice(product_id=menu.four_cheeses.pk, size_id=menu.small.pk, half_id=menu.margherita.pk), 2),
    ])
    with CaptureQueriesContext(connection) as few:
        accept_order(plain, by=cook)
    with CaptureQueriesContext(connection) as many:
        accept_order(rich, by=cook)
    assert len(many) == len(few)
    assert StockMovement.objects.filter(order=rich).count() == 7 + 6


def test_same_product_in_two_sizes_makes_two_lines_and_same_choice_merges(shop, menu):
    order = place(shop, menu, lines=[
        (menu.reine, 1), (LineChoice(product_id=menu.reine.pk, size_id=menu.medium.pk), 2),
        (LineChoice(product_id=menu.reine.pk, size_id=menu.small.pk), 1),
    ])
    lines = {line.options_key: line.quantity for line in OrderLine.objects.filter(order=order)}
    assert lines == {str(menu.reine.pk): 3, f"{menu.reine.pk}.s{menu.small.pk}": 1}
    assert order.total == D("43.00")  # 3 × 11.50 + 8.50


def test_phone_order_with_options_is_priced_by_the_server_and_refused_with_a_french_error(shop, menu, client_for):
    from django.urls import reverse

    cook = crew(shop, "pizzaiolo")["pizzaiolo"]
    client = client_for(cook)
    url = reverse("admin:order_order_phone_order")
    assert 'name="extras_0"' in client.get(url).content.decode()
    data = {
        "pizzeria": shop.pk, "channel": "phone", "fulfilment": "pickup", "contact_name": "Paul Durand",
        "contact_phone": "0611223344", "product_0": menu.reine.pk, "quantity_0": 2, "size_0": menu.large.pk,
        "extras_0": [menu.extra_mozza.pk], "remove_0": [menu.mushrooms.pk],
        "product_1": menu.margherita.pk, "quantity_1": 1, "size_1": menu.medium.pk, "half_1": menu.four_cheeses.pk,
    }
    client.post(url, data)
    order = Order.objects.get(customer_name="Paul Durand")
    assert order.total == D("46.00")
    assert order.lines.get(product=menu.reine).options_label == "Grande 40 cm — + Mozzarella — sans champignons"
    # Cream can be left out of a Quatre fromages, not out of a Reine that has none.
    response = client.post(url, {**data, "contact_name": "Refusé", "remove_0": [menu.cream.pk]})
    assert "Crème fraîche ne peut pas être retiré de Reine." in response.content.decode()
    assert not Order.objects.filter(customer_name="Refusé").exists()
