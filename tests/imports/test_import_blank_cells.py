"""Issue 13, imports: an empty cell, a row one cell short or a number too large for its column is
an error on its own line, in French, listed with every other bad line; an empty optional cell
takes the default docs/imports.md gives; nothing is written. Run on SQLite and on MariaDB (whose
"(1048, Column 'quantity' cannot be null)" was the symptom)."""
from decimal import Decimal

import pytest

from tests.support.import_helpers import csv_bytes, import_file, page_errors, snapshot, upload


def _preview_errors(client, kind, rows):
    before = snapshot()
    preview = upload(client, kind, csv_bytes(rows))
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    errors = page_errors(preview)
    assert "file" not in errors, errors  # no file-level (database) error hiding the lines
    assert snapshot() == before
    return errors


def _confirmed_errors(kind, rows, user):
    """The confirmation step's call (dry_run=False): every bad line too, and nothing written."""
    from pizzeria.resources import StockCountResource
    from product.spreadsheet_formats import FrenchCSV
    from product.resources import IngredientResource, ProductResource, RecipeLineResource, UnitResource

    resource = {"unites": UnitResource, "ingredients": IngredientResource, "produits": ProductResource,
                "recettes": RecipeLineResource, "inventaire": StockCountResource}[kind]()
    before = snapshot()
    result = resource.import_data(FrenchCSV().create_dataset(csv_bytes(rows)), dry_run=False, user=user, file_name="t.csv")
    assert not result.base_errors, [str(e.error) for e in result.base_errors]
    assert snapshot() == before
    return result.error_lines()


RECIPES = [
    ["produit", "ingredient", "quantite"],
    ["reine", "Roquette", "15"],  # 2: good
    ["reine", "Ail", ""],  # 3: empty quantity
    ["reine", "Basilic frais"],  # 4: one cell short
    ["pizza-fantome", "Mozzarella", "10"],  # 5: unknown product
    ["reine", "Origan", "1e30"],  # 6: far too large
    ["reine", "Olives noires", "12345678,5"],  # 7: more digits than quantity (10, 3) holds
]


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_recipe_blank_short_and_huge_cells_are_each_on_their_line(demo_users, client_for, step):
    if step == "preview":
        errors = _preview_errors(client_for(demo_users["head_office"]), "recettes", RECIPES)
    else:
        errors = _confirmed_errors("recettes", RECIPES, demo_users["head_office"])
    assert sorted(errors) == [3, 4, 5, 6, 7], errors
    assert errors[3] == ["Cette cellule est obligatoire."]
    assert errors[4] == ["Cette cellule est obligatoire."]
    assert "Produit inconnu" in errors[5][0]
    assert "trop grand" in errors[6][0]
    assert "trop grand" in errors[7][0]


@pytest.mark.django_db
def test_stock_count_blank_and_short_rows_are_line_errors(demo_users, client_for):
    rows = [
        ["pizzeria", "ingredient", "quantite_comptee"],
        ["bastille", "Mozzarella", ""],
        ["bastille", "Roquette"],
        ["bastille", "Ail", "1000000000"],  # quantity (12, 3) holds at most 999 999 999,999
        ["bastille", "Origan", "12"],
    ]
    errors = _preview_errors(client_for(demo_users["head_office"]), "inventaire", rows)
    assert sorted(errors) == [2, 3, 4], errors
    assert "obligatoire" in errors[2][0] or "Indiquez la quantité" in errors[2][0]
    assert "trop grand" in errors[4][0]
    assert sorted(_confirmed_errors("inventaire", rows, demo_users["head_office"])) == [2, 3, 4]


