"""F-SEARCH-1: the Algolia index declared in product/index.py, checked without the network."""
from algoliasearch_django import algolia_engine
from django.conf import settings
from django.db.models.signals import post_save

from product.models import Product


def test_product_is_registered_with_prefixed_index_and_settings(db):
    assert algolia_engine.is_registered(Product)
    adapter = algolia_engine.get_adapter(Product)
    assert adapter.index_name == f"{settings.ALGOLIA['INDEX_PREFIX']}_products"
    assert adapter.settings["searchableAttributes"] == ["name", "ingredients", "description"]
    assert adapter.settings["attributesForFaceting"] == ["category"]


def test_record_holds_fields_prices_and_ingredients(shops):
    adapter = algolia_engine.get_adapter(Product)
    marinara = Product.objects.get(slug="marinara")
    record = adapter.get_raw_record(marinara)
    assert record["objectID"] == marinara.pk
    assert record["name"] == "Marinara" and record["slug"] == "marinara" and record["category"] == "pizza"
    assert record["price"] == 8.5 and record["selling_price"] == 7.5
    assert set(record["ingredients"]) == {"Pâte à pizza", "Sauce tomate", "Ail", "Origan", "Huile d'olive"}
    assert "huile d'olive" in record["plain_text"] and "pate a pizza" in record["plain_text"]
    assert record["image"] == ""
    partial = adapter.get_raw_record(marinara, update_fields=["price"])
    assert set(partial) == {"objectID", "price", "selling_price"}


def test_inactive_products_are_not_indexed(shops):
    adapter = algolia_engine.get_adapter(Product)
    reine = Product.objects.get(slug="reine")
    assert adapter._should_index(reine)
    reine.is_active = False
    assert not adapter._should_index(reine)


def test_without_credentials_nothing_is_sent_and_search_uses_the_database(db):
    assert settings.ALGOLIA["AUTO_INDEXING"] is False and settings.SEARCH_BACKEND == "database"
    receivers = [r for r in post_save._live_receivers(Product)[0] if getattr(r, "__self__", None) is algolia_engine]
    assert receivers == []
