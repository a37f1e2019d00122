"""One rule for every address typed, by a customer or by head office (issue 15):
pizzeria.delivery.place_address (fields, geocoding, zone) then keep_address (book, one default)."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from account.models import Address, User
from pizzeria.delivery import keep_address, place_address
from tests.support.chain_fixtures import shops  # noqa: F401 (fixture: the factory-built chain)


@pytest.mark.django_db
def test_place_address_normalises_and_refuses_field_by_field():
    place = place_address(line="  3 rue Lepic ", postcode=" 75 018", city=" Paris ")
    assert (place.line, place.postcode, place.city) == ("3 rue Lepic", "75018", "Paris")
    assert place.latitude is not None and place.longitude is not None
    with pytest.raises(ValidationError) as refused:
        place_address(line=" ", postcode="7501", city="")
    assert set(refused.value.message_dict) == {"line", "postcode", "city"}


def test_the_zone_is_checked_only_for_a_shop(shops):
    place = place_address(line="1 rue de la Gare", postcode="95000", city="Cergy")
    assert place.postcode == "95000"
    with pytest.raises(ValidationError) as refused:
        place_address(line="1 rue de la Gare", postcode="95000", city="Cergy", pizzeria=shops["bastille"])
    assert refused.value.code == "outside_zone"


@pytest.mark.django_db
def test_keep_address_makes_the_first_the_default_and_moves_it_on_demand():
    user = User.objects.create_user("carnet@example.fr", "Adresse-2026")
    first = keep_address(user=user, place=place_address(line="3 rue Lepic", postcode="75018", city="Paris"))
    second = keep_address(user=user, place=place_address(line="5 rue Oberkampf", postcode="75011", city="Paris"))
    assert list(user.addresses.filter(is_default=True)) == [first] and not second.is_default
    keep_address(user=user, place=place_address(line="5 rue Oberkampf", postcode="75011", city="Paris"),
                 make_default=True, address=second)
    assert list(user.addresses.filter(is_default=True)) == [second]


@pytest.mark.django_db
def test_profile_refuses_a_malformed_postcode_on_its_field(client_for):
    """Rule changed: the profile used to send any postcode to the geocoder ("Code postal 7501
    inconnu"), while the cart and checkout said it must have 5 digits. Now all say the same."""
    user = User.objects.create_user("format@example.fr", "Adresse-2026")
    response = client_for(user).post(reverse("account:profile"), {
        "address-label": "", "address-line": "3 rue Lepic", "address-postcode": "7501", "address-city": "Paris",
        "address-submit": "1",
    })
    assert response.context["address_form"].errors["postcode"] == ["Le code postal doit comporter 5 chiffres."]
    assert not Address.objects.filter(user=user).exists()


@pytest.fixture
def head_office_client(db, client_for):
    return client_for(User.objects.create_superuser(email="siege@ocpizza.fr", password="pizza-demo-2026"))


def admin_post(client, customer, **fields):
    data = {"user": customer.pk, "label": "", "line": "", "postcode": "", "city": "", **fields}
    return client.post(reverse("admin:account_address_add"), data)


def test_an_address_typed_in_the_admin_is_placed_and_keeps_one_default(head_office_client):
    """Rule changed: the admin saved addresses as typed: no coordinates, postcode unchecked, and
    ticking "default" left two defaults. Now it follows the customers' rule."""
    customer = User.objects.create_user("client-admin@example.fr", "Adresse-2026")
    assert admin_post(head_office_client, customer, line="3 rue Lepic", postcode="75 018", city="Paris").status_code == 302
    home = customer.addresses.get()
    assert home.is_default and home.postcode == "75018" and home.latitude is not None
    admin_post(head_office_client, customer, line="5 rue Oberkampf", postcode="75011", city="Paris", is_default="on")
    assert list(customer.addresses.filter(is_default=True).values_list("line", flat=True)) == ["5 rue Oberkampf"]

    refused = admin_post(head_office_client, customer, line="1 Canebière", postcode="13001", city="Marseille")
    assert refused.status_code == 200 and "Code postal 13001 inconnu" in refused.content.decode()
    assert customer.addresses.count() == 2


def test_the_user_page_inline_places_addresses_and_deletes_through_the_rule(head_office_client):
    from tests.support.admin_forms import admin_form_data

    customer = User.objects.create_user("client-inline@example.fr", "Adresse-2026")
    old = keep_address(user=customer, place=place_address(line="3 rue Lepic", postcode="75018", city="Paris"))
    url = reverse("admin:account_user_change", args=[customer.pk])
    page = head_office_client.get(url)
    prefix = next(f.formset.prefix for f in page.context["inline_admin_formsets"] if f.formset.model is Address)
    data = admin_form_data(page)
    data.update({
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-0-DELETE": "on",
        f"{prefix}-1-line": "5 rue Oberkampf", f"{prefix}-1-postcode": "75 011", f"{prefix}-1-city": "Paris",
    })
    response = head_office_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][-1].formset.errors
    new = customer.addresses.get()
    assert new.pk != old.pk and new.postcode == "75011" and new.latitude is not None
    assert new.is_default  # the only address left is the default


def test_checkout_shows_the_address_rule_errors_on_the_fields_and_saves_through_it(client_for, shops):
    from product.models import Product

    customer = User.objects.create_user("checkout-carnet@example.fr", "Adresse-2026")
    client = client_for(customer)
    session = client.session
    product = Product.objects.filter(is_active=True).first()
    session["ocpizza_cart"] = {"pizzeria_id": shops["bastille"].pk, "lines": {str(product.pk): 1}}
    session.save()
    page = client.get("/commande/")
    number = page.context["form"]["number"].value()
    base = {"number": number, "fulfilment": "delivery", "payment_method": "on_delivery", "saved_address": "new",
            "phone": "0601020304"}
    refused = client.post("/commande/", {**base, "line": "10 rue de la Roquette", "postcode": "", "city": " "})
    assert refused.context["form"].errors["postcode"] == ["Indiquez le code postal."]
    assert refused.context["form"].errors["city"] == ["Indiquez la ville."]
    accepted = client.post("/commande/", {**base, "line": " 10 rue de la Roquette ", "postcode": "75 011",
                                         "city": "Paris", "save_address": "on"})
    assert accepted.status_code == 302
    saved = customer.addresses.get()
    assert (saved.line, saved.postcode, saved.is_default) == ("10 rue de la Roquette", "75011", True)
    assert saved.latitude is not None
