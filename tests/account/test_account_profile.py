"""Profile with saved addresses (F-ORD-3 "prefilled from saved addresses"): add, default, delete."""
from django.urls import reverse

from account.models import Address, User


def add_address(client, **data):
    payload = {"address-label": "", "address-line": "", "address-postcode": "", "address-city": "", "address-submit": "1"}
    payload.update({f"address-{k}": v for k, v in data.items()})
    return client.post(reverse("account:profile"), payload, follow=True)


def test_profile_needs_login(client, db):
    response = client.get(reverse("account:profile"))
    assert response.status_code == 302 and reverse("account:login") in response["Location"]


def test_add_addresses_default_and_delete(client_for, db):
    user = User.objects.create_user("adresses@example.fr", "Adresse-2026")
    client = client_for(user)
    html = add_address(client, label="Maison", line="3 rue Lepic", postcode="75018", city="Paris").content.decode()
    assert "Adresse enregistrée." in html
    home = Address.objects.get(user=user, label="Maison")
    assert home.is_default and home.latitude is not None  # the first one is the default
    add_address(client, label="Bureau", line="1 place de la Défense", postcode="92400", city="Courbevoie", make_default="on")
    office = Address.objects.get(user=user, label="Bureau")
    home.refresh_from_db()
    assert office.is_default and not home.is_default
    client.post(reverse("account:address_default", args=[home.pk]))
    assert list(Address.objects.filter(user=user, is_default=True)) == [home]
    client.post(reverse("account:address_delete", args=[home.pk]))
    office.refresh_from_db()
    assert office.is_default and not Address.objects.filter(pk=home.pk).exists()


def test_unknown_postcode_is_refused_on_the_field(client_for, db):
    user = User.objects.create_user("adresses2@example.fr", "Adresse-2026")
    html = add_address(client_for(user), line="1 Canebière", postcode="13001", city="Marseille").content.decode()
    assert "Code postal 13001 inconnu" in html
    assert not Address.objects.filter(user=user).exists()


def test_cannot_touch_someone_elses_address(client_for, db):
    owner = User.objects.create_user("proprio@example.fr", "Adresse-2026")
    address = Address.objects.create(user=owner, line="3 rue Lepic", postcode="75018", city="Paris", is_default=True)
    intruder = client_for(User.objects.create_user("intrus@example.fr", "Adresse-2026"))
    assert intruder.post(reverse("account:address_delete", args=[address.pk])).status_code == 404
    assert Address.objects.filter(pk=address.pk).exists()


def test_cart_form_prefills_the_default_address(client_for, shops):
    user = User.objects.create_user("prefill@example.fr", "Adresse-2026")
    Address.objects.create(user=user, line="3 rue Lepic", postcode="75018", city="Paris", is_default=True)
    client = client_for(user)
    from product.models import Product

    client.post(reverse("home:cart_add"), {"pizzeria": "montmartre", "product": Product.objects.get(slug="marinara").pk})
    html = client.get(reverse("home:cart")).content.decode()
    assert 'value="3 rue Lepic"' in html and "selected>3 rue Lepic, 75018 Paris" in html
