"""F-ADM-7: each template of fixtures/templates/ imports through the admin, in CSV and XLSX."""
from decimal import Decimal

import pytest
from django.conf import settings

from tests.support.import_helpers import ADMIN_URLS, import_file, text_of, upload

TEMPLATES = settings.REPO_DIR / "fixtures" / "templates"
ORDER = ["unites", "ingredients", "produits", "recettes", "inventaire"]  # the order docs/imports.md gives


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_template_imports_in_order(demo_users, client_for, fmt):
    from pizzeria.models import Stock, StockMovement
    from product.models import Ingredient, Product, RecipeLine, Unit

    client = client_for(demo_users["head_office"])
    for kind in ORDER:
        preview, done = import_file(client, kind, (TEMPLATES / f"{kind}.{fmt}").read_bytes(), fmt=fmt)
        assert "Import terminé" in text_of(client.get(done["Location"]))

    assert Unit.objects.get(symbol="kg").name == "kilogramme"
    pesto = Ingredient.objects.get(name="Pesto au basilic")
    assert (pesto.unit.symbol, pesto.low_stock_threshold) == ("g", Decimal("150.5"))
    burrata = Product.objects.get(slug="burrata-pesto")
    assert (burrata.price, burrata.discount_price, burrata.category, burrata.is_active) == (
        Decimal("14.50"), Decimal("12.90"), "pizza", True,
    )
    limonade = Product.objects.get(slug="limonade")
    assert (limonade.category, limonade.discount_price, limonade.is_active) == ("drink", None, False)
    assert sorted(RecipeLine.objects.filter(product=burrata).values_list("ingredient__name", "quantity")) == [
        ("Burrata", Decimal("125.000")), ("Pesto au basilic", Decimal("30.500")),
    ]
    mozzarella = Stock.objects.get(pizzeria__slug="bastille", ingredient__name="Mozzarella")
    assert mozzarella.quantity == Decimal("5400")
    movement = StockMovement.objects.filter(stock=mozzarella).first()
    assert movement.reason == "inventory" and movement.quantity_after == Decimal("5400")
    assert movement.user == demo_users["head_office"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ORDER)
def test_import_page_links_to_its_templates(demo_users, client_for, kind):
    client = client_for(demo_users["head_office"])
    page = client.get(ADMIN_URLS[kind] + "import/")
    assert page.status_code == 200
    body = page.content.decode()
    for ext in ("csv", "xlsx"):
        link = f"{ADMIN_URLS[kind]}import/modele.{ext}"
        assert link in body
        download = client.get(link)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == (TEMPLATES / f"{kind}.{ext}").read_bytes()


@pytest.mark.django_db
def test_preview_shows_what_each_row_will_do_before_anything_is_written(demo_users, client_for):
    from product.models import Product

    client = client_for(demo_users["head_office"])
    preview = upload(client, "produits", (TEMPLATES / "produits.csv").read_bytes())
    assert preview.context["confirm_form"] is not None
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "new"]
    assert "Burrata pesto" in text_of(preview)
    assert not Product.objects.filter(slug__in=["burrata-pesto", "limonade"]).exists()  # preview only


@pytest.mark.django_db
def test_confirming_twice_imports_once_without_error(demo_users, client_for):
    from tests.support.import_helpers import confirm

    from product.models import Product

    client = client_for(demo_users["head_office"])
    preview = upload(client, "produits", (TEMPLATES / "produits.csv").read_bytes())
    assert confirm(client, "produits", preview).status_code == 302
    again = confirm(client, "produits", preview)  # double click on "Confirmer"
    assert again.status_code == 302
    assert "déjà été importé" in text_of(client.get(again["Location"]))
    assert Product.objects.filter(slug="burrata-pesto").count() == 1


@pytest.mark.django_db
def test_export_selected_rows_action(demo_users, client_for):
    from product.models import Product

    client = client_for(demo_users["head_office"])
    chosen = list(Product.objects.filter(slug__in=["reine", "marinara"]).values_list("pk", flat=True))
    form = client.post("/admin/product/product/", {"action": "export_admin_action", "_selected_action": chosen})
    assert form.status_code == 200
    response = client.post("/admin/product/product/export/", {"resource": "0", "format": "0", "export_items": chosen})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert sorted(line.split(";")[0] for line in lines[1:]) == ["marinara", "reine"]
