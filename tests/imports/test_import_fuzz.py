"""F-ADM-7: malformed files (random bytes, wrong encodings, huge numbers, formulas, missing
headers) never give a server error and never write anything."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.import_helpers import ADMIN_URLS, csv_bytes, snapshot, upload

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

KINDS = sorted(ADMIN_URLS)
COLUMNS = {
    "unites": ["symbole", "nom"],
    "ingredients": ["nom", "unite", "seuil_stock_bas"],
    "produits": ["identifiant", "nom", "categorie", "description", "prix", "prix_remise", "a_la_carte"],
    "recettes": ["produit", "ingredient", "quantite"],
    "inventaire": ["pizzeria", "ingredient", "quantite_comptee"],
    "tailles": ["code", "nom", "coefficient", "ordre"],
    "prix_par_taille": ["produit", "taille", "prix"],
    "supplements": ["nom", "ingredient", "quantite", "propose"],
    "prix_supplements": ["supplement", "taille", "prix"],
    "taux_tva": ["categorie", "taux", "du", "au", "reference"],
}
# A line no resource accepts: makes every generated file invalid as a whole.
POISON = {
    "unites": ["", "sans symbole"],
    "ingredients": ["Fromage fantôme", "zz", "1"],
    "produits": ["produit fantome !", "", "x", "", "-1", "", "peut-être"],
    "recettes": ["zz-inconnu", "Rien", "0"],
    "inventaire": ["atlantis", "Rien", "-1"],
    "tailles": ["pas un code !", "", "0", "x"],
    "prix_par_taille": ["zz-inconnu", "xxl", "-1"],
    "supplements": ["", "Rien", "0", "peut-être"],
    "prix_supplements": ["Rien", "xxl", "-1"],
    "taux_tva": ["Caviar", "-1", "pas une date", "", ""],
}

nasty_cells = st.one_of(
    st.sampled_from([
        "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)", "=HYPERLINK(\"http://x\")", "'=1", "\t=1",
        "9" * 400, "1e999999", "-1e999999", "NaN", "Infinity", "-0", "0,0001", "1.234,5", "1,2,3", "١٢٣",
        "margherita", "Mozzarella", "bastille", "g", "oui", "Pizza", "", " ", "\x00", "\u202e", "é" * 300,
    ]),
    st.text(max_size=30),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@pytest.mark.django_db
@FUZZ
@given(kind=st.sampled_from(KINDS), content=st.binary(max_size=3000), fmt=st.sampled_from(["csv", "xlsx"]))
def test_random_bytes_never_break_the_import_page(demo_users, client_for, kind, content, fmt):
    client = client_for(demo_users["head_office"])
    before = snapshot()
    response = upload(client, kind, content, fmt=fmt)  # the test client re-raises any server error
    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.django_db
@FUZZ
@given(
    data=st.data(),
    kind=st.sampled_from(KINDS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"]),
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
)
def test_malformed_spreadsheets_are_refused_whole(demo_users, client_for, data, kind, encoding, delimiter):
    from books.resources import VatRateResource
    from pizzeria.resources import StockCountResource
    from product.spreadsheet_formats import FrenchCSV
    from product.spreadsheet_guard import ImportFileError
    from product.resources import (
        ExtraPriceResource, ExtraResource, IngredientResource, ProductResource, ProductSizeResource, RecipeLineResource,
        SizeResource, UnitResource,
    )

    columns = COLUMNS[kind]
    headers = data.draw(st.lists(st.one_of(st.sampled_from(columns), nasty_cells), max_size=len(columns) + 2), label="headers")
    rows = data.draw(st.lists(st.lists(nasty_cells, min_size=0, max_size=len(columns) + 1), max_size=12), label="rows")
    poison_at = data.draw(st.integers(min_value=0, max_value=len(rows)), label="poison line")
    rows.insert(poison_at, [POISON[kind][columns.index(h)] if h in columns else "" for h in headers] or POISON[kind])
    text = csv_bytes([headers, *rows], delimiter=delimiter, bom=False).decode()
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError:
        content = text.encode("utf-8", "replace")

    head_office = demo_users["head_office"]
    before = snapshot()

    # through the admin (preview): no server error
    response = upload(client_for(head_office), kind, content)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None

    # the confirmation step's call (dry_run=False) writes nothing either
    resource = {"unites": UnitResource, "ingredients": IngredientResource, "produits": ProductResource,
                "recettes": RecipeLineResource, "inventaire": StockCountResource, "tailles": SizeResource,
                "prix_par_taille": ProductSizeResource, "supplements": ExtraResource,
                "prix_supplements": ExtraPriceResource, "taux_tva": VatRateResource}[kind]()
    try:
        dataset = FrenchCSV().create_dataset(content)
    except ImportFileError:
        pass
    else:
        result = resource.import_data(dataset, dry_run=False, user=head_office, file_name="fuzz.csv")
        assert result.has_errors() or result.has_validation_errors()
    assert snapshot() == before
