"""F-ADM-8: every change to business data is kept with who, when, before and after."""
from decimal import Decimal

import pytest

from product.models import Product
from tests.support.admin_forms import admin_form_data


@pytest.mark.django_db
def test_price_change_in_admin_records_who_and_from_what_to_what(demo_users, client_for):
    head_office = demo_users["head_office"]
    product = Product.objects.get(slug="margherita")
    client = client_for(head_office)
    url = f"/admin/product/product/{product.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = admin_form_data(page, price="10.90")
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    product.refresh_from_db()
    assert product.price == Decimal("10.90")
    latest, previous = product.history.all()[:2]
    assert latest.history_user == head_office
    assert previous.price == Decimal("9.50") and latest.price == Decimal("10.90")
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("price", Decimal("9.50"), Decimal("10.90"))]

    # readable from the object's page in the admin
    history_page = client.get(f"/admin/product/product/{product.pk}/history/")
    assert history_page.status_code == 200
    assert head_office.email in history_page.content.decode()


@pytest.mark.django_db
def test_role_changes_are_audited(demo_users, shops):
    from pizzeria.models import StaffMembership

    membership = StaffMembership.objects.create(user=demo_users["customer"], pizzeria=shops["bastille"], role="driver")
    membership.role = "pizzaiolo"
    membership.save()
    assert [h.role for h in membership.history.all()] == ["pizzaiolo", "driver"]
