"""Issue 16 acceptance in Chromium, on a phone: a customer customises pizzas (size, extra,
removal, half and half), watches the price follow, sees the allergens in the cart and before
paying, pays, and the kitchen sees the choices and the recipe that results; the stock takes
exactly that recipe when the kitchen accepts."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from order.models import Order
from pizzeria.models import Stock
from tests.browser.helpers import admin_login, site_login
from tests.browser.test_checkout_card import type_card

pytestmark = pytest.mark.django_db(transaction=True)


def mozzarella(shop="bastille"):
    return Stock.objects.get(pizzeria__slug=shop, ingredient__name="Mozzarella").quantity


def test_customer_orders_a_customised_pizza_on_a_phone_and_the_kitchen_sees_the_choices(
    phone_page, page, live_server, stripe_webhooks, demo_users
):
    customer = phone_page
    site_login(customer, live_server)
    customer.goto(f"{live_server.url}/pizzeria/bastille/")

    # A large Reine with extra mozzarella, without mushrooms: 15,00 + 2,00.
    reine = customer.locator("#produit-reine")
    expect(reine.locator(".allergens")).to_contain_text("Céréales contenant du gluten, Lait")
    expect(reine.locator(".live-price .price-value")).to_have_text("11,50 €")
    reine.get_by_label("Grande 40 cm — 15,00 €").check()
    expect(reine.locator(".live-price .price-value")).to_have_text("15,00 €")
    reine.get_by_text("Personnaliser").click()
    reine.get_by_label("+ Mozzarella").check()
    reine.get_by_label("sans champignons").check()
    expect(reine.locator(".live-price .price-value")).to_have_text("17,00 €")
    reine.get_by_role("button", name="Ajouter Reine").click()
    expect(customer.get_by_role("status")).to_contain_text(
        "Reine (Grande 40 cm — + Mozzarella — sans champignons) ajouté au panier."
    )

    # Half Margherita, half Quatre fromages, medium: the dearer half, 13,00.
    margherita = customer.locator("#produit-margherita")
    margherita.get_by_text("Personnaliser").click()
    margherita.get_by_label("Moitié-moitié avec").select_option(label="Quatre fromages")
    expect(margherita.locator(".live-price .price-value")).to_have_text("13,00 €")
    margherita.get_by_role("button", name="Ajouter Margherita").click()
    expect(customer.get_by_role("status")).to_contain_text("Margherita / Quatre fromages")

    customer.get_by_role("link", name="Voir mon panier (2 articles)").click()
    expect(customer.locator("#cart-total")).to_have_text("30,00 €")
    expect(customer.locator("table.cart")).to_contain_text("Grande 40 cm — + Mozzarella — sans champignons")
    expect(customer.locator("table.cart")).to_contain_text("½ Margherita | ½ Quatre fromages")

    # Before paying: each line with its allergens.
    customer.goto(f"{live_server.url}/commande/")
    summary = customer.locator("section[aria-labelledby=summary-title]")
    expect(summary.locator(".allergens").first).to_contain_text("Allergènes : Céréales contenant du gluten, Lait")
    expect(summary).to_contain_text("sans champignons")
    expect(customer.locator("#checkout-total")).to_have_text("30,00 €")
    customer.check("input[name=fulfilment][value=pickup]")
    customer.check("input[name=payment_method][value=card_online]")
    customer.click("#place-order")
    customer.wait_for_url("**/commande/OC-*/paiement/**")
    number = Order.objects.get(customer=demo_users["customer"], status=Order.Status.AWAITING_CONFIRMATION).number
    type_card(customer, "4242424242424242")
    customer.click("#pay-button")
    customer.wait_for_url(f"{live_server.url}/commande/{number}/confirmation/")
    order = Order.objects.get(number=number)
    assert order.status == Order.Status.TO_PREPARE and order.total == Decimal("30.00")

    # The kitchen sees the choices and the recipe that results, and accepting takes exactly it.
    admin_login(page, live_server, "pizzaiolo@ocpizza.fr", then="/admin/order/order/kitchen/")
    card = page.locator(f"article[data-order='{number}']")
    expect(card).to_contain_text("Grande 40 cm — + Mozzarella — sans champignons")
    expect(card).to_contain_text("½ Margherita")
    expect(card).to_contain_text("½ Quatre fromages")
    expect(card).to_contain_text("Mozzarella : 240 g")  # 120 × 1.5 + 40 × 1.5 per large Reine
    before = mozzarella()
    card.get_by_role("button", name="Accepter").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"Commande {number} : En préparation.")).to_be_visible()
    assert before - mozzarella() == Decimal("240") + Decimal("100")  # Reine + ½ 120 + ½ 80
