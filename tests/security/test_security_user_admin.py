"""Issue 13 L5 (and M1's "nobody but a superuser touches a superuser"): only superusers grant
superuser or change a superuser's account or password; nobody raises their own rights."""
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from account.models import User
from tests.support.admin_forms import admin_form_data, snapshot
from tests.support.chain_fixtures import shops, people  # noqa: F401 (fixtures: the factory-built chain)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@ocpizza.fr", password="pizza-demo-2026")


@pytest.mark.django_db
def test_head_office_cannot_make_itself_superuser(people, client_for):
    head_office = people["head_office"]
    client = client_for(head_office)
    url = reverse("admin:account_user_change", args=[head_office.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "is_superuser" not in page.context["adminform"].form.fields
    data = admin_form_data(page, is_superuser="on", first_name="Franck")
    data["groups"] = list(Group.objects.values_list("pk", flat=True))
    client.post(url, data)
    head_office.refresh_from_db()
    assert not head_office.is_superuser
    assert list(head_office.groups.values_list("name", flat=True)) == ["Siège"]


@pytest.mark.django_db
def test_head_office_cannot_grant_superuser_to_another(people, client_for):
    manager = people["manager"]
    client = client_for(people["head_office"])
    url = reverse("admin:account_user_change", args=[manager.pk])
    data = admin_form_data(client.get(url), is_superuser="on", first_name="Sophie-Anne")
    assert client.post(url, data).status_code == 302
    manager.refresh_from_db()
    assert manager.first_name == "Sophie-Anne"  # the rest of the page saves
    assert not manager.is_superuser


@pytest.mark.django_db
def test_head_office_cannot_change_a_superuser_nor_reset_its_password(people, superuser, client_for):
    client = client_for(people["head_office"])
    before = snapshot(superuser)
    page = client.get(reverse("admin:account_user_change", args=[superuser.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    data = admin_form_data(client_for(superuser).get(reverse("admin:account_user_change", args=[superuser.pk])),
                           email="pirate@example.test")
    assert client.post(reverse("admin:account_user_change", args=[superuser.pk]), data).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(password_url).status_code == 403
    response = client.post(password_url, {"password1": "Pirate-2026!", "password2": "Pirate-2026!",
                                          "usable_password": "true"})
    assert response.status_code == 403
    assert snapshot(superuser) == before
    superuser.refresh_from_db()
    assert superuser.check_password("pizza-demo-2026")
    assert client.post(reverse("admin:account_user_delete", args=[superuser.pk]), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=superuser.pk).exists()


@pytest.mark.django_db
def test_a_superuser_still_grants_superuser(people, superuser, client_for):
    manager = people["manager"]
    client = client_for(superuser)
    url = reverse("admin:account_user_change", args=[manager.pk])
    assert client.post(url, admin_form_data(client.get(url), is_superuser="on")).status_code == 302
    manager.refresh_from_db()
    assert manager.is_superuser


@pytest.mark.django_db
def test_head_office_cannot_change_nor_delete_a_superusers_address(people, superuser, client_for):
    from account.models import Address

    address = Address.objects.create(user=superuser, line="1 rue du Siège", postcode="75001", city="Paris")
    client = client_for(people["head_office"])
    url = reverse("admin:account_address_change", args=[address.pk])
    data = admin_form_data(client_for(superuser).get(url), line="99 rue Pirate")
    assert client.post(url, data).status_code == 403
    assert client.post(reverse("admin:account_address_delete", args=[address.pk]), {"post": "yes"}).status_code == 403
    address.refresh_from_db()
    assert address.line == "1 rue du Siège"
