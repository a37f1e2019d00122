"""Issue 13 M1: the membership form (membership admin, the pizzeria page's staff inline, the user
page's roles inline) gives a role only to staff the actor may manage, checked on submit."""
import pytest
from django.urls import reverse

from account.models import User
from account.roles import HEAD_OFFICE_GROUP
from pizzeria.models import StaffMembership
from tests.support.admin_forms import admin_form_data
from tests.support.chain_fixtures import shops  # noqa: F401 (fixtures: the factory-built chain)


@pytest.fixture
def staff(chain):
    """One login per role in that chain (the keys of conftest's demo_users)."""
    return chain.people


@pytest.fixture
def people(staff, shops):
    from django.contrib.auth.models import Group

    superuser = User.objects.create_superuser(email="root@ocpizza.fr", password="pizza-demo-2026")
    elsewhere = User.objects.create_user(email="pizzaiolo.boulogne@ocpizza.fr", password="x-pizza-2026", is_staff=True)
    StaffMembership.objects.create(user=elsewhere, pizzeria=shops["boulogne"], role="pizzaiolo")
    new_hire = User.objects.create_user(email="nouveau@ocpizza.fr", password="x-pizza-2026", is_staff=True)
    colleague = User.objects.create_user(email="siege2@ocpizza.fr", password="x-pizza-2026", is_staff=True)
    colleague.groups.add(Group.objects.get(name=HEAD_OFFICE_GROUP))
    return {
        "customer": staff["customer"], "head_office": staff["head_office"], "superuser": superuser,
        "elsewhere": elsewhere, "new_hire": new_hire, "colleague": colleague,
    }


ADD = reverse("admin:pizzeria_staffmembership_add")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["customer", "head_office", "superuser", "elsewhere"])
def test_manager_cannot_attach_outside_his_staff(staff, shops, people, client_for, who):
    client = client_for(staff["manager"])
    response = client.post(ADD, {"user": people[who].pk, "pizzeria": shops["bastille"].pk, "role": "driver"})
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not StaffMembership.objects.filter(user=people[who], pizzeria=shops["bastille"]).exists()


@pytest.mark.django_db
def test_manager_attaches_a_new_hire_and_his_own_staff(staff, shops, people, client_for):
    client = client_for(staff["manager"])
    assert client.post(ADD, {"user": people["new_hire"].pk, "pizzeria": shops["bastille"].pk, "role": "driver"}).status_code == 302
    pizzaiolo = staff["pizzaiolo"]
    assert client.post(ADD, {"user": pizzaiolo.pk, "pizzeria": shops["montmartre"].pk, "role": "pizzaiolo"}).status_code == 302
    assert StaffMembership.objects.filter(user=people["new_hire"], pizzeria=shops["bastille"]).exists()


@pytest.mark.django_db
def test_pizzeria_page_staff_inline_refuses_a_customer_on_submit(staff, shops, people, client_for):
    client = client_for(staff["manager"])
    url = reverse("admin:pizzeria_pizzeria_change", args=[shops["bastille"].pk])
    page = client.get(url)
    data = admin_form_data(page)
    inline = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is StaffMembership)
    assert people["customer"] not in inline.empty_form.fields["user"].queryset  # not offered...
    total = int(data[f"{inline.prefix}-TOTAL_FORMS"])
    data.update({f"{inline.prefix}-TOTAL_FORMS": total + 1, f"{inline.prefix}-{total}-user": people["customer"].pk,
                 f"{inline.prefix}-{total}-role": "manager"})
    response = client.post(url, data)  # ...nor accepted when forged
    assert response.status_code == 200  # the page again, with the error on the line
    assert not StaffMembership.objects.filter(user=people["customer"]).exists()


