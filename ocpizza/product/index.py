"""Algolia index of the menu (F-SEARCH-1), discovered by algoliasearch_django at start-up.

Records are sent on save only when ALGOLIA_APP_ID and ALGOLIA_API_KEY are set (settings.ALGOLIA
"AUTO_INDEXING"); otherwise nothing leaves the server and search goes through the database
(product.selectors.database_search). Rebuild an index with `manage.py algolia_reindex`.
"""
from algoliasearch_django import AlgoliaIndex
from algoliasearch_django.decorators import register

from product.models import Product
from product.selectors import unaccent


def _money(amount):
    # Decimal is not JSON: records carry prices as numbers.
    return float(amount) if amount is not None else None


@register(Product)
class ProductIndex(AlgoliaIndex):
    index_name = "products"
    fields = ("name", "slug", "category", "description")
    should_index = "is_active"
    settings = {
        "searchableAttributes": ["name", "ingredients", "description"],
        "attributesForFaceting": ["category"],
        "customRanking": ["asc(name)"],
        "queryLanguages": ["fr"],
        "ignorePlurals": True,
        "removeStopWords": True,
    }

    def get_raw_record(self, instance, update_fields=None):
        # Prices, photo and ingredients are not plain model fields: added to every full record,
        # and to a partial one when the price changed.
        record = super().get_raw_record(instance, update_fields)
        if not update_fields or {"price", "discount_price"} & set(update_fields):
            record["price"] = _money(instance.price)
            record["selling_price"] = _money(instance.selling_price)
        if not update_fields:
            record["image"] = instance.image.url if instance.image else ""
            record["ingredients"] = [line.ingredient.name for line in instance.recipe_lines.select_related("ingredient")]
            record["plain_text"] = unaccent(" ".join([instance.name, *record["ingredients"]]))
        return record
