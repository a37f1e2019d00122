"""Bad input in admin forms gives a clear message on the field and saves nothing."""
import pytest

from product.models import Ingredient, Product
from tests.support.admin_forms import admin_form_data


@pytest.fixture
def head_office_client(demo_users, client_for):
    return client_for(demo_users["head_office"])


def _add_product(client, **fields):
    page = client.get("/admin/product/product/add/")
    data = admin_form_data(page, name="Test", slug="test-pizza", category="pizza", is_active="on", **fields)
    return client.post("/admin/product/product/add/", data)


@pytest.mark.django_db
def test_negative_price_is_refused_on_the_field(head_office_client):
    response = _add_product(head_office_client, price="-2")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "price" in errors
    assert not Product.objects.filter(slug="test-pizza").exists()


@pytest.mark.django_db
def test_discount_above_price_is_refused_on_the_field(head_office_client):
    response = _add_product(head_office_client, price="10", discount_price="12")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["discount_price"] == ["Le prix remisé doit être inférieur au prix."]
    assert not Product.objects.filter(slug="test-pizza").exists()


@pytest.mark.django_db
def test_non_numeric_price_is_refused(head_office_client):
    response = _add_product(head_office_client, price="dix euros")
    assert "price" in response.context["adminform"].form.errors
    assert not Product.objects.filter(slug="test-pizza").exists()


@pytest.mark.django_db
def test_unknown_unit_is_refused_on_the_field(head_office_client):
    before = Ingredient.objects.count()
    page = head_office_client.get("/admin/product/ingredient/add/")
    data = admin_form_data(page, name="Truffe", unit="999999", low_stock_threshold="1")
    response = head_office_client.post("/admin/product/ingredient/add/", data)
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert Ingredient.objects.count() == before


@pytest.mark.django_db
def test_product_with_bad_recipe_line_saves_nothing(head_office_client, demo_data):
    """A valid product with an invalid inline line: nothing at all is written."""
    page = head_office_client.get("/admin/product/product/add/")
    mozzarella = Ingredient.objects.get(name="Mozzarella")
    data = admin_form_data(page, name="Test", slug="test-pizza", category="pizza", price="10", is_active="on")
    data.update({
        "recipe_lines-TOTAL_FORMS": "1",
        "recipe_lines-0-ingredient": str(mozzarella.pk),
        "recipe_lines-0-quantity": "-5",
    })
    response = head_office_client.post("/admin/product/product/add/", data)
    assert response.status_code == 200
    assert not Product.objects.filter(slug="test-pizza").exists()