@pytest.mark.django_db
def test_superusers_membership_is_untouchable_for_a_manager(staff, shops, people, client_for):
    membership = StaffMembership.objects.create(user=people["superuser"], pizzeria=shops["bastille"], role="driver")
    client = client_for(staff["manager"])
    change = reverse("admin:pizzeria_staffmembership_change", args=[membership.pk])
    assert client.get(change).context["has_change_permission"] is False
    assert client.post(change, {"user": people["superuser"].pk, "pizzeria": shops["bastille"].pk, "role": "manager"}).status_code == 403
    assert client.post(reverse("admin:pizzeria_staffmembership_delete", args=[membership.pk]), {"post": "yes"}).status_code == 403
    # nor through the pizzeria page's inline (delete box ticked)
    url = reverse("admin:pizzeria_pizzeria_change", args=[shops["bastille"].pk])
    page = client.get(url)
    data = admin_form_data(page)
    inline = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is StaffMembership)
    index = next(n for n, form in enumerate(inline.forms) if form.instance.pk == membership.pk)
    data[f"{inline.prefix}-{index}-DELETE"] = "on"
    data[f"{inline.prefix}-{index}-role"] = "manager"
    assert client.post(url, data).status_code == 200
    membership.refresh_from_db()
    assert membership.role == "driver"
    # nor the bulk delete action
    client.post(reverse("admin:pizzeria_staffmembership_changelist"),
                {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"})
    assert StaffMembership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_head_office_attaches_head_office_but_not_a_superuser_nor_a_customer(staff, shops, people, client_for):
    client = client_for(staff["head_office"])
    assert client.post(ADD, {"user": people["colleague"].pk, "pizzeria": shops["bastille"].pk, "role": "manager"}).status_code == 302
    for who in ("superuser", "customer"):
        response = client.post(ADD, {"user": people[who].pk, "pizzeria": shops["bastille"].pk, "role": "manager"})
        assert response.status_code == 200, who
        assert not StaffMembership.objects.filter(user=people[who]).exists()
    # the roles inline of a customer's page refuses too
    url = reverse("admin:account_user_change", args=[people["customer"].pk])
    page = client.get(url)
    data = admin_form_data(page)
    inline = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is StaffMembership)
    data.update({f"{inline.prefix}-TOTAL_FORMS": 1, f"{inline.prefix}-0-pizzeria": shops["bastille"].pk,
                 f"{inline.prefix}-0-role": "manager"})
    assert client.post(url, data).status_code == 200
    assert not StaffMembership.objects.filter(user=people["customer"]).exists()


@pytest.mark.django_db
def test_user_autocomplete_of_the_membership_form_offers_only_manageable_staff(staff, people, client_for):
    client = client_for(staff["manager"])
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "pizzeria", "model_name": "staffmembership", "field_name": "user", "term": "",
    })
    assert response.status_code == 200
    offered = {int(r["id"]) for r in response.json()["results"]}
    assert staff["pizzaiolo"].pk in offered and people["new_hire"].pk in offered
    for who in ("customer", "head_office", "superuser", "elsewhere", "colleague"):
        assert people[who].pk not in offered, who


@pytest.mark.django_db
@pytest.mark.parametrize("is_staff", [True, False])
def test_head_office_creates_an_account_with_its_role_which_makes_it_staff(staff, shops, client_for, is_staff):
    """Issue 19: giving a role on the add page ticks "Statut équipe" (unticked, the hire could not log in)."""
    client = client_for(staff["head_office"])
    url = reverse("admin:account_user_add")
    page = client.get(url)
    data = admin_form_data(page, email="recrue@ocpizza.fr", first_name="Nina", last_name="Roux",
                           is_staff="on" if is_staff else None)
    inline = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is StaffMembership)
    data.update({f"{inline.prefix}-TOTAL_FORMS": 1, f"{inline.prefix}-0-pizzeria": shops["bastille"].pk,
                 f"{inline.prefix}-0-role": "pizzaiolo"})
    response = client.post(url, data)
    assert response.status_code == 302
    hire = User.objects.get(email="recrue@ocpizza.fr")
    assert hire.memberships.get().role == "pizzaiolo"
    assert hire.is_staff
