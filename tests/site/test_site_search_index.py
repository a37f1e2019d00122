"""F-SEARCH-1: the Algolia index declared in product/index.py, checked without the network.

The suite runs without Algolia's credentials, so algoliasearch_django is not an installed app
here (settings.search): importing product.index registers the index as the app's start-up does
when they are set; a fresh process checks both start-ups."""
import json
import os

from algoliasearch_django import algolia_engine
from django.conf import settings
from django.db.models.signals import post_save

import product.index  # noqa: F401  (registers the index, as the app's autodiscovery does)
from product.models import Product
from tests.support.queue_helpers import run_django

START_UP = """
import json, sys
from django.apps import apps
from django.conf import settings
from product.models import Product
engine = sys.modules.get("algoliasearch_django.registration")
print(json.dumps({
    "installed": apps.is_installed("algoliasearch_django"),
    "client_loaded": "algoliasearch" in sys.modules,
    "registered": bool(engine and engine.algolia_engine.is_registered(Product)),
    "backend": settings.SEARCH_BACKEND,
}))
"""


def _start_up(app_id="", api_key=""):
    # Set even when empty: a developer's ocpizza/ocpizza/.env never overrides a variable.
    env = dict(os.environ, ALGOLIA_APP_ID=app_id, ALGOLIA_API_KEY=api_key)
    return json.loads(run_django(env, START_UP).splitlines()[-1])


def test_with_credentials_the_app_starts_with_the_index_and_without_them_algolia_is_never_loaded():
    configured = _start_up("TESTAPP", "test-key")
    assert configured == {"installed": True, "client_loaded": True, "registered": True, "backend": "algolia"}
    # Without them nothing of Algolia is imported: a third of every Django start-up (0.5 s).
    assert _start_up() == {"installed": False, "client_loaded": False, "registered": False, "backend": "database"}


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
