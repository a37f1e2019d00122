"""Issue 17 in Chromium: a customer orders for a later slot while the shop is paused and sees
the promised time; the kitchen screen rings, the pizzaiolo acknowledges and accepts, the ticket
prints exactly once (the print dialog is captured); the customer's page follows the status live."""
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from order.models import Order, OrderPrint
from pizzeria.slots import pause_orders
from tests.browser.helpers import admin_login

pytestmark = pytest.mark.django_db(transaction=True)


def customer_login(page, live_server):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("client@ocpizza.fr")
    page.get_by_label("Mot de passe").fill("pizza-demo-2026")
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_paused_shop_later_slot_kitchen_rings_and_prints_once(browser, page, live_server, demo_users, shops):
    # The kitchen has seen the demo's orders already: only the new one rings.
    Order.objects.filter(pizzeria=shops["bastille"]).update(acknowledged_at=timezone.now())
    pause_orders(pizzeria=shops["bastille"], minutes=30, by=demo_users["manager"])

    # The customer: the menu says the shop is paused, the checkout offers only later slots.
    customer_login(page, live_server)
    page.goto(f"{live_server.url}/pizzeria/bastille/")
    expect(page.locator("#hours-notice")).to_contain_text("pause")
    page.locator("#produit-margherita").get_by_role("button", name="Ajouter Margherita").click()
    page.goto(f"{live_server.url}/commande/")
    expect(page.locator("#shop-closed")).to_contain_text("reprend les commandes")
    when = page.get_by_label("Heure")
    assert "Dès que possible" not in when.inner_text()
    when.select_option(index=0)
    page.get_by_label("À emporter").check()
    page.get_by_label("À la livraison ou au retrait (espèces ou carte)").check()
    page.locator("#place-order").click()
    expect(page.get_by_role("heading", name="Merci pour votre commande !")).to_be_visible()
    order = Order.objects.get(number=page.locator("#order-number").inner_text())
    assert order.status == Order.Status.TO_PREPARE
    assert order.scheduled_for is not None and order.scheduled_for >= shops["bastille"].paused_until
    promised = order.promised_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M")
    expect(page.locator(".promise")).to_contain_text(promised)
    page.goto(f"{live_server.url}/mes-commandes/{order.number}/")
    expect(page.locator("#order-status")).to_have_text("À préparer")

    # The kitchen, in its own browser context; every call of window.print (any frame) is counted.
    kitchen_context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    kitchen_context.set_default_timeout(15000)
    prints = []
    kitchen_context.expose_binding("ocpizzaPrinted", lambda source: prints.append(source["frame"].url))
    # The frame that prints tells the Python side and marks the kitchen page (what the test waits for).
    kitchen_context.add_init_script(
        "window.print = function () { var root = window.top.document.documentElement;"
        " root.dataset.printed = String(Number(root.dataset.printed || 0) + 1); window.ocpizzaPrinted(); };"
    )
    kitchen = kitchen_context.new_page()
    try:
        admin_login(kitchen, live_server, "pizzaiolo@ocpizza.fr")
        kitchen.goto(f"{live_server.url}/admin/order/order/kitchen/?shop=bastille")
        card = kitchen.locator(f'article[data-order="{order.number}"]')
        expect(card).to_have_class(re.compile("oc-ringing"))
        expect(kitchen.locator("#oc-bell")).to_be_visible()
        kitchen.wait_for_function("window.ocpizzaRings >= 2")  # it keeps ringing
        card.get_by_role("button", name="Vu").click()
        expect(kitchen.locator("#oc-bell")).to_be_hidden()
        assert kitchen.evaluate("window.ocpizzaRinging") is False

        kitchen.locator(f'article[data-order="{order.number}"]').get_by_role("button", name="Accepter").click()
        expect(kitchen.locator(f'article[data-order="{order.number}"]')).to_contain_text("En préparation")
        kitchen.wait_for_function("document.documentElement.dataset.printed === '1'")
        expect(kitchen.frame_locator("#oc-print").locator('[data-kind="label"]')).to_contain_text(order.number)
        assert len(prints) == 1 and "/ticket/?print=1" in prints[0]
        kitchen.reload()
        expect(kitchen.locator(f'article[data-order="{order.number}"]')).to_be_visible()
        assert kitchen.locator("#oc-print").count() == 0 and len(prints) == 1  # a reload prints nothing
        assert OrderPrint.objects.filter(order=order, automatic=True).count() == 2  # ticket and label, once
    finally:
        kitchen_context.close()

    # The customer's page, left open, follows the status without a reload.
    expect(page.locator("#order-status")).to_have_text("En préparation", timeout=20000)
    expect(page.locator(".promise")).to_contain_text(promised)
