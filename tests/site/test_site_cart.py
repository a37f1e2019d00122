"""F-ORD-2: the session cart (home.cart.Cart) checks products, stock and quantities on the server."""
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from home.cart import Cart
from pizzeria.models import Pizzeria
from product.models import Product
from tests.factories import IngredientFactory, PizzeriaFactory, ProductFactory, stock_up


@pytest.fixture
def shops(db):
    """Two stocked shops, one short of mozzarella, one opening soon; a menu where the marinara
    (no cheese) sells at a discount price."""
    tomato, mozza = IngredientFactory(name="Sauce tomate"), IngredientFactory(name="Mozzarella")
    ProductFactory(name="Margherita", price=Decimal("9.50"), recipe={tomato: "80", mozza: "125"})
    ProductFactory(name="Marinara", price=Decimal("8.50"), discount_price=Decimal("7.50"), recipe={tomato: "100"})
    ProductFactory(name="Reine", price=Decimal("11.50"), recipe={tomato: "80", mozza: "100"})
    found = {slug: PizzeriaFactory(name=f"OC Pizza {slug}") for slug in ("bastille", "montparnasse", "montmartre")}
    found["levallois"] = PizzeriaFactory(name="OC Pizza levallois", status=Pizzeria.Status.OPENING_SOON)
    for slug in ("bastille", "montparnasse"):
        stock_up(found[slug], {tomato: "8000", mozza: "8000"})
    stock_up(found["montmartre"], {tomato: "8000", mozza: "0"})
    return found


@pytest.fixture
def make_request():
    session = SessionStore()

    def make():
        request = RequestFactory().get("/")
        request.session = session
        return request

    return make


def test_add_change_remove_and_total_from_database_prices(shops, make_request):
    cart = Cart(make_request())
    cart.set_pizzeria(shops["bastille"])
    margherita, marinara = Product.objects.get(slug="margherita"), Product.objects.get(slug="marinara")
    cart.add(margherita, 2)
    cart.add(marinara)
    cart.add(margherita, 1)
    again = Cart(make_request())  # a new request reads the same session
    assert again.pizzeria_id == shops["bastille"].pk
    assert [(p.slug, q) for p, q in again.lines()] == [("margherita", 3), ("marinara", 1)]
    # Marinara sells at its discount price.
    assert marinara.selling_price == marinara.discount_price < marinara.price
    assert again.total() == 3 * margherita.price + marinara.discount_price
    Product.objects.filter(slug="margherita").update(price=Decimal("10.00"))
    assert Cart(make_request()).total() == 3 * Decimal("10.00") + marinara.discount_price
    again.set_quantity(margherita, 1)
    again.remove(marinara)
    assert [(p.slug, q) for p, q in Cart(make_request()).lines()] == [("margherita", 1)]
    again.clear()
    assert Cart(make_request()).is_empty()


def test_quantity_bounds(shops, make_request):
    cart = Cart(make_request())
    cart.set_pizzeria(shops["bastille"])
    product = Product.objects.get(slug="margherita")
    for bad in (0, -1, 21, "abc"):
        with pytest.raises(ValidationError):
            cart.set_quantity(product, bad)
    cart.set_quantity(product, 20)
    with pytest.raises(ValidationError) as error:
        cart.add(product, 1)
    assert "entre 1 et 20" in error.value.messages[0]
    assert cart.quantity_of(product) == 20


def test_unavailable_product_is_refused(shops, make_request):
    cart = Cart(make_request())
    cart.set_pizzeria(shops["montmartre"])  # short of mozzarella
    with pytest.raises(ValidationError) as error:
        cart.add(Product.objects.get(slug="margherita"))
    assert "épuisée" in error.value.messages[0] and "Mozzarella" in error.value.messages[0]
    cart.add(Product.objects.get(slug="marinara"))  # no mozzarella in it
    assert cart.count() == 1


def test_inactive_product_is_refused_and_dropped(shops, make_request):
    cart = Cart(make_request())
    cart.set_pizzeria(shops["bastille"])
    reine = Product.objects.get(slug="reine")
    cart.add(reine)
    Product.objects.filter(pk=reine.pk).update(is_active=False)
    reine.refresh_from_db()
    with pytest.raises(ValidationError):
        cart.add(reine)
    with pytest.raises(ValidationError) as error:
        Cart(make_request()).validate()
    assert any("plus à la carte" in m for m in error.value.messages)
    assert Cart(make_request()).is_empty()


def test_cart_is_tied_to_one_shop(shops, make_request):
    cart = Cart(make_request())
    cart.set_pizzeria(shops["bastille"])
    cart.add(Product.objects.get(slug="marinara"))
    with pytest.raises(ValidationError) as error:
        cart.set_pizzeria(shops["montparnasse"])
    assert "autre pizzeria" in error.value.messages[0]
    cart.set_pizzeria(shops["montparnasse"], replace=True)
    assert cart.is_empty() and cart.pizzeria_id == shops["montparnasse"].pk
    with pytest.raises(ValidationError):
        cart.set_pizzeria(shops["levallois"])  # opening soon: no orders yet
