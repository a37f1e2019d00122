"""F-ORD-1 / F-ADM-1: what a pizzeria can make now, from its stock and the recipes."""
import pytest

from pizzeria.selectors import product_availability
from product.models import Product


@pytest.mark.django_db
def test_short_of_mozzarella_shop_cannot_make_cheese_pizzas(shops, django_assert_num_queries):
    ids = list(Product.objects.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        availability = product_availability(pizzeria=shops["montmartre"], product_ids=ids)
    by_slug = {p.slug: availability[p.pk] for p in Product.objects.all()}
    assert by_slug["margherita"].makeable == 0
    assert by_slug["margherita"].limiting_ingredient == "Mozzarella"
    assert not by_slug["margherita"].is_available
    assert by_slug["marinara"].is_available  # no cheese on a marinara
    full = product_availability(pizzeria=shops["bastille"], product_ids=ids)
    assert all(a.is_available for a in full.values())
