"""Issue 19 acceptance, customer side, on a phone and a desktop: "Mes commandes" is in reach
from the header, the home page and the profile; the pages of checkout, change and the pending
change's payment (with "Renoncer à la modification", once white on white) pass the WCAG AA
contrast check and show no English; and the abandoned change leaves the order as it was."""
import pytest
from playwright.sync_api import expect

from order import payments
from product.models import Product
from tests.browser.a11y import english_leftovers, low_contrast
from tests.browser.helpers import site_login
from tests.support.payments_conftest import localstripe_card
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["phone_page", "page"], ids=["phone", "desktop"])
def any_page(request):
    return request.getfixturevalue(request.param)


def readable(page, name, failures):
    problems, english = low_contrast(page), english_leftovers(page)
    if problems or english:
        failures[name] = {"contrast": problems, "english": english}


def test_mes_commandes_is_in_reach_and_every_step_is_readable(any_page, live_server, demo_users, shops, stripe_local):
    page = any_page
    customer = demo_users["customer"]
    site_login(page, live_server)
    failures = {}

    # "Mes commandes" from the header (home page included) and from the profile.
    for path in ("/", "/pizzeria/bastille/", "/compte/profil/"):
        page.goto(f"{live_server.url}{path}")
        link = page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes commandes")
        expect(link).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Mes commandes")).to_be_visible()  # the profile's own
    page.locator("main").get_by_role("link", name="Mes commandes").click()
    expect(page.get_by_role("heading", name="Mes commandes")).to_be_visible()

    # Checkout.
    page.goto(f"{live_server.url}/pizzeria/bastille/")
    page.locator("#produit-reine").get_by_role("button", name="Ajouter Reine").click()
    page.goto(f"{live_server.url}/commande/")
    expect(page.locator("#place-order")).to_be_visible()
    readable(page, "checkout", failures)

    # A paid order, raised: the payment page of the pending change, then the change abandoned.
    order = card_order(shops, customer, lines=(("margherita", 1),))
    assert payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242")).succeeded
    margherita = Product.objects.get(slug="margherita")
    page.goto(f"{live_server.url}/mes-commandes/{order.number}/")
    readable(page, "order page", failures)
    page.get_by_role("link", name="Modifier la commande").click()
    quantity = page.locator(f"input[name='qty-{margherita.pk}']")
    expect(quantity).to_be_visible()
    readable(page, "change page", failures)
    quantity.fill("3")
    page.locator("#save-change").click()
    page.wait_for_url(f"**/commande/{order.number}/paiement/")
    abandon = page.get_by_role("button", name="Renoncer à la modification")
    expect(abandon).to_be_visible()
    readable(page, "pending change payment", failures)
    abandon.click()
    page.wait_for_url(f"**/mes-commandes/{order.number}/")
    expect(page.get_by_role("status").first).to_contain_text("Modification abandonnée")
    order.refresh_from_db()
    assert order.lines.get().quantity == 1 and order.total == margherita.selling_price
    assert failures == {}
