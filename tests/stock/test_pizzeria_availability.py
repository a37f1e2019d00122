"""F-ORD-1 / F-ADM-1: what a pizzeria can make now, from its stock and the recipes."""
import pytest

from pizzeria.selectors import product_availability
from product.models import Product
from tests.factories import PizzeriaFactory, small_menu, stock_up


@pytest.mark.django_db
def test_short_of_mozzarella_shop_cannot_make_cheese_pizzas(django_assert_num_queries):
    menu = small_menu()
    short = PizzeriaFactory()
    stock_up(short, {menu.tomato: "8000", menu.mozza: "0", menu.ham: "3000", menu.garlic: "100"})
    full_shop = PizzeriaFactory()
    stock_up(full_shop, {menu.tomato: "8000", menu.mozza: "6000", menu.ham: "3000", menu.garlic: "100"})
    ids = list(Product.objects.values_list("pk", flat=True))
    # The recipes, then the shop's free stock (stock_levels): two queries whatever the menu's size.
    with django_assert_num_queries(2):
        availability = product_availability(pizzeria=short, product_ids=ids)
    by_slug = {p.slug: availability[p.pk] for p in Product.objects.all()}
    assert by_slug[menu.margherita.slug].makeable == 0
    assert by_slug[menu.margherita.slug].limiting_ingredient == menu.mozza.name
    assert not by_slug[menu.margherita.slug].is_available
    assert by_slug[menu.marinara.slug].is_available  # no cheese on a marinara
    assert by_slug[menu.cola.slug].makeable is None and by_slug[menu.cola.slug].is_available  # no recipe
    full = product_availability(pizzeria=full_shop, product_ids=ids)
    assert all(a.is_available for a in full.values())
