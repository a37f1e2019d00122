"""Checkout in Chromium against the live server and localstripe's fake Stripe.js (F-ORD-4, F-ORD-5).

A customer orders two pizzas for delivery, pays with a 3-D Secure card, completes the challenge,
lands on the confirmation and the order shows in the Bastille kitchen queue; a declined card
shows the French message and a retry with a good card succeeds; a pay-on-delivery order goes
straight to the kitchen.
"""
import re

import pytest
from playwright.sync_api import expect

from order.models import Order, Payment
from tests.browser.helpers import DEMO_PASSWORD, site_login

pytestmark = pytest.mark.django_db(transaction=True)


def add_to_cart(page, live_server, slug, quantity):
    page.goto(f"{live_server.url}/pizzeria/bastille/")
    form = page.locator(f"#produit-{slug} form.add")
    form.locator("input[name=quantity]").fill(str(quantity))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def checkout(page, live_server, *, fulfilment, payment):
    page.goto(f"{live_server.url}/commande/")
    page.check(f"input[name=fulfilment][value={fulfilment}]")
    if fulfilment == "delivery":
        new_address = page.locator("input[name=saved_address][value=new]")
        if new_address.count():
            new_address.check()
        page.fill("input[name=line]", "10 rue de la Roquette")
        page.fill("input[name=postcode]", "75011")
        page.fill("input[name=city]", "Paris")
        page.fill("input[name=phone]", "0601020304")
    page.check(f"input[name=payment_method][value={payment}]")
    page.click("#place-order")
    page.wait_for_load_state()
    return re.search(r"/commande/(OC-[A-Z0-9-]+)/", page.url).group(1)


def type_card(page, number):
    card = page.locator("#card-element")
    for placeholder, value in (("number", number), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123"), ("postal_code", "75011")):
        field = card.get_by_placeholder(placeholder, exact=True)
        field.fill("")
        field.fill(value)


def test_three_d_secure_delivery_order_reaches_the_kitchen(page, browser, live_server, stripe_webhooks, demo_users):
    site_login(page, live_server)
    add_to_cart(page, live_server, "margherita", 1)
    add_to_cart(page, live_server, "reine", 1)
    number = checkout(page, live_server, fulfilment="delivery", payment="card_online")
    expect(page.locator("#amount")).to_be_visible()
    assert Order.objects.get(number=number).status == Order.Status.AWAITING_CONFIRMATION

    type_card(page, "4000002500003155")
    page.click("#pay-button")
    # localstripe's fake 3-D Secure: once when the card is set up, once for the payment.
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(f"{live_server.url}/commande/{number}/confirmation/")
    expect(page.locator("#order-number")).to_have_text(number)
    expect(page.locator("#payment-state")).to_contain_text("accepté")

    order = Order.objects.get(number=number)
    assert order.status == Order.Status.TO_PREPARE
    assert order.fulfilment == Order.Fulfilment.DELIVERY and order.lines.count() == 2
    assert order.amount_paid == order.total

    kitchen = browser.new_context(locale="fr-FR")
    kitchen_page = kitchen.new_page()
    kitchen_page.goto(f"{live_server.url}/admin/order/order/kitchen/?shop=bastille")  # -> admin login, then back
    kitchen_page.fill("input[name=username]", "pizzaiolo@ocpizza.fr")
    kitchen_page.fill("input[name=password]", DEMO_PASSWORD)
    kitchen_page.click("button[type=submit]")
    kitchen_page.wait_for_url(re.compile(r".*/admin/order/order/kitchen/.*"))
    expect(kitchen_page.get_by_text(number).first).to_be_visible()
    kitchen.close()


def test_declined_card_then_good_card_and_pay_on_delivery(page, live_server, stripe_local, demo_users):
    site_login(page, live_server)
    add_to_cart(page, live_server, "margherita", 2)
    number = checkout(page, live_server, fulfilment="pickup", payment="card_online")

    type_card(page, "4000000000000002")
    page.click("#pay-button")
    expect(page.locator("#payment-error")).to_have_text(
        "Votre carte a été refusée. Vérifiez ses informations ou essayez une autre carte."
    )
    assert Order.objects.get(number=number).status == Order.Status.AWAITING_CONFIRMATION

    type_card(page, "4000000000000341")  # accepted at setup, declined when charged
    page.click("#pay-button")
    expect(page.locator("#payment-error")).to_contain_text("refusée")
    expect(page.locator("#pay-button")).to_be_enabled()

    type_card(page, "4242424242424242")
    page.click("#pay-button")
    page.wait_for_url(f"{live_server.url}/commande/{number}/confirmation/")
    order = Order.objects.get(number=number)
    assert order.status == Order.Status.TO_PREPARE
    assert order.payments.filter(status=Payment.Status.SUCCEEDED).count() == 1
    # Both refusals are on record: the one at card setup (no intent) and the one when charged.
    failed = order.payments.filter(status=Payment.Status.FAILED)
    assert failed.count() == 2
    assert all("refusée" in p.failure_message for p in failed)

    add_to_cart(page, live_server, "reine", 1)
    cash_number = checkout(page, live_server, fulfilment="pickup", payment="on_delivery")
    page.wait_for_url(f"{live_server.url}/commande/{cash_number}/confirmation/")
    expect(page.locator("#order-number")).to_have_text(cash_number)
    assert Order.objects.get(number=cash_number).status == Order.Status.TO_PREPARE

    # "Mes commandes" lists both, and the order page refreshes itself when the kitchen accepts.
    page.goto(f"{live_server.url}/mes-commandes/")
    expect(page.get_by_text(number)).to_be_visible()
    expect(page.get_by_text(cash_number)).to_be_visible()
    page.clock.install()  # the page's timers on Playwright's clock: its next poll can be brought forward
    page.goto(f"{live_server.url}/mes-commandes/{cash_number}/")
    expect(page.locator("#cancel-order")).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("À préparer")
    from order.services import accept_order

    accept_order(Order.objects.get(number=cash_number), by=demo_users["pizzaiolo"])
    page.clock.fast_forward(4000)  # the page's next poll (every 4 s) is due: it runs once
    expect(page.locator("#order-status")).to_have_text("En préparation")
    expect(page.locator("#cancel-order")).to_have_count(0)
