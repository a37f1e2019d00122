"""Issue 19: in the cart, an address typed over the prefilled default is the one checked; a saved
address picked in the list, the boxes left as prefilled, is that saved one (F-ORD-3)."""
import pytest
from django.urls import reverse

from home.cart import SESSION_KEY
from product.models import Product
from tests.factories.people import AddressFactory
from tests.support.chain_fixtures import people, shops  # noqa: F401 (fixtures: the factory-built chain)

pytestmark = pytest.mark.django_db


def cart_for(client_for, customer, shop):
    client = client_for(customer)
    client.post(reverse("home:cart_add"), {"pizzeria": shop.slug, "product": Product.objects.filter(is_active=True).first().pk})
    return client


def prefilled(address):
    """What the cart's form sends back untouched: the list and the boxes as prefilled."""
    return {
        "address": address.pk,
        "line": address.line, "postcode": address.postcode, "city": address.city,
        "initial-line": address.line, "initial-postcode": address.postcode, "initial-city": address.city,
    }


def test_address_typed_over_the_prefilled_default_is_checked(client_for, people, shops):
    customer = people["customer"]
    default = customer.addresses.get(is_default=True)
    client = cart_for(client_for, customer, shops["bastille"])
    html = client.get(reverse("home:cart")).content.decode()
    assert f'value="{default.line}"' in html and 'name="initial-line"' in html  # prefilled, and the prefill sent back

    posted = {**prefilled(default), "line": "25 rue Keller", "postcode": "75011", "city": "Paris"}
    response = client.post(reverse("home:cart"), posted, follow=True)
    assert "Livraison possible à : <strong>25 rue Keller, 75011 Paris</strong>" in response.content.decode()
    delivery = client.session[SESSION_KEY]["delivery"]
    assert (delivery["line"], delivery["address_id"]) == ("25 rue Keller", None)


def test_saved_address_picked_in_the_list_is_checked(client_for, people, shops):
    customer = people["customer"]
    default = customer.addresses.get(is_default=True)
    other = AddressFactory(user=customer, line="8 rue de la Roquette", is_default=False)
    client = cart_for(client_for, customer, shops["bastille"])
    response = client.post(reverse("home:cart"), {**prefilled(default), "address": other.pk}, follow=True)
    assert "Livraison possible à : <strong>8 rue de la Roquette, 75011 Paris</strong>" in response.content.decode()
    assert client.session[SESSION_KEY]["delivery"]["address_id"] == other.pk
    # The list alone, the boxes empty, works the same.
    client.post(reverse("home:cart"), {"address": default.pk, "line": "", "postcode": "", "city": ""})
    assert client.session[SESSION_KEY]["delivery"]["address_id"] == default.pk
