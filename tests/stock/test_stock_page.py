"""F-ADM-1: the stock page of a shop, its "can still make" counts and corrections through the ledger."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse

from pizzeria.models import Stock, StockMovement
from pizzeria.services import correct_stock
from product.models import Ingredient
from tests.support.chain_fixtures import people  # noqa: F401 (fixtures: the factory-built chain)

URL = "admin:pizzeria_stock_shop_stock"


@pytest.fixture
def shops(chain):
    """The factory-built chain's shops (conftest `chain`): Montmartre is short of mozzarella,
    below its low-stock threshold and below one margherita."""
    menu, montmartre = chain.menu, chain.shops["montmartre"]
    short = Stock.objects.get(pizzeria=montmartre, ingredient=menu.mozza).quantity
    assert short < menu.mozza.low_stock_threshold and short < menu.margherita.recipe_lines.get(ingredient=menu.mozza).quantity
    return chain.shops


def ledger_sum(stock):
    return Decimal(stock.movements.aggregate(s=Sum("delta"))["s"] or 0).quantize(Decimal("0.001"))


@pytest.mark.django_db
def test_page_lists_ingredients_low_flags_and_makeable(shops, people, client_for):
    c = client_for(people["manager"])
    page = c.get(reverse(URL) + "?shop=montmartre").content.decode()
    # Montmartre has little mozzarella: flagged, and margherita's count is limited by it.
    assert "Mozzarella" in page and "Stock bas" in page
    assert 'data-product="margherita"' in page and "Limité par" in page
    assert "Corriger le stock" in page
    # Another shop's manager does not get Montmartre: the page falls back to their own shop.
    other = client_for(people["manager_boulogne"]).get(reverse(URL) + "?shop=montmartre").content.decode()
    assert "Montmartre" not in other and "Boulogne" in other
    # A driver has no stock page.
    assert client_for(people["driver"]).get(reverse(URL)).status_code == 403


@pytest.mark.django_db
def test_correction_goes_through_the_ledger_with_reason(shops, people, client_for):
    shop = shops["bastille"]
    mozza = Ingredient.objects.get(name="Mozzarella")
    stock = Stock.objects.get(pizzeria=shop, ingredient=mozza)
    before = stock.quantity
    c = client_for(people["pizzaiolo"])
    url = reverse(URL) + "?shop=bastille"
    response = c.post(url, {"ingredient": mozza.pk, "mode": "delta", "value": "-250", "reason": "loss", "note": "Tombé"},
                      follow=True)
    assert any("nouveau stock" in str(m) for m in response.context["messages"])
    stock.refresh_from_db()
    assert stock.quantity == before - 250
    movement = stock.movements.latest("pk")
    assert movement.reason == StockMovement.Reason.LOSS and movement.user == people["pizzaiolo"]
    assert stock.quantity == ledger_sum(stock)
    # Inventory count: the ledger gets the difference.
    c.post(url, {"ingredient": mozza.pk, "mode": "counted", "value": "1000", "reason": "inventory"})
    stock.refresh_from_db()
    assert stock.quantity == Decimal("1000") == ledger_sum(stock)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"mode": "delta", "value": "abc", "reason": "correction"}, "Saisissez un nombre"),
        ({"mode": "counted", "value": "-5", "reason": "inventory"}, "négative"),
        ({"mode": "delta", "value": "-999999", "reason": "loss"}, "Stock insuffisant"),
        ({"mode": "delta", "value": "10", "reason": "loss"}, "négative attendue"),
        ({"mode": "delta", "value": "-10", "reason": "delivery"}, "positive attendue"),
        ({"mode": "delta", "value": "10", "reason": "correction", "note": ""}, "Expliquez"),
        ({"mode": "delta", "value": "1e30", "reason": "delivery"}, "invraisemblable"),
        ({"mode": "delta", "value": "10", "reason": "order"}, "Sélectionnez un choix valide"),
    ],
)
def test_nonsense_corrections_are_refused_clearly(shops, people, client_for, data, message):
    mozza = Ingredient.objects.get(name="Mozzarella")
    stock = Stock.objects.get(pizzeria=shops["bastille"], ingredient=mozza)
    before = stock.quantity
    response = client_for(people["manager"]).post(reverse(URL) + "?shop=bastille", {"ingredient": mozza.pk, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    # Said at the top of the page too, with a link to the form (issue 19).
    top = response.content.decode().split('id="correction-errors"')[1].split("</div>")[0]
    assert message in top and 'href="#correction"' in top
    stock.refresh_from_db()
    assert stock.quantity == before


@pytest.mark.django_db
def test_service_refuses_another_shops_staff(shops, people):
    mozza = Ingredient.objects.get(name="Mozzarella")
    with pytest.raises(ValidationError):
        correct_stock(pizzeria=shops["bastille"], ingredient=mozza, by=people["manager_boulogne"],
                      reason="delivery", delta=10)
    with pytest.raises(ValidationError):
        correct_stock(pizzeria=shops["bastille"], ingredient=mozza, by=people["driver"], reason="delivery", delta=10)


@pytest.mark.django_db
def test_page_shows_what_placed_orders_hold(chain, people, client_for):
    """Issue 17: a placed order's reservation shows in the Réservé column and lowers the makeable
    count, while the quantity itself only moves at acceptance."""
    from order.services import place_order

    menu, bastille = chain.menu, chain.shops["bastille"]
    page_url = reverse(URL) + "?shop=bastille"
    c = client_for(people["manager"])
    before = c.get(page_url).context["products"]
    place_order(pizzeria=bastille, customer=people["customer"], lines=[(menu.margherita, 2)], fulfilment="pickup",
                payment_method="on_delivery", channel="web", by=people["customer"])
    response = c.get(page_url)
    stock = next(s for s in response.context["stocks"] if s.ingredient_id == menu.mozza.pk)
    per_pizza = menu.margherita.recipe_lines.get(ingredient=menu.mozza).quantity
    assert stock.reserved == 2 * per_pizza
    assert stock.quantity == Stock.objects.get(pk=stock.pk).quantity == ledger_sum(stock)
    assert f'data-reserved="{stock.reserved}"' in response.content.decode()
    count = {p.pk: a.makeable for p, a in before}[menu.margherita.pk]
    assert {p.pk: a.makeable for p, a in response.context["products"]}[menu.margherita.pk] < count
