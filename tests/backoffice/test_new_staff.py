"""Issue 19: a new employee can log in once given a role; who creates a hire (head office) and
who places them (head office or a manager) is what the guides say."""
import pytest
from django.test import Client

from account.models import User
from pizzeria.models import StaffMembership
from tests.factories.people import HeadOfficeFactory, StaffFactory, UserFactory
from tests.factories.shops import PizzeriaFactory

pytestmark = pytest.mark.django_db


def test_the_add_form_ticks_staff_status_by_default(client_for):
    html = client_for(HeadOfficeFactory()).get("/admin/account/user/add/").content.decode()
    tag = html[html.rindex("<input", 0, html.index('name="is_staff"')):].split(">")[0]
    assert "checked" in tag
    for name in ("password1", "password2"):  # unfold's styled boxes, not bare ones
        tag = html[html.rindex("<input", 0, html.index(f'name="{name}"')):].split(">")[0]
        assert "border" in tag, tag


def test_a_hire_created_unticked_with_a_role_logs_in_to_the_kitchen(client_for):
    from tests.support.admin_forms import admin_form_data

    shop = PizzeriaFactory()
    office = client_for(HeadOfficeFactory())
    page = office.get("/admin/account/user/add/")
    data = admin_form_data(page, email="nouveau.pizzaiolo@ocpizza.test", first_name="Hugo", last_name="Roux",
                           is_staff=None, password1="Farine-Levure-26", password2="Farine-Levure-26")
    inline = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is StaffMembership)
    data.update({f"{inline.prefix}-TOTAL_FORMS": 1, f"{inline.prefix}-0-pizzeria": shop.pk,
                 f"{inline.prefix}-0-role": "pizzaiolo"})
    response = office.post("/admin/account/user/add/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    hire = User.objects.get(email="nouveau.pizzaiolo@ocpizza.test")
    assert hire.is_staff
    response = Client().post("/admin/login/", {"username": hire.email, "password": "Farine-Levure-26"}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/order/order/kitchen/"
    assert response.status_code == 200


def test_a_manager_places_a_hire_but_does_not_create_accounts(client_for):
    shop = PizzeriaFactory()
    manager = StaffFactory(pizzeria=shop, role="manager")
    hire = UserFactory(email="recrue@ocpizza.test", is_staff=True)
    client = client_for(manager)
    assert client.get("/admin/account/user/add/").status_code == 403
    response = client.post("/admin/pizzeria/staffmembership/add/", {"user": hire.pk, "pizzeria": shop.pk, "role": "driver"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert StaffMembership.objects.filter(user=hire, pizzeria=shop, role="driver").exists()
