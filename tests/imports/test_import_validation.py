"""F-ADM-7: every bad row is listed by spreadsheet line with a French reason, and nothing at all
is written unless the whole file is valid."""
import pytest

from tests.support.import_helpers import csv_bytes, page_errors, snapshot, text_of, upload, xlsx_bytes


def _recipe_rows(count):
    """`count` valid recipe lines on the demo menu, each (product, ingredient) pair once."""
    from product.models import Ingredient, Product

    products = list(Product.objects.order_by("slug").values_list("slug", flat=True))
    ingredients = list(Ingredient.objects.order_by("name").values_list("name", flat=True))
    rows = []
    for product in products:
        for ingredient in ingredients:
            rows.append([product, ingredient, "12,5"])
            if len(rows) == count:
                return rows
    raise AssertionError("not enough demo pairs")


@pytest.mark.django_db
def test_three_bad_rows_among_fifty_are_listed_exactly_and_nothing_changes(demo_users, client_for):
    client = client_for(demo_users["head_office"])
    rows = _recipe_rows(50)
    rows[9] = ["pizza-fantome", rows[9][1], "10"]  # line 11: unknown product
    rows[24] = [rows[24][0], rows[24][1], "-3"]  # line 26: negative quantity
    rows[41] = list(rows[40])  # line 43: same product and ingredient as line 42
    before = snapshot()

    preview = upload(client, "recettes", csv_bytes([["produit", "ingredient", "quantite"], *rows]))

    errors = page_errors(preview)
    assert sorted(errors) == [11, 26, 43]
    assert "Produit inconnu : « pizza-fantome »" in errors[11][0]
    assert "supérieure à zéro" in errors[26][0]
    assert errors[43] == ["Doublon de la ligne 42."]
    assert preview.context.get("confirm_form") is None  # no way to confirm a file with errors
    page = text_of(preview)
    assert "pizza-fantome" in page and "Doublon de la ligne 42." in page
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, rows, line, column, message",
    [
        ("ingredients", [["nom", "unite", "seuil_stock_bas"], ["Burrata", "kg", "10"]], 2, "unite", "Unité inconnue : « kg »"),
        ("ingredients", [["nom", "unite", "seuil_stock_bas"], ["Burrata", "g", "beaucoup"]], 2, "seuil_stock_bas", "« beaucoup » n'est pas un nombre."),
        ("ingredients", [["nom", "unite", "seuil_stock_bas"], ["Burrata", "g", "-1"]], 2, "seuil_stock_bas", "négative"),
        ("recettes", [["produit", "ingredient", "quantite"], ["margherita", "Caviar", "10"]], 2, "ingredient", "Ingrédient inconnu : « Caviar »."),
        ("recettes", [["produit", "ingredient", "quantite"], ["margherita", "Mozzarella", "dix"]], 2, "quantite", "« dix » n'est pas un nombre."),
        ("recettes", [["produit", "ingredient", "quantite"], ["margherita", "Mozzarella", "1,2345"]], 2, "quantite", "trop de décimales"),
        ("recettes", [["produit", "ingredient", "quantite"], ["margherita", "Mozzarella", "1e30"]], 2, "quantite", "trop grand"),
        ("produits", [["identifiant", "nom", "prix", "prix_remise"], ["reine", "Reine", "11,50", "12"]], 2, "prix_remise", "doit être inférieur au prix"),
        ("produits", [["identifiant", "nom", "prix"], ["pizza du chef", "Pizza du chef", "11"]], 2, "identifiant", "n'est pas un identifiant valide"),
        ("produits", [["identifiant", "nom", "prix"], ["nouvelle", "", "11"]], 2, "nom", "obligatoire"),
        ("produits", [["identifiant", "nom", "prix", "categorie"], ["nouvelle", "Nouvelle", "11", "Entrée"]], 2, "categorie", "inconnu"),
        ("inventaire", [["pizzeria", "ingredient", "quantite_comptee"], ["atlantis", "Mozzarella", "10"]], 2, "pizzeria", "Pizzeria inconnue"),
        ("inventaire", [["pizzeria", "ingredient", "quantite_comptee"], ["bastille", "Mozzarella", "-10"]], 2, "quantite_comptee", "négative"),
    ],
)
def test_each_kind_of_bad_cell_is_named_in_french_and_nothing_is_written(demo_users, client_for, kind, rows, line, column, message):
    client = client_for(demo_users["head_office"])
    # a valid first line proves the good rows of a bad file are not written either
    good = {
        "ingredients": ["Stracciatella", "g", "100"],
        "recettes": ["reine", "Roquette", "15"],
        "produits": ["focaccia", "Focaccia", "6"] + [""] * (len(rows[0]) - 3),
        "inventaire": ["bastille", "Roquette", "1"],
    }[kind]
    before = snapshot()
    preview = upload(client, kind, csv_bytes([rows[0], good, *rows[1:]]))
    result = preview.context["result"]
    assert len(result.invalid_rows) == 1
    invalid = result.invalid_rows[0]
    assert invalid.number == line + 1
    assert list(invalid.field_specific_errors) == [column]
    assert message in invalid.field_specific_errors[column][0]
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, name, fmt, message",
    [
        (b"", "vide.csv", "csv", "Le fichier soumis est vide"),
        (b"\xef\xbb\xbf;;\r\n\r\n", "blanc.csv", "csv", "Le fichier est vide"),
        ("produit;ingredient;quantite\r\n".encode(), "entetes.csv", "csv", "ne contient que les en-têtes"),
        ("produit;quantite\r\nmargherita;10\r\n".encode(), "manque.csv", "csv", "Colonnes manquantes : ingredient"),
        ("produit;ingrédient;quantité\r\nmargherita;Ail;1\r\n".encode("latin-1"), "latin1.csv", "csv", "n'est pas encodé en UTF-8"),
        (b"%PDF-1.4\x00\x01binary", "facture.csv", "csv", "contenu binaire"),
        (b"PK\x03\x04 not really a workbook", "classeur.xlsx", "xlsx", "n'est pas un classeur Excel"),
        ("produit;ingredient;quantite\r\n".encode(), "recettes.pdf", "csv", "ne correspond pas au format choisi"),
        (b"a" * (2 * 1024 * 1024 + 1), "enorme.csv", "csv", "taille maximale de 2 Mio"),
    ],
)
def test_unreadable_files_are_refused_with_a_french_reason(demo_users, client_for, content, name, fmt, message):
    client = client_for(demo_users["head_office"])
    before = snapshot()
    response = upload(client, "recettes", content, name=name, fmt=fmt)
    assert response.status_code == 200
    errors = page_errors(response)
    assert any(message in text for texts in errors.values() for text in texts), errors
    assert message.split(" :")[0] in text_of(response)
    assert response.context.get("confirm_form") is None
    assert snapshot() == before


@pytest.mark.django_db
def test_comma_separated_file_without_bom_and_xlsx_numbers_are_read(demo_users, client_for):
    from product.models import RecipeLine

    client = client_for(demo_users["head_office"])
    content = 'produit,ingredient,quantite\r\nreine,Mozzarella,"130,5"\r\nreine,Roquette,20\r\n'.encode()
    preview = upload(client, "recettes", content)
    assert preview.context["confirm_form"] is not None, page_errors(preview)
    preview = upload(client, "recettes", xlsx_bytes([["Produit", "Ingrédient", "Quantité"], ["reine", "mozzarella", 130.5]]), fmt="xlsx")
    assert preview.context["confirm_form"] is not None, page_errors(preview)
    assert RecipeLine.objects.filter(product__slug="reine", ingredient__name="Roquette").count() == 0  # still a preview


@pytest.mark.django_db
def test_pizzaiolo_and_manager_cannot_import_the_menu(demo_users, client_for):
    for role in ("manager", "pizzaiolo"):
        client = client_for(demo_users[role])
        assert client.get("/admin/product/product/import/").status_code == 403
        response = upload(client, "produits", csv_bytes([["identifiant", "nom", "prix"], ["x", "X", "1"]]))
        assert response.status_code == 403