@pytest.mark.django_db
def test_empty_optional_threshold_takes_its_documented_default(demo_users, client_for):
    """docs/imports.md: seuil_stock_bas empty -> 0 on creation, unchanged on an existing ingredient."""
    from product.models import Ingredient

    client = client_for(demo_users["head_office"])
    mozzarella = Ingredient.objects.get(name="Mozzarella")
    threshold = mozzarella.low_stock_threshold
    assert threshold != 0
    rows = [["nom", "unite", "seuil_stock_bas"], ["Stracciatella", "g", ""], ["Mozzarella", "g", ""], ["Burrata", "g"]]
    import_file(client, "ingredients", csv_bytes(rows))
    assert Ingredient.objects.get(name="Stracciatella").low_stock_threshold == Decimal("0")
    assert Ingredient.objects.get(name="Burrata").low_stock_threshold == Decimal("0")
    assert Ingredient.objects.get(name="Mozzarella").low_stock_threshold == threshold


@pytest.mark.django_db
def test_empty_optional_threshold_among_bad_lines_hides_none_of_them(demo_users, client_for):
    rows = [
        ["nom", "unite", "seuil_stock_bas"],
        ["Stracciatella", "g", ""],  # 2: fine (default 0)
        ["Burrata", "kg", "1"],  # 3: unknown unit
        ["Ricotta", "g", "1e30"],  # 4: too large
        ["", "g", "1"],  # 5: no name
        ["Scamorza"],  # 6: short: no unit
    ]
    errors = _preview_errors(client_for(demo_users["head_office"]), "ingredients", rows)
    assert sorted(errors) == [3, 4, 5, 6], errors
    assert "Unité inconnue" in errors[3][0]
    assert "trop grand" in errors[4][0]
    assert errors[5] == ["Cette cellule est obligatoire."]
    assert errors[6] == ["Cette cellule est obligatoire."]


@pytest.mark.django_db
def test_product_blank_cells_defaults_and_errors(demo_users, client_for):
    from product.models import Product

    client = client_for(demo_users["head_office"])
    head = ["identifiant", "nom", "categorie", "description", "prix", "prix_remise", "a_la_carte"]
    bad = [head, ["focaccia", "Focaccia", "", "", "", "", ""], ["calzone", "Calzone", "", "", "123456", "", ""], ["panini"]]
    errors = _preview_errors(client, "produits", bad)
    assert sorted(errors) == [2, 3, 4], errors
    assert "obligatoire" in " ".join(errors[2])
    assert "trop grand" in errors[3][0]

    reine = Product.objects.get(slug="reine")
    Product.objects.filter(pk=reine.pk).update(discount_price=Decimal("1.00"))
    import_file(client, "produits", csv_bytes([head, ["focaccia", "Focaccia", "", "", "6", "", ""],
                                               ["reine", reine.name, "", "", str(reine.price), "", ""]]))
    focaccia = Product.objects.get(slug="focaccia")
    assert (focaccia.category, focaccia.is_active, focaccia.discount_price) == ("pizza", True, None)
    reine.refresh_from_db()
    assert reine.discount_price is None  # an empty discount removes it (documented)


@pytest.mark.django_db
def test_unit_row_one_cell_short(demo_users, client_for):
    errors = _preview_errors(client_for(demo_users["head_office"]), "unites", [["symbole", "nom"], ["kg", "kilogramme"], ["l"]])
    assert errors == {3: ["Cette cellule est obligatoire."]}


def test_every_number_column_is_bounded_like_its_database_column():
    """A widget that allowed more digits than the column holds would let the database refuse
    the line (DataError, no line number) instead of the import."""
    from pizzeria.resources import StockCountResource
    from product.spreadsheet_widgets import FrenchDecimalWidget
    from product.resources import IngredientResource, ProductResource, RecipeLineResource, UnitResource

    checked = 0
    for resource_class in (UnitResource, IngredientResource, ProductResource, RecipeLineResource, StockCountResource):
        resource = resource_class()
        model = resource._meta.model
        for field in resource.get_import_fields():
            if isinstance(field.widget, FrenchDecimalWidget):
                column = model._meta.get_field(field.attribute)
                assert (field.widget.max_digits, field.widget.decimal_places) == (column.max_digits, column.decimal_places)
                checked += 1
    assert checked == 5
