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
from tests.browser.helpers import site_login, staff_session

pytestmark = pytest.mark.django_db(transaction=True)


def test_paused_shop_later_slot_kitchen_rings_and_prints_once(browser, page, live_server, demo_users, shops):
    # The kitchen has seen the demo's orders already: only the new one rings.
    Order.objects.filter(pizzeria=shops["bastille"]).update(acknowledged_at=timezone.now())
    pause_orders(pizzeria=shops["bastille"], minutes=30, by=demo_users["manager"])

    # The customer: the menu says the shop is paused, the checkout offers only later slots.
    site_login(page, live_server)
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
    page.clock.install()  # the page's timers on Playwright's clock: its next poll can be brought forward
    page.goto(f"{live_server.url}/mes-commandes/{order.number}/")
    expect(page.locator("#order-status")).to_have_text("À préparer")

    # The kitchen, in its own browser context; every call of window.print (any frame) is counted.
    kitchen_context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", reduced_motion="no-preference")
    kitchen_context.set_default_timeout(15000)
    prints = []
    kitchen_context.expose_binding("ocpizzaPrinted", lambda source: prints.append(source["frame"].url))
    # The frame that prints tells the Python side and marks the kitchen page (what the test waits for).
    kitchen_context.add_init_script(
        "window.print = function () { var root = window.top.document.documentElement;"
        " root.dataset.printed = String(Number(root.dataset.printed || 0) + 1); window.ocpizzaPrinted(); };"
    )
    kitchen_context.clock.install()  # its timers on Playwright's clock: the next ring can be brought forward
    kitchen = kitchen_context.new_page()
    try:
        staff_session(kitchen, live_server, "pizzaiolo@ocpizza.fr")
        kitchen.goto(f"{live_server.url}/admin/order/order/kitchen/?shop=bastille")
        card = kitchen.locator(f'article[data-order="{order.number}"]')
        expect(card).to_have_class(re.compile("oc-ringing"))
        expect(kitchen.locator("#oc-bell")).to_be_visible()
        kitchen.clock.fast_forward(2000)  # the bell's next ring (every 2 s) is due
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
    page.clock.fast_forward(4000)  # its next poll (every 4 s) is due: it runs once
    expect(page.locator("#order-status")).to_have_text("En préparation")
    expect(page.locator(".promise")).to_contain_text(promised)


RING_ANIMATIONS = "Array.from(document.getAnimations()).filter(a => a.animationName === 'oc-ring').length"


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_a_ringing_card_pulses_unless_the_device_asks_for_less_motion(browser, live_server, demo_users, motion):
    # The demo's orders have not been seen by the kitchen: they ring.
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", reduced_motion=motion)
    context.set_default_timeout(15000)
    kitchen = context.new_page()
    try:
        staff_session(kitchen, live_server, "pizzaiolo@ocpizza.fr")
        kitchen.goto(f"{live_server.url}/admin/order/order/kitchen/?shop=bastille")
        cards = kitchen.locator("article.oc-ringing")
        expect(cards.first).to_be_visible()
        ringing = cards.count()
        assert ringing >= 1
        # The card is lit either way: a red layer behind its text.
        lit = cards.first.evaluate("card => getComputedStyle(card, '::before').backgroundColor")
        assert lit == "rgba(220, 38, 38, 0.25)"
        if motion == "reduce":
            assert kitchen.evaluate(RING_ANIMATIONS) == 0
            assert cards.first.evaluate("card => getComputedStyle(card, '::before').opacity") == "0.8"
        else:
            assert kitchen.evaluate(RING_ANIMATIONS) == ringing
        expect(kitchen.locator("#oc-bell")).to_be_visible()  # the bell rings all the same
    finally:
        context.close()
