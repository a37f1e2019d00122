"""F-OM-1..6 in Chromium: the kitchen sees a new web order arrive without reloading, accepts it,
the stock page shows the decrement; a driver on a 390 px phone takes and delivers it."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from order.models import Order
from order.services import place_order
from product.models import Product, RecipeLine
from tests.browser.helpers import admin_login

pytestmark = pytest.mark.django_db(transaction=True)


def mozzarella_shown(page, live_server):
    page.goto(f"{live_server.url}/admin/pizzeria/stock/shop/?shop=bastille")
    return Decimal(page.locator('tr[data-ingredient="Mozzarella"] td[data-quantity]').get_attribute("data-quantity"))


def test_kitchen_then_driver(page, phone_page, live_server, demo_users, shops):
    customer = demo_users["customer"]
    admin_login(page, live_server, "pizzaiolo@ocpizza.fr", then="/admin/order/order/kitchen/")
    before = mozzarella_shown(page, live_server)

    # The page's timers run on Playwright's clock (time flows as usual), so the test can bring the
    # queue's next refresh forward instead of waiting up to 5 s for it.
    page.clock.install()
    page.goto(f"{live_server.url}/admin/order/order/kitchen/")
    expect(page.get_by_text("Mise à jour automatique")).to_be_visible()
    page.evaluate("window.__notReloaded = true")

    # A customer orders on the site meanwhile (same service as the site's checkout).
    order = place_order(
        pizzeria=shops["bastille"], customer=customer, lines=[(Product.objects.get(slug="reine"), 2)],
        fulfilment="delivery", payment_method="on_delivery", channel="web",
        address=customer.addresses.first(), by=customer,
    )
    card = page.locator(f'article[data-order="{order.number}"]')
    page.clock.fast_forward(5000)  # the queue's next refresh (every 5 s) is due: it runs once
    expect(card).to_be_visible()
    assert page.evaluate("window.__notReloaded === true")  # it came by polling, not by a reload
    expect(card).to_contain_text("Mozzarella")  # the recipe is beside the line

    card.get_by_role("button", name="Accepter").click()
    expect(page.locator(f'article[data-order="{order.number}"]')).to_contain_text("En préparation")
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PREPARATION

    per_pizza = RecipeLine.objects.get(product__slug="reine", ingredient__name="Mozzarella").quantity
    assert mozzarella_shown(page, live_server) == before - 2 * per_pizza

    page.goto(f"{live_server.url}/admin/order/order/kitchen/")
    page.locator(f'article[data-order="{order.number}"]').get_by_role("button", name="Terminer").click()
    expect(page.locator(f'article[data-order="{order.number}"]')).to_have_count(0)  # now the drivers'

    # The driver, on a phone.
    phone = phone_page
    admin_login(phone, live_server, "livreur@ocpizza.fr", then="/admin/order/order/drivers/")
    card = phone.locator(f'article[data-order="{order.number}"]')
    expect(card).to_contain_text(order.delivery_line)
    expect(card.locator("a[href^='https://www.google.com/maps']")).to_be_visible()
    card.get_by_role("button", name="Prendre en livraison").click()
    card = phone.locator(f'article[data-order="{order.number}"]')
    expect(card).to_contain_text("En livraison")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    card.locator("select[name=method]").select_option("cash")
    card.get_by_role("button", name="Livrée et encaissée").click()
    expect(phone.locator(f'article[data-order="{order.number}"]')).to_have_count(0)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert order.collected_amount == order.total and order.collected_method == "cash"
    assert order.driver == demo_users["driver"]
