"""Issue 19: the address checked in the cart ("Livraison possible") is the one checkout proposes,
typed or saved, instead of the saved default."""
import re

import pytest

from product.models import Product
from tests.factories.people import AddressFactory
from tests.support.chain_fixtures import shops, people  # noqa: F401 (fixtures: the factory-built chain)

pytestmark = pytest.mark.django_db


def cart_with_checked_address(client, shop, **address):
    session = client.session
    session["ocpizza_cart"] = {
        "pizzeria_id": shop.pk,
        "lines": {str(Product.objects.filter(is_active=True).first().pk): 1},
        "delivery": {"latitude": "48.85", "longitude": "2.37", "address_id": None, **address},
    }
    session.save()


def test_a_typed_checked_address_is_proposed_not_the_default(client_for, people, shops):
    client = client_for(people["customer"])
    cart_with_checked_address(client, shops["bastille"], line="3 rue Keller", postcode="75011", city="Paris")
    html = client.get("/commande/").content.decode()
    assert re.search(r'name="line"[^>]*value="3 rue Keller"', html) or re.search(r'value="3 rue Keller"[^>]*name="line"', html)
    assert people["customer"].addresses.exists()  # a saved default exists, and is not the one proposed
    assert re.search(r'value="new"[^>]*checked|checked[^>]*value="new"', html)


def test_a_saved_checked_address_is_the_one_ticked(client_for, people, shops):
    customer = people["customer"]
    other = AddressFactory(user=customer, line="8 rue de la Roquette", is_default=False)
    client = client_for(customer)
    cart_with_checked_address(client, shops["bastille"], line=other.line, postcode=other.postcode, city=other.city,
                              address_id=other.pk)
    html = client.get("/commande/").content.decode()
    assert re.search(rf'value="{other.pk}"[^>]*checked|checked[^>]*value="{other.pk}"', html)
