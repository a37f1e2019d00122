"""Dashboard stock and service figures: group matrix, makeable pizzas, ledger, waiting orders (F-ADM-1, F-ADM-3)."""
import re
from decimal import Decimal

import pytest

from dashboard import selectors
from pizzeria.models import StockMovement
from pizzeria.services import adjust_stock
from product.models import Ingredient, Product


def test_group_matrix_flags_low_stock(shops):
    pizzerias = [shops["bastille"], shops["montmartre"], shops["vincennes"]]
    rows = {row.ingredient: row for row in selectors.stock_matrix(pizzerias=pizzerias)}
    assert len(rows) == Ingredient.objects.count()
    mozzarella = rows["Mozzarella"]
    assert (mozzarella.unit, mozzarella.threshold) == ("g", Decimal("2000"))
    bastille, montmartre, _vincennes = mozzarella.cells
    assert montmartre.quantity == Decimal("50") and montmartre.is_low  # short on purpose in the demo
    assert not bastille.is_low
    reblochon = rows["Reblochon"].cells
    assert reblochon[2].quantity == Decimal("0") and reblochon[2].is_low


def test_makeable_pizzas_with_limiting_ingredient(shops):
    rows = dict(selectors.makeable_products(pizzerias=[shops["bastille"], shops["montmartre"]]))
    bastille, montmartre = rows["Margherita"]
    assert montmartre.makeable == 0 and montmartre.limiting_ingredient == "Mozzarella"
    assert bastille.makeable > 0


def test_latest_movements_stay_in_scope(shops, demo_users, client_for):
    mozzarella = Ingredient.objects.get(name="Mozzarella")
    adjust_stock(pizzeria=shops["bastille"], ingredient=mozzarella, delta=Decimal("5000"),
                 reason=StockMovement.Reason.DELIVERY, note="Livraison test")
    adjust_stock(pizzeria=shops["boulogne"], ingredient=mozzarella, delta=Decimal("-7"),
                 reason=StockMovement.Reason.LOSS, note="Casse test")
    movements = selectors.latest_movements(pizzerias=[shops["bastille"], shops["montmartre"]])
    assert movements[0].delta == Decimal("5000") and movements[0].stock.pizzeria == shops["bastille"]
    assert all(m.stock.pizzeria_id in (shops["bastille"].pk, shops["montmartre"].pk) for m in movements)

    html = client_for(demo_users["manager"]).get("/admin/").content.decode()
    assert "Livraison de marchandise" in html
    assert re.search(r"<td[^>]*>\s*5\s?000\s*</td>", html)  # grouped French style (narrow no-break space)
    assert "Perte / casse" not in html
    html = client_for(demo_users["head_office"]).get("/admin/").content.decode()
    assert "Perte / casse" in html


def test_waiting_orders_per_shop_and_status(shops):
    waiting = selectors.waiting_orders(pizzerias=[shops["bastille"], shops["montmartre"], shops["boulogne"]])
    assert waiting[shops["bastille"].pk] == {
        "awaiting_confirmation": 0, "to_prepare": 1, "in_preparation": 1, "ready": 1, "out_for_delivery": 1,
    }
    assert sum(waiting[shops["montmartre"].pk].values()) == 1
    assert sum(waiting[shops["boulogne"].pk].values()) == 0


def test_stock_page_columns_follow_the_scope(shops, demo_users, client_for):
    response = client_for(demo_users["manager"]).get("/admin/tableau-de-bord/export/stock.csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == "ingrédient;unité;seuil bas;OC Pizza Bastille;OC Pizza Montmartre"
    html = client_for(demo_users["manager"]).get("/admin/").content.decode()
    assert html.count("Stock bas") >= 1  # Montmartre's mozzarella is flagged
    response = client_for(demo_users["head_office"]).get("/admin/tableau-de-bord/export/stock.csv")
    # Every open shop; those not open yet hold no stock and would only be flagged empty.
    open_shops = [p.name for p in shops.values() if p.status == "open"]
    assert response.content.decode("utf-8-sig").splitlines()[0] == ";".join(["ingrédient", "unité", "seuil bas"] + sorted(open_shops))
