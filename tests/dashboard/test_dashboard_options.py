"""Issue 16: the dashboard's products by size, extras sold and ingredient use per size, from what
the order lines store (product.line_recipe), on the orders that count as revenue."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboard.forms import Period
from dashboard.selectors.options import option_sales
from order.services import accept_order, deliver_order, finish_order, place_order
from product.line_recipe import LineChoice
from tests.factories.people import UserFactory
from tests.factories.scenes import crew, options_menu, stock_up
from tests.factories.shops import PizzeriaFactory

pytestmark = pytest.mark.django_db


def test_products_by_size_extras_and_ingredients_per_size(client_for):
    menu = options_menu()
    shop = PizzeriaFactory(slug="bastille")
    stock_up(shop, {i: "10000" for i in (menu.dough, menu.tomato, menu.mozza, menu.ham, menu.mushrooms, menu.cream, menu.gorgonzola)})
    people = crew(shop, "pizzaiolo", "manager")
    customer = UserFactory()
    lines = [
        (LineChoice(product_id=menu.reine.pk, size_id=menu.large.pk, extra_ids=[menu.extra_mozza.pk], removed_ids=[menu.mushrooms.pk]), 2),
        (LineChoice(product_id=menu.margherita.pk, size_id=menu.medium.pk, half_id=menu.four_cheeses.pk), 1),
        (menu.cola, 3),
    ]
    order = place_order(pizzeria=shop, customer=customer, lines=lines, fulfilment="pickup", payment_method="on_delivery", by=customer)
    accept_order(order, by=people["pizzaiolo"])
    finish_order(order, by=people["pizzaiolo"])
    deliver_order(order, by=people["pizzaiolo"], collected="56.50", method="cash")
    today = timezone.localdate()
    period = Period(today - timedelta(days=1), today + timedelta(days=1), "test")

    result = option_sales(pizzerias=[shop], period=period)

    assert result.by_size[:2] == [("Coca-Cola", "sans taille", 3, Decimal("10.50")), ("Reine", "Grande 40 cm", 2, Decimal("33.00"))]
    assert ("Margherita / Quatre fromages", "Moyenne 33 cm", 1, Decimal("13.00")) in result.by_size
    assert result.extras == [("Mozzarella", 2)]
    used = {(name, size): quantity for name, _unit, size, quantity in result.ingredients_by_size}
    assert used[("Mozzarella", "Grande 40 cm")] == Decimal("420")  # 2 × (150 + 60)
    assert used[("Mozzarella", "Moyenne 33 cm")] == Decimal("100")  # ½ 120 + ½ 80
    assert ("Champignons", "Grande 40 cm") not in used

    page = client_for(people["manager"]).get("/admin/").content.decode()
    assert "Produits par taille" in page and "Suppléments vendus" in page and "Ingrédients utilisés par taille" in page
