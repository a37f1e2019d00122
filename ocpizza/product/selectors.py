"""Reads on the menu: a pizzeria's catalogue with live availability, and product search (F-ORD-1, F-SEARCH-1)."""
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Func, OuterRef, Q, TextField

from pizzeria.selectors import Availability, product_availability
from product.models import Product, RecipeLine

LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}


def unaccent(text):
    """"Œuf à la Crème" -> "oeuf a la creme": what both sides of an accent-insensitive search compare."""
    text = "".join(LIGATURES.get(ch, ch) for ch in (text or ""))
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _register_sqlite_unaccent(connection):
    connection.ensure_connection()
    raw = connection.connection
    # Remembered on Django's wrapper: a reconnection brings a new raw connection to set up.
    if getattr(connection, "_ocpizza_unaccent_on", None) is not raw:
        raw.create_function("ocpizza_unaccent", 1, unaccent, deterministic=True)
        connection._ocpizza_unaccent_on = raw


class Unaccented(Func):
    """An accent- and case-free view of a text column, for icontains.

    SQLite has no such function: a Python one is registered on the connection. MariaDB/MySQL
    compare with an accent-insensitive collation (utf8mb4_unicode_ci: é = e, œ = oe), whatever the
    table's own collation."""

    output_field = TextField()
    function = "LOWER"

    def as_sqlite(self, compiler, connection, **extra):
        _register_sqlite_unaccent(connection)
        return self.as_sql(compiler, connection, function="ocpizza_unaccent", **extra)

    def as_mysql(self, compiler, connection, **extra):
        # LIKE compares character by character, so the collation's expansions (œ = oe) do not
        # apply to it: ligatures are spelt out first.
        template = "(%(expressions)s)"
        for ligature, letters in (("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE")):
            template = f"REPLACE({template}, '{ligature}', '{letters}')"
        return self.as_sql(compiler, connection, template=f"({template} COLLATE utf8mb4_unicode_ci)", **extra)


def database_search(queryset, query):
    """Products of `queryset` whose name, description or an ingredient contains every word of
    `query`, accents and case ignored ("reine" finds "Reine", "champignon" finds "Champignons")."""
    for word in unaccent(query).split():
        ingredient_match = RecipeLine.objects.filter(product=OuterRef("pk")).annotate(
            plain=Unaccented("ingredient__name")
        ).filter(plain__icontains=word)
        queryset = queryset.annotate(plain_name=Unaccented("name"), plain_description=Unaccented("description")).filter(
            Q(plain_name__icontains=word) | Q(plain_description__icontains=word) | Exists(ingredient_match)
        )
    return queryset


def algolia_search_ids(query):
    """Product ids matching `query` in Algolia, best first (only when ALGOLIA_* is configured)."""
    from algoliasearch_django import raw_search

    result = raw_search(Product, query, {"hitsPerPage": 200, "attributesToRetrieve": ["objectID"]}) or {}
    return [int(hit["objectID"]) for hit in result.get("hits", [])]


def search_backend():
    return getattr(settings, "SEARCH_BACKEND", "database")


@dataclass(frozen=True)
class CatalogueItem:
    product: Product
    ingredients: list
    availability: Availability

    @property
    def is_available(self):
        return self.availability.is_available


def catalogue(*, pizzeria, query="", category=""):
    """The pizzeria's menu with each product's ingredients and availability.

    A fixed number of queries whatever the size of the menu: products, the ingredient names of
    their recipes (one query), and availability (one query); Algolia adds none to the database."""
    products = Product.objects.filter(is_active=True)
    if category:
        products = products.filter(category=category)
    order = None
    query = (query or "").strip()
    if query:
        if search_backend() == "algolia":
            order = algolia_search_ids(query)
            products = products.filter(pk__in=order)
        else:
            products = database_search(products, query)
    products = list(products.order_by("category", "name"))
    # Ingredient names as plain tuples: building RecipeLine and Ingredient objects for every line
    # of every product was most of the page's time.
    ingredients = {}
    if products:
        rows = RecipeLine.objects.filter(product_id__in=[p.pk for p in products]).order_by("pk")
        for product_id, name in rows.values_list("product_id", "ingredient__name"):
            ingredients.setdefault(product_id, []).append(name)
    if order is not None:
        rank = {pk: i for i, pk in enumerate(order)}
        products.sort(key=lambda p: rank.get(p.pk, len(rank)))
    availability = product_availability(pizzeria=pizzeria, product_ids=[p.pk for p in products]) if products else {}
    return [
        CatalogueItem(
            product=product,
            ingredients=ingredients.get(product.pk, []),
            availability=availability[product.pk],
        )
        for product in products
    ]


def catalogue_version(*, pizzeria):
    """A value that changes whenever what a pizzeria's catalogue shows may change: its stock, the
    products or the recipes (latest update and row count of each, so deletions count too).

    One query of scalar subqueries; every write of these tables goes through save(),
    bulk_create() or an update that sets updated_at (pizzeria.services, order.services, imports)."""
    from django.db import connection

    from pizzeria.models import Stock

    stock, product, recipe = Stock._meta.db_table, Product._meta.db_table, RecipeLine._meta.db_table
    sql = (
        f"SELECT (SELECT MAX(updated_at) FROM {stock} WHERE pizzeria_id = %s),"
        f" (SELECT COUNT(*) FROM {stock} WHERE pizzeria_id = %s),"
        f" (SELECT MAX(updated_at) FROM {product}), (SELECT COUNT(*) FROM {product}),"
        f" (SELECT MAX(updated_at) FROM {recipe}), (SELECT COUNT(*) FROM {recipe})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pizzeria.pk, pizzeria.pk])
        return "|".join(str(value) for value in cursor.fetchone())
