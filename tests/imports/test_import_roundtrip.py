"""F-ADM-7: exports round-trip (export, import the same file, nothing changes) and exports
neutralise formula injection."""
import csv
import io

import pytest
from openpyxl import load_workbook

from tests.support.import_helpers import ADMIN_URLS, FORMAT_INDEX, import_file, snapshot


def export(client, kind, fmt):
    response = client.post(ADMIN_URLS[kind] + "export/", {"resource": "0", "format": FORMAT_INDEX[fmt]})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    return response.content


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["unites", "ingredients", "produits", "recettes", "inventaire"])
def test_export_then_import_changes_nothing(demo_users, client_for, kind, fmt):
    client = client_for(demo_users["head_office"])
    content = export(client, kind, fmt)
    before = snapshot()
    preview, _done = import_file(client, kind, content, fmt=fmt)
    result = preview.context["result"]
    assert result.total_rows > 0
    assert {row.import_type for row in result.rows} == {"skip"}
    assert snapshot() == before  # same values, same updated_at, no history row, no movement


@pytest.mark.django_db
def test_csv_export_is_a_french_spreadsheet_file(demo_users, client_for):
    content = export(client_for(demo_users["head_office"]), "produits", "csv")
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == "identifiant;nom;categorie;description;prix;prix_remise;a_la_carte;moitie_moitie"
    assert "marinara;Marinara;Pizza;" in text and ";8,5;7,5;oui" in text


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralise_formulas_and_import_them_back_as_text(demo_users, client_for, fmt):
    from product.models import Product

    client = client_for(demo_users["head_office"])
    evil = '=cmd|" /C calc"!A0'
    Product.objects.filter(slug="reine").update(name=evil, description="@SUM(1+1)*cmd|' /C calc'!A0")
    content = export(client, "produits", fmt)
    if fmt == "csv":
        cells = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula cell
    row = next(r for r in cells if r[0] == "reine")
    assert all(not str(cell).startswith(("=", "+", "-", "@")) for r in cells for cell in r if cell is not None)
    assert row[1] == "'" + evil

    before = snapshot()
    preview, _done = import_file(client, "produits", content, fmt=fmt)
    assert {r.import_type for r in preview.context["result"].rows} == {"skip"}
    assert snapshot() == before
    assert Product.objects.get(slug="reine").name == evil
