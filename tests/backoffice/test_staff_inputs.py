"""Issue 19, the back office's inputs: import previews show old → new per cell; an empty
low-stock threshold is 0; money accepts the French comma whatever the browser sends; a price
changed more than ×3 or ÷3 asks for confirmation."""
from decimal import Decimal

import pytest

from product.models import Ingredient, Product
from tests.factories.menu import IngredientFactory, ProductFactory, UnitFactory
from tests.factories.people import HeadOfficeFactory

from tests.support.import_helpers import csv_bytes, import_file, page_errors, text_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client_for):
    return client_for(HeadOfficeFactory())


def test_import_preview_shows_old_and_new_per_cell(office):
    unit = UnitFactory(symbol="g", name="gramme")
    IngredientFactory(name="Farine", unit=unit, low_stock_threshold=Decimal("6490"))
    preview = upload(office, "ingredients", csv_bytes([["nom", "unite", "seuil_stock_bas"], ["Farine", "g", "5400"]]))
    assert page_errors(preview) == {}
    text = text_of(preview)
    assert "6490 → 5400" in text or "6 490 → 5 400" in text or "6490,000 → 5400" in text, text[-1500:]
    assert "64905400" not in text.replace(" ", "")


def test_empty_threshold_imports_as_zero(office):
    UnitFactory(symbol="g", name="gramme")
    import_file(office, "ingredients", csv_bytes([["nom", "unite", "seuil_stock_bas"], ["Basilic", "g", ""]]))
    assert Ingredient.objects.get(name="Basilic").low_stock_threshold == 0


def test_empty_threshold_in_the_admin_form_is_zero(office):
    unit = UnitFactory(symbol="g", name="gramme")
    response = office.post("/admin/product/ingredient/add/", {"name": "Origan", "unit": unit.pk, "low_stock_threshold": ""})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Ingredient.objects.get(name="Origan").low_stock_threshold == 0


def product_form(product, **changes):
    data = {
        "name": product.name, "slug": product.slug, "category": product.category, "description": product.description,
        "vat_category": product.vat_category,  # issue 18: the select a browser sends with its value
        "is_active": "on", "price": "10,50", "discount_price": "",
        "recipe_lines-TOTAL_FORMS": "0", "recipe_lines-INITIAL_FORMS": "0",
        "reminders-TOTAL_FORMS": "0", "reminders-INITIAL_FORMS": "0",
        "sizes-TOTAL_FORMS": "0", "sizes-INITIAL_FORMS": "0",  # prices per size (issue 16)
    }
    data.update(changes)
    return data


def test_french_comma_and_point_both_read_as_decimals(office):
    product = ProductFactory(price=Decimal("9.00"))
    for typed in ("10,50", "10.50"):
        response = office.post(f"/admin/product/product/{product.pk}/change/", product_form(product, price=typed))
        assert response.status_code == 302, response.content.decode()[-3000:]
        product.refresh_from_db()
        assert product.price == Decimal("10.50")


def test_a_price_jump_asks_for_confirmation(office):
    product = ProductFactory(price=Decimal("10.50"))
    url = f"/admin/product/product/{product.pk}/change/"
    response = office.post(url, product_form(product, price="1050"))
    assert response.status_code == 200
    assert "Je confirme ce prix" in response.content.decode()
    product.refresh_from_db()
    assert product.price == Decimal("10.50")
    response = office.post(url, product_form(product, price="3,00"))  # ÷3.5
    assert response.status_code == 200
    response = office.post(url, product_form(product, price="1050", confirm_price="on"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("1050")


def test_a_product_photo_is_resized_on_upload(office, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory(price=Decimal("10.50"))
    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(big, "PNG")
    data = product_form(product)
    data["image"] = SimpleUploadedFile("photo-du-chef.png", big.getvalue(), content_type="image/png")
    response = office.post(f"/admin/product/product/{product.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    product.refresh_from_db()
    assert product.image.name.endswith(".jpg")
    with Image.open(product.image.path) as saved:
        assert saved.format == "JPEG" and saved.width <= 960 and saved.height <= 600
    assert product.image.size < 200_000
    # The catalogue shows it, lazily loaded, instead of the placeholder.
    from tests.factories.shops import PizzeriaFactory

    shop = PizzeriaFactory()
    html = office.get(f"/pizzeria/{shop.slug}/").content.decode()
    assert product.image.url in html and 'loading="lazy"' in html


def test_a_file_that_is_not_an_image_is_refused_in_french(office, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory(price=Decimal("10.50"))
    data = product_form(product)
    data["image"] = SimpleUploadedFile("photo.jpg", b"pas une image", content_type="image/jpeg")
    response = office.post(f"/admin/product/product/{product.pk}/change/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "image" in html.lower() and "Upload a valid image" not in html
