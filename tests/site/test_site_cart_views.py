"""F-ORD-2, F-ORD-3 through the site's pages: forged posts refused, prices from the server, delivery zone."""
from decimal import Decimal

import pytest
from django.urls import reverse

from home.cart import SESSION_KEY
from product.models import Product
from tests.factories import PizzeriaFactory, UserFactory, small_menu, stock_up


# Where the demo's shops stand: the delivery zone and "nearest first" are about real places.
PLACES = {
    "bastille": ("75011", "48.853400", "2.372200"),
    "montmartre": ("75018", "48.884700", "2.337600"),
    "montparnasse": ("75014", "48.842100", "2.328000"),
    "boulogne": ("92100", "48.839700", "2.239900"),
    "vincennes": ("94300", "48.847400", "2.437300"),
}


@pytest.fixture
def shops(db):
    """Five open shops at the demo's places (20 km zones), built by the factories and stocked
    through the ledger; Montmartre has no mozzarella. The marinara sells at a discount price."""
    menu = small_menu()
    menu.marinara.discount_price = menu.marinara.price - Decimal("1.50")
    menu.marinara.save()
    found = {}
    for slug, (postcode, latitude, longitude) in PLACES.items():
        found[slug] = PizzeriaFactory(name=f"OC Pizza {slug.title()}", slug=slug, postcode=postcode,
                                      latitude=Decimal(latitude), longitude=Decimal(longitude),
                                      delivery_radius_km=Decimal("20"))
        mozza = "0" if slug == "montmartre" else "6000"
        stock_up(found[slug], {menu.tomato: "8000", menu.mozza: mozza, menu.ham: "3000", menu.garlic: "100"})
    return found


@pytest.fixture
def people(shops):
    return {"customer": UserFactory()}


def euros(amount):
    return f"{amount:.2f}".replace(".", ",") + " €"


def add(client, shop, slug, quantity=1, **extra):
    product = Product.objects.get(slug=slug)
    data = {"pizzeria": shop, "product": product.pk, "quantity": quantity, **extra}
    return client.post(reverse("home:cart_add"), data, follow=True)


def cart_lines(client):
    return (client.session.get(SESSION_KEY) or {}).get("lines", {})


def test_add_then_cart_page_shows_server_prices(client, shops):
    response = add(client, "bastille", "marinara", 2, price="0.01")
    assert "Marinara ajouté au panier." in response.content.decode()
    html = client.get(reverse("home:cart")).content.decode()
    marinara = Product.objects.get(slug="marinara")
    assert marinara.selling_price == marinara.discount_price
    assert euros(2 * marinara.selling_price) in html  # whatever the browser sent
    assert 'class="badge"' in html


def test_forged_post_of_unavailable_product_is_refused(client, shops):
    # Montmartre is short of mozzarella: its page shows no button, a hand-made POST gets a message.
    response = add(client, "montmartre", "margherita")
    html = response.content.decode()
    assert "Margherita est épuisée dans cette pizzeria : il manque Mozzarella." in html
    assert cart_lines(client) == {}


def test_forged_post_of_inactive_or_unknown_product_is_refused(client, shops):
    Product.objects.filter(slug="reine").update(is_active=False)
    assert "Reine n&#x27;est plus à la carte." in add(client, "bastille", "reine").content.decode()
    response = client.post(reverse("home:cart_add"), {"pizzeria": "bastille", "product": "999999"}, follow=True)
    assert "Ce produit ou cette pizzeria n&#x27;existe pas." in response.content.decode()
    assert cart_lines(client) == {}


def test_product_for_another_shop_is_refused_while_cart_holds_one(client, shops):
    add(client, "bastille", "marinara")
    html = add(client, "montparnasse", "margherita").content.decode()
    assert "Votre panier contient des produits d&#x27;une autre pizzeria" in html
    assert list(cart_lines(client).values()) == [1]


def test_quantity_bounds_on_the_server(client, shops):
    add(client, "bastille", "marinara")
    marinara = Product.objects.get(slug="marinara")
    html = client.post(reverse("home:cart_update"), {"product": marinara.pk, "quantity": 21}, follow=True).content.decode()
    assert "La quantité doit être comprise entre 1 et 20." in html
    client.post(reverse("home:cart_update"), {"product": marinara.pk, "quantity": 3})
    assert cart_lines(client) == {str(marinara.pk): 3}
    client.post(reverse("home:cart_remove"), {"product": marinara.pk})
    assert cart_lines(client) == {}


def test_cart_needs_post_and_csrf(shops):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    product = Product.objects.get(slug="marinara")
    assert strict.get(reverse("home:cart_add")).status_code == 405
    assert strict.post(reverse("home:cart_add"), {"pizzeria": "bastille", "product": product.pk}).status_code == 403


def test_delivery_address_refused_30_km_away_then_accepted_and_saved(client_for, people, shops):
    client = client_for(people["customer"])
    add(client, "bastille", "marinara")
    html = client.post(
        reverse("home:cart"), {"line": "2 place de la Gare", "postcode": "95000", "city": "Cergy", "save": "on"}
    ).content.decode()
    radius = shops["bastille"].delivery_radius_km
    assert f"hors de sa zone de livraison ({radius.normalize():f} km)" in html
    assert not people["customer"].addresses.filter(postcode="95000").exists()
    response = client.post(
        reverse("home:cart"), {"line": "8 rue de Charonne", "postcode": "75011", "city": "Paris", "save": "on"}, follow=True
    )
    assert "Adresse acceptée : OC Pizza Bastille livre à cette adresse" in response.content.decode()
    saved = people["customer"].addresses.get(line="8 rue de Charonne")
    assert saved.latitude is not None
    delivery = client.session[SESSION_KEY]["delivery"]
    assert delivery["postcode"] == "75011" and delivery["address_id"] == saved.pk


def test_unknown_postcode_refused_with_message(client, shops):
    add(client, "bastille", "marinara")
    html = client.post(reverse("home:cart"), {"line": "1 rue X", "postcode": "13001", "city": "Marseille"}).content.decode()
    assert "Code postal 13001 inconnu" in html


def test_pizzerias_nearest_first_by_postcode(client, shops):
    html = client.get(reverse("home:index"), {"cp": "92100"}).content.decode()
    assert html.index("OC Pizza Boulogne") < html.index("OC Pizza Montparnasse") < html.index("OC Pizza Vincennes")
    html = client.get(reverse("home:index"), {"cp": "13001"}).content.decode()
    assert "Code postal 13001 inconnu" in html
