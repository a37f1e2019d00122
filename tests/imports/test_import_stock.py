"""F-ADM-7 stock counts: written as inventory movements in the ledger, a manager counts only
their own shops; F-ADM-8: the history names the importing user."""
from decimal import Decimal

import pytest

from tests.support.import_helpers import csv_bytes, import_file, page_errors, snapshot, upload

HEADERS = ["pizzeria", "ingredient", "quantite_comptee"]


@pytest.mark.django_db
def test_manager_counts_own_shop_through_the_ledger_with_history_naming_them(demo_users, client_for):
    from pizzeria.models import Stock, StockMovement

    manager = demo_users["manager"]  # Bastille and Montmartre
    client = client_for(manager)
    stock = Stock.objects.get(pizzeria__slug="bastille", ingredient__name="Mozzarella")
    books = stock.quantity
    rows = [HEADERS, ["bastille", "Mozzarella", "1 234,5"], ["OC Pizza Montmartre", "Roquette", "0"]]

    import_file(client, "inventaire", csv_bytes(rows))

    stock.refresh_from_db()
    assert stock.quantity == Decimal("1234.5")
    movement = StockMovement.objects.filter(stock=stock).first()
    assert (movement.reason, movement.delta, movement.quantity_after, movement.user) == (
        "inventory", Decimal("1234.5") - books, Decimal("1234.5"), manager,
    )
    # the ledger still explains the quantity
    assert sum(m.delta for m in StockMovement.objects.filter(stock=stock)) == stock.quantity
    assert stock.history.first().history_user == manager  # HistoryRequestMiddleware on the admin request
    assert Stock.objects.get(pizzeria__slug="montmartre", ingredient__name="Roquette").quantity == 0


@pytest.mark.django_db
def test_manager_import_into_another_shop_is_refused_and_writes_nothing(demo_users, client_for):
    client = client_for(demo_users["manager_boulogne"])
    before = snapshot()
    rows = [HEADERS, ["boulogne", "Mozzarella", "100"], ["bastille", "Mozzarella", "1"], ["boulogne", "Ail", "50"]]
    preview = upload(client, "inventaire", csv_bytes(rows))
    assert page_errors(preview) == {
        3: ["Vous ne pouvez pas importer le stock de « OC Pizza Bastille » : ce n'est pas une de vos pizzerias."]
    }
    assert preview.context.get("confirm_form") is None
    assert snapshot() == before


@pytest.mark.django_db
def test_a_count_equal_to_the_books_writes_no_movement_and_duplicates_by_name_are_caught(demo_users, client_for):
    from pizzeria.models import Stock

    client = client_for(demo_users["head_office"])
    stock = Stock.objects.get(pizzeria__slug="vincennes", ingredient__name="Ail")
    same = format(stock.quantity.normalize(), "f").replace(".", ",")
    before = snapshot()
    preview, _done = import_file(client, "inventaire", csv_bytes([HEADERS, ["vincennes", "ail", same]]))
    assert [r.import_type for r in preview.context["result"].rows] == ["skip"]
    assert snapshot() == before

    preview = upload(client, "inventaire", csv_bytes([HEADERS, ["vincennes", "Ail", "1"], ["OC Pizza Vincennes", "AIL", "2"]]))
    assert page_errors(preview) == {3: ["Doublon de la ligne 2."]}


@pytest.mark.django_db
def test_pizzaiolo_and_driver_have_no_stock_import(demo_users, client_for):
    for role in ("pizzaiolo", "driver"):
        assert client_for(demo_users[role]).get("/admin/pizzeria/stock/import/").status_code == 403


@pytest.mark.django_db
def test_menu_import_history_names_the_head_office_user(demo_users, client_for):
    from product.models import Product, RecipeLine

    head_office = demo_users["head_office"]
    client = client_for(head_office)
    import_file(client, "produits", csv_bytes([["identifiant", "nom", "prix"], ["reine", "Reine", "12"], ["focaccia", "Focaccia", "6,5"]]))
    reine = Product.objects.get(slug="reine")
    latest = reine.history.first()
    assert (latest.history_user, latest.price) == (head_office, Decimal("12.00"))
    assert Product.objects.get(slug="focaccia").history.get().history_user == head_office

    import_file(client, "recettes", csv_bytes([["produit", "ingredient", "quantite"], ["focaccia", "Huile d'olive", "15"]]))
    line = RecipeLine.objects.get(product__slug="focaccia")
    assert line.history.get().history_user == head_office  # bulk-created lines get their history too


@pytest.mark.django_db
def test_manager_exports_only_the_stock_of_own_shops(demo_users, client_for):
    client = client_for(demo_users["manager_boulogne"])
    response = client.post("/admin/pizzeria/stock/export/", {"resource": "0", "format": "0"})
    assert response.status_code == 200
    shops = {line.split(";")[0] for line in response.content.decode("utf-8-sig").splitlines()[1:]}
    assert shops == {"boulogne"}
