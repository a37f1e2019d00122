"""Issue 13 L3: prices come from the server at the moment of the write.

A customer who ordered during a discount and raises the quantity after it ended pays today's
price for the raised line (the whole line, as a till re-enters it); a kept or lowered line keeps
the price it was ordered at; the cart always shows and charges today's price."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from order.models import Order
from order.services import place_order
from product.models import Product
from tests.support.chain_fixtures import shops, people  # noqa: F401 (fixtures: the factory-built chain)


pytestmark = pytest.mark.django_db


def on_discount(slug, off=Decimal("2.00")):
    product = Product.objects.get(slug=slug)
    product.discount_price = product.price - off
    product.save()
    return product


def end_discount(product):
    product.discount_price = None
    product.save()
    product.refresh_from_db()
    return product


def order_of(customer, shop, *items):
    return place_order(
        pizzeria=shop, customer=customer, lines=[(Product.objects.get(slug=s), q) for s, q in items],
        fulfilment="pickup", payment_method="on_delivery", channel="web", by=customer,
    )


def change(client, order, quantities):
    data = {f"qty-{Product.objects.get(slug=s).pk}": q for s, q in quantities.items()}
    return client.post(reverse("order:change", args=[order.number]), data)


def test_raising_a_line_after_its_discount_ended_charges_todays_price(shops, people, client_for):
    customer = people["customer"]
    margherita = on_discount("margherita")
    discounted = margherita.discount_price
    order = order_of(customer, shops["bastille"], ("margherita", 2), ("reine", 1))
    assert order.lines.get(product=margherita).unit_price == discounted
    reine_price = order.lines.get(product__slug="reine").unit_price
    margherita = end_discount(margherita)
    c = client_for(customer)

    # The change page tells the customer what a raise will cost.
    page = c.get(reverse("order:change", args=[order.number])).content.decode()
    assert re.search(r"prix actuel\s+%s" % re.escape(str(margherita.price).replace(".", ",")), page), page

    assert change(c, order, {"margherita": 3, "reine": 1}).status_code == 302
    order.refresh_from_db()
    line = order.lines.get(product=margherita)
    assert (line.quantity, line.unit_price) == (3, margherita.price)
    assert order.lines.get(product__slug="reine").unit_price == reine_price
    assert order.total == 3 * margherita.price + reine_price


def test_a_kept_or_lowered_line_keeps_the_price_it_was_ordered_at(shops, people, client_for):
    customer = people["customer"]
    margherita = on_discount("margherita")
    discounted = margherita.discount_price
    order = order_of(customer, shops["bastille"], ("margherita", 3), ("reine", 1))
    end_discount(margherita)
    c = client_for(customer)
    assert change(c, order, {"margherita": 2, "reine": 1}).status_code == 302
    order.refresh_from_db()
    assert order.lines.get(product=margherita).unit_price == discounted
    reine = order.lines.get(product__slug="reine")
    assert order.total == 2 * discounted + reine.unit_price


def test_a_price_raised_since_ordering_also_reprices_a_raised_line(shops, people, client_for):
    """Not only discounts: today's price, whichever way it moved."""
    customer = people["customer"]
    order = order_of(customer, shops["bastille"], ("reine", 1))
    reine = Product.objects.get(slug="reine")
    ordered = reine.selling_price
    reine.price = reine.price + Decimal("3.00")
    reine.discount_price = None
    reine.save()
    assert change(client_for(customer), order, {"reine": 2}).status_code == 302
    order.refresh_from_db()
    assert order.lines.get().unit_price == reine.price != ordered
    assert order.total == 2 * reine.price


def test_a_product_off_the_menu_may_be_lowered_but_not_raised(shops, people, client_for):
    customer = people["customer"]
    order = order_of(customer, shops["bastille"], ("margherita", 2), ("reine", 1))
    total = order.total
    Product.objects.filter(slug="margherita").update(is_active=False)
    c = client_for(customer)
    # Its line still shows (so it can be lowered); raising it is refused by name.
    page = c.get(reverse("order:change", args=[order.number])).content.decode()
    margherita = Product.objects.get(slug="margherita")
    assert f'name="qty-{margherita.pk}"' in page
    response = c.post(reverse("order:change", args=[order.number]),
                      {f"qty-{margherita.pk}": 3, f"qty-{Product.objects.get(slug='reine').pk}": 1})
    assert response.status_code == 200 and "plus à la carte" in response.content.decode()
    order.refresh_from_db()
    assert order.total == total and order.lines.get(product=margherita).quantity == 2
    response = c.post(reverse("order:change", args=[order.number]),
                      {f"qty-{margherita.pk}": 1, f"qty-{Product.objects.get(slug='reine').pk}": 1})
    assert response.status_code == 302
    assert order.lines.get(product=margherita).quantity == 1


@pytest.mark.parametrize("typed", ["-1", "1.5", "2,5", "21", "99999999999999999999", "1e3", "abc"])
def test_change_quantities_are_whole_numbers_within_bounds(shops, people, client_for, typed):
    customer = people["customer"]
    order = order_of(customer, shops["bastille"], ("reine", 1))
    response = change(client_for(customer), order, {"reine": typed})
    text = response.content.decode()
    assert response.status_code == 200 and ("entier" in text or "comprise" in text)
    order.refresh_from_db()
    assert order.lines.get().quantity == 1


def test_cart_raises_a_line_at_todays_price_after_the_discount_ended(client, shops, people, client_for):
    margherita = on_discount("margherita")
    c = client_for(people["customer"])
    shop = shops["bastille"]
    c.post(reverse("home:cart_add"), {"pizzeria": shop.slug, "product": margherita.pk, "quantity": 1})
    page = c.get(reverse("home:cart")).content.decode()
    assert str(margherita.discount_price).replace(".", ",") in page
    margherita = end_discount(margherita)
    c.post(reverse("home:cart_update"), {"product": margherita.pk, "quantity": 3})
    page = c.get(reverse("home:cart")).content.decode()
    full = str(margherita.price * 3).replace(".", ",")
    assert full in page
    # And the order made from it is charged today's price.
    page = c.get("/commande/").content.decode()
    number = re.search(r'name="number" value="([^"]+)"', page).group(1)
    c.post("/commande/", {"number": number, "fulfilment": "pickup", "payment_method": "on_delivery"})
    order = Order.objects.filter(customer=people["customer"]).latest("pk")
    assert order.total == margherita.price * 3 and order.lines.get().unit_price == margherita.price
