"""Issue 19: the address checked in the cart ("Livraison possible") is the one checkout uses, in
one flow, on a phone and on a desktop (F-ORD-3, F-ORD-5).

- A customer without a saved address types and checks it in the cart, then finds it at checkout
  without typing it again, and the order is delivered there.
- A customer with a saved default checks another address in the cart: that one, not the
  default, is used.
"""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from account.models import Address
from order.models import Order
from tests.browser.helpers import site_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["phone_page", "page"], ids=["phone", "desktop"])
def any_page(request):
    return request.getfixturevalue(request.param)


def fill_cart(page, live_server):
    page.goto(f"{live_server.url}/pizzeria/bastille/")
    page.locator("#produit-reine").get_by_role("button", name="Ajouter Reine").click()
    expect(page.get_by_role("status").first).to_contain_text("ajouté au panier.")
    page.goto(f"{live_server.url}/panier/")


def check_in_cart(page, line, postcode, city):
    form = page.locator("section[aria-labelledby=livraison] form")
    form.get_by_label("Numéro et rue").fill(line)
    form.get_by_label("Code postal").fill(postcode)
    form.get_by_label("Ville").fill(city)
    form.get_by_role("button", name="Vérifier l'adresse").click()
    expect(page.get_by_text(f"Livraison possible à : {line}, {postcode} {city}")).to_be_visible()


def place_cash_delivery(page):
    """Checkout without touching the address: delivery, pay on delivery."""
    page.get_by_role("link", name="Commander", exact=True).click()
    page.wait_for_url("**/commande/")
    page.locator("input[name=fulfilment][value=delivery]").check()
    page.locator("input[name=payment_method][value=on_delivery]").check()
    page.locator("#place-order").click()
    page.wait_for_url("**/confirmation/")


def test_checked_address_without_a_saved_one_is_used_without_retyping(any_page, live_server, demo_users):
    page = any_page
    customer = demo_users["customer"]
    customer.addresses.all().delete()
    site_login(page, live_server)
    fill_cart(page, live_server)
    expect(page.get_by_label("Adresse enregistrée")).to_have_count(0)  # none to choose from
    check_in_cart(page, "25 rue Keller", "75011", "Paris")

    page.get_by_role("link", name="Commander", exact=True).click()
    page.wait_for_url("**/commande/")
    page.locator("input[name=fulfilment][value=delivery]").check()
    # The checked address is there, visible and filled in: nothing to type again.
    expect(page.get_by_label("Numéro et rue")).to_be_visible()
    expect(page.get_by_label("Numéro et rue")).to_have_value("25 rue Keller")
    expect(page.get_by_label("Code postal")).to_have_value("75011")
    expect(page.get_by_label("Ville")).to_have_value("Paris")
    page.locator("input[name=payment_method][value=on_delivery]").check()
    page.locator("#place-order").click()
    page.wait_for_url("**/confirmation/")

    order = Order.objects.get(customer=customer, status=Order.Status.TO_PREPARE, pizzeria__slug="bastille",
                              delivery_line="25 rue Keller")
    assert (order.fulfilment, order.delivery_postcode, order.delivery_city) == (Order.Fulfilment.DELIVERY, "75011", "Paris")
    page.goto(f"{live_server.url}/mes-commandes/{order.number}/")
    expect(page.locator("main")).to_contain_text("25 rue Keller, 75011 Paris")


def test_checked_address_wins_over_the_saved_default(any_page, live_server, demo_users):
    page = any_page
    customer = demo_users["customer"]
    customer.addresses.all().delete()
    default = Address.objects.create(
        user=customer, is_default=True, line="10 rue de la Roquette", postcode="75011", city="Paris",
        latitude=Decimal("48.853"), longitude=Decimal("2.372"),
    )
    site_login(page, live_server)
    fill_cart(page, live_server)
    # The saved default is proposed; typing another address checks that one.
    expect(page.get_by_label("Adresse enregistrée")).to_have_value(str(default.pk))
    check_in_cart(page, "25 rue Keller", "75011", "Paris")
    expect(page.get_by_text("Livraison possible à : 10 rue de la Roquette")).to_have_count(0)

    page.get_by_role("link", name="Commander", exact=True).click()
    page.wait_for_url("**/commande/")
    page.locator("input[name=fulfilment][value=delivery]").check()
    expect(page.locator("input[name=saved_address][value=new]")).to_be_checked()
    expect(page.locator(f"input[name=saved_address][value='{default.pk}']")).not_to_be_checked()
    expect(page.get_by_label("Numéro et rue")).to_be_visible()
    expect(page.get_by_label("Numéro et rue")).to_have_value("25 rue Keller")
    page.locator("input[name=payment_method][value=on_delivery]").check()
    page.locator("#place-order").click()
    page.wait_for_url("**/confirmation/")

    order = Order.objects.filter(customer=customer, pizzeria__slug="bastille").latest("created_at")
    assert (order.delivery_line, order.delivery_postcode, order.delivery_city) == ("25 rue Keller", "75011", "Paris")
    assert list(customer.addresses.values_list("line", flat=True)) == ["10 rue de la Roquette"]  # not saved unasked
