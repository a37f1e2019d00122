"""Dashboard stock and service figures: group matrix, makeable pizzas, ledger, waiting orders (F-ADM-1, F-ADM-3)."""
import re
from decimal import Decimal

import pytest

from dashboard.selectors.stock import latest_movements, makeable_products, stock_matrix
from dashboard.selectors.waiting import waiting_orders
from order.services import run_transition
from pizzeria.models import Pizzeria, Stock, StockMovement
from pizzeria.services import adjust_stock
from product.models import Ingredient, Product
from tests.factories import IngredientFactory, OrderFactory, PizzeriaFactory, StockFactory
from tests.support.chain_fixtures import people  # noqa: F401 (fixtures: the factory-built chain)


@pytest.fixture
def shops(chain):
    """The factory-built chain (conftest `chain`; Montmartre short of mozzarella), Vincennes open
    with no reblochon at all, Levallois opening soon; orders waiting at every kitchen and
    delivery status in Bastille, one in Montmartre, none in Boulogne."""
    found = dict(chain.shops)
    found["vincennes"] = PizzeriaFactory(name="OC Pizza Vincennes", slug="vincennes")
    found["levallois"] = PizzeriaFactory(name="OC Pizza Levallois", slug="levallois", status=Pizzeria.Status.OPENING_SOON)
    reblochon = IngredientFactory(name="Reblochon", low_stock_threshold=Decimal("300"))
    StockFactory(pizzeria=found["vincennes"], ingredient=reblochon, quantity="0")
    StockFactory(pizzeria=found["bastille"], ingredient=reblochon, quantity="2000")
    people, menu = chain.people, chain.menu
    cook, driver = people["pizzaiolo"], people["driver"]
    steps = {"to_prepare": [], "in_preparation": ["accept"], "ready": ["accept", "finish"],
             "out_for_delivery": ["accept", "finish", "take"], "delivered": ["accept", "finish", "take", "deliver"]}
    for status, path in steps.items():
        order = OrderFactory(pizzeria=found["bastille"], customer=people["customer"], fulfilment="delivery",
                             lines=[(menu.marinara, 1)])
        for action in path:
            run_transition(order, action, by=driver if action in ("take", "deliver") else cook,
                           collected=order.total, method="cash")
        order.refresh_from_db()
        assert order.status == status
    OrderFactory(pizzeria=found["montmartre"], customer=people["customer"], lines=[(menu.marinara, 1)])
    return found


def test_group_matrix_flags_low_stock(shops):
    pizzerias = [shops["bastille"], shops["montmartre"], shops["vincennes"]]
    rows = {row.ingredient: row for row in stock_matrix(pizzerias=pizzerias)}
    assert len(rows) == Ingredient.objects.count()
    mozzarella = rows["Mozzarella"]
    mozza = Ingredient.objects.get(name="Mozzarella")
    assert (mozzarella.unit, mozzarella.threshold) == (mozza.unit.symbol, mozza.low_stock_threshold)
    bastille, montmartre, _vincennes = mozzarella.cells
    short = Stock.objects.get(pizzeria=shops["montmartre"], ingredient=mozza).quantity
    assert short < mozza.low_stock_threshold
    assert montmartre.quantity == short and montmartre.is_low  # short on purpose in the chain
    assert not bastille.is_low
    reblochon = rows["Reblochon"].cells
    assert reblochon[2].quantity == Decimal("0") and reblochon[2].is_low


def test_makeable_pizzas_with_limiting_ingredient(shops):
    rows = dict(makeable_products(pizzerias=[shops["bastille"], shops["montmartre"]]))
    bastille, montmartre = rows["Margherita"]
    assert montmartre.makeable == 0 and montmartre.limiting_ingredient == "Mozzarella"
    assert bastille.makeable > 0


def test_latest_movements_stay_in_scope(shops, people, client_for):
    mozzarella = Ingredient.objects.get(name="Mozzarella")
    adjust_stock(pizzeria=shops["bastille"], ingredient=mozzarella, delta=Decimal("5000"),
                 reason=StockMovement.Reason.DELIVERY, note="Livraison test")
    adjust_stock(pizzeria=shops["boulogne"], ingredient=mozzarella, delta=Decimal("-7"),
                 reason=StockMovement.Reason.LOSS, note="Casse test")
    movements = latest_movements(pizzerias=[shops["bastille"], shops["montmartre"]])
    assert movements[0].delta == Decimal("5000") and movements[0].stock.pizzeria == shops["bastille"]
    assert all(m.stock.pizzeria_id in (shops["bastille"].pk, shops["montmartre"].pk) for m in movements)

    html = client_for(people["manager"]).get("/admin/").content.decode()
    assert "Livraison de marchandise" in html
    assert re.search(r"<td[^>]*>\s*5\s?000\s*</td>", html)  # grouped French style (narrow no-break space)
    assert "Perte / casse" not in html
    html = client_for(people["head_office"]).get("/admin/").content.decode()
    assert "Perte / casse" in html


def test_waiting_orders_per_shop_and_status(shops):
    waiting = waiting_orders(pizzerias=[shops["bastille"], shops["montmartre"], shops["boulogne"]])
    assert waiting[shops["bastille"].pk] == {
        "awaiting_confirmation": 0, "to_prepare": 1, "in_preparation": 1, "ready": 1, "out_for_delivery": 1,
    }
    assert sum(waiting[shops["montmartre"].pk].values()) == 1
    assert sum(waiting[shops["boulogne"].pk].values()) == 0


def test_stock_page_columns_follow_the_scope(shops, people, client_for):
    response = client_for(people["manager"]).get("/admin/tableau-de-bord/export/stock.csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == "ingrédient;unité;seuil bas;OC Pizza Bastille;OC Pizza Montmartre"
    html = client_for(people["manager"]).get("/admin/").content.decode()
    assert html.count("Stock bas") >= 1  # Montmartre's mozzarella is flagged
    response = client_for(people["head_office"]).get("/admin/tableau-de-bord/export/stock.csv")
    # Every open shop; those not open yet hold no stock and would only be flagged empty.
    open_shops = [p.name for p in shops.values() if p.status == "open"]
    assert response.content.decode("utf-8-sig").splitlines()[0] == ";".join(["ingrédient", "unité", "seuil bas"] + sorted(open_shops))
