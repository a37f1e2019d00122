"""Issue 16: sizes, prices per size, extras and their prices, ingredient allergens by spreadsheet:
the templates import, an export imports back unchanged (lossless), and a bad line is a French
error numbered by spreadsheet line while nothing of the file is written."""
from decimal import Decimal

import pytest
from django.conf import settings

from product.models import Extra, ExtraPrice, Ingredient, ProductSize, Size
from tests.support.import_helpers import ADMIN_URLS, FORMAT_INDEX, csv_bytes, import_file, page_errors, upload

pytestmark = pytest.mark.django_db

TEMPLATES = settings.REPO_DIR / "fixtures" / "templates"
OPTION_KINDS = ["tailles", "prix_par_taille", "supplements", "prix_supplements"]


def menu_snapshot():
    return {
        "sizes": sorted(Size.objects.values_list("code", "name", "factor", "position", "updated_at")),
        "product_sizes": sorted(ProductSize.objects.values_list("product__slug", "size__code", "price", "updated_at")),
        "extras": sorted(Extra.objects.values_list("name", "ingredient__name", "quantity", "is_active", "updated_at")),
        "extra_prices": sorted(ExtraPrice.objects.values_list("extra__name", "size__code", "price", "updated_at")),
        "allergens": sorted((i.name, tuple(i.allergens), i.allergens_known, i.updated_at) for i in Ingredient.objects.all()),
        "history": sum(m.history.count() for m in (Size, ProductSize, Extra, ExtraPrice, Ingredient)),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_option_templates_import_after_the_menu_templates(demo_users, client_for, fmt):
    client = client_for(demo_users["head_office"])
    for kind in ["unites", "ingredients", "produits", "recettes", *OPTION_KINDS]:
        import_file(client, kind, (TEMPLATES / f"{kind}.{fmt}").read_bytes(), fmt=fmt)
    assert Size.objects.get(code="familiale").factor == Decimal("2")
    assert ProductSize.objects.get(product__slug="burrata-pesto", size__code="mini").price == Decimal("9.50")
    burrata = Extra.objects.get(name="Burrata")
    assert (burrata.ingredient.name, burrata.quantity) == ("Burrata", Decimal("50"))
    assert {p.size.code: p.price for p in burrata.prices.all()} == {"mini": Decimal("1.50"), "familiale": Decimal("3.50")}
    pesto = Ingredient.objects.get(name="Pesto au basilic")
    assert pesto.allergens == ["lait", "fruits_a_coque"] and pesto.allergens_known


def export(client, kind, fmt):
    response = client.post(ADMIN_URLS[kind] + "export/", {"resource": "0", "format": FORMAT_INDEX[fmt]})
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", [*OPTION_KINDS, "ingredients", "produits", "recettes"])
def test_export_then_import_of_the_options_changes_nothing(demo_users, client_for, kind, fmt):
    client = client_for(demo_users["head_office"])
    content = export(client, kind, fmt)
    before = menu_snapshot()
    preview, _done = import_file(client, kind, content, fmt=fmt)
    result = preview.context["result"]
    assert result.total_rows > 0
    assert {row.import_type for row in result.rows} == {"skip"}
    assert menu_snapshot() == before


def test_allergens_export_as_names_and_undocumented_stays_undocumented(demo_users, client_for):
    text = export(client_for(demo_users["head_office"]), "ingredients", "csv").decode("utf-8-sig")
    assert text.splitlines()[0] == "nom;unite;seuil_stock_bas;allergenes;allergenes_renseignes"
    assert "Mozzarella;g;2000;Lait;oui" in text
    assert "Sauce tomate;g;2000;;oui" in text  # none of the 14, checked
    assert "Chorizo;g;500;;non" in text  # nobody checked: not "none"


def test_bad_option_lines_are_numbered_french_errors_and_write_nothing(demo_users, client_for):
    client = client_for(demo_users["head_office"])
    before = menu_snapshot()
    cases = {
        "tailles": [["code", "nom", "coefficient", "ordre"], ["mini", "Mini", "0,5", "0"], ["geante", "Géante", "0", "5"]],
        "prix_par_taille": [["produit", "taille", "prix"], ["margherita", "petite", "7"], ["margherita", "xxl", "20"],
                            ["pizza-inconnue", "grande", "12"]],
        "supplements": [["nom", "ingredient", "quantite", "propose"], ["Truffe", "Truffe noire", "5", "oui"]],
        "prix_supplements": [["supplement", "taille", "prix"], ["Mozzarella", "petite", "-1"]],
        "ingredients": [["nom", "unite", "seuil_stock_bas", "allergenes", "allergenes_renseignes"],
                        ["Mozzarella", "g", "2000", "Lait, Moules", "oui"], ["Basilic frais", "g", "50", "Lait", "non"]],
    }
    errors = {}
    for kind, rows in cases.items():
        preview = upload(client, kind, csv_bytes(rows))
        assert preview.context.get("confirm_form") is None
        errors[kind] = page_errors(preview)
    assert errors["tailles"] == {3: ["La quantité doit être supérieure à zéro (0)."]}
    assert errors["prix_par_taille"] == {
        3: ["Taille inconnue : « xxl » (indiquez son code, par ex. grande)."],
        4: ["Produit inconnu : « pizza-inconnue » (indiquez son identifiant)."],
    }
    assert errors["supplements"] == {2: ["Ingrédient inconnu : « Truffe noire »."]}
    assert errors["prix_supplements"] == {2: ["Une valeur négative n'est pas acceptée (-1)."]}
    assert errors["ingredients"][2] == [
        "Allergène inconnu : « Moules » (les 14 de la réglementation européenne, par ex. « Lait », « Céréales contenant du gluten »)."
    ]
    assert errors["ingredients"][3] == ["Des allergènes sont indiqués : écrivez « oui » dans allergenes_renseignes."]
    assert menu_snapshot() == before
