"""Reads on the menu: product search (F-SEARCH-1), the menu as product.line_recipe reads it. A pizzeria's catalogue with its live
availability is a shop read: pizzeria.selectors.catalogue."""
import unicodedata

from django.conf import settings
from difflib import get_close_matches

from django.db.models import Case, Exists, Func, IntegerField, OuterRef, Q, TextField, Value, When

from product.line_recipe import ExtraInfo, IngredientInfo, Menu, ProductInfo, RecipeItem, SizeInfo
from product.models import Extra, ExtraPrice, Product, ProductSize, RecipeLine, Size

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


# The menu as a pizzeria shows it (issue 19): pizzas first, then desserts, then drinks; the
# categories' own order (alphabetical codes) put the drinks first.
MENU_CATEGORIES = (Product.Category.PIZZA, Product.Category.DESSERT, Product.Category.DRINK)


def menu_order():
    """order_by() arguments: category in MENU_CATEGORIES order, then name."""
    rank = Case(
        *(When(category=category, then=Value(i)) for i, category in enumerate(MENU_CATEGORIES)),
        default=Value(len(MENU_CATEGORIES)), output_field=IntegerField(),
    )
    return (rank, "name")


# A typo in a product's name ("margarita", "quatre fromage") still finds it (issue 19): when the
# exact search finds nothing, the words of the query are compared with the words of the product
# names, in Python, with difflib. Two queries whatever the menu's size: the names, then the
# matching products (pizzeria.selectors.catalogue runs it only after an empty exact search).
TYPO_CUTOFF = 0.75


def typo_matches(queryset, query):
    """Products of `queryset` with, for every word of `query`, a word of their name close to it
    (difflib ratio >= TYPO_CUTOFF)."""
    vocabulary = {}
    for pk, name in queryset.values_list("pk", "name"):
        for word in unaccent(name).replace("-", " ").split():
            if len(word) >= 3:
                vocabulary.setdefault(word, set()).add(pk)
    matches = None
    for word in unaccent(query).split():
        close = get_close_matches(word, list(vocabulary), n=10, cutoff=TYPO_CUTOFF)
        pks = set().union(*(vocabulary[c] for c in close)) if close else set()
        matches = pks if matches is None else matches & pks
    return queryset.filter(pk__in=sorted(matches or []))


def algolia_search_ids(query):
    """Product ids matching `query` in Algolia, best first (only when ALGOLIA_* is configured)."""
    from algoliasearch_django import raw_search

    result = raw_search(Product, query, {"hitsPerPage": 200, "attributesToRetrieve": ["objectID"]}) or {}
    return [int(hit["objectID"]) for hit in result.get("hits", [])]


def search_backend():
    return getattr(settings, "SEARCH_BACKEND", "database")


def menu_for(product_ids=None, *, products=None, with_halves=False):
    """The menu as product.line_recipe reads it (plain values), for `product_ids` (None: the whole
    menu), in four queries whatever the number of products, sizes, extras and recipe lines:
    products, recipe lines with their ingredients, prices per size with their sizes, prices of the
    extras with their extras, sizes and ingredients. `products` (model instances the caller has
    read already) saves the first query; `with_halves` adds every active product sold half and half
    (the partners a card offers) to the same queries. Inactive products are included
    (line_recipe refuses them by name); an extra without any price is offered in no size."""
    if products is not None:
        products = list(products)
        wanted = Q(pk__in=[p.pk for p in products])
    elif product_ids is not None:
        wanted = Q(pk__in=list(product_ids))
    else:
        wanted = Q()
    if with_halves:
        wanted |= Q(is_active=True, allows_halves=True)
    if products is None or with_halves:
        known = {p.pk: p for p in products or ()}
        products = list(Product.objects.filter(wanted)) if wanted or product_ids is None else []
        products = [known.get(p.pk, p) for p in products]
    ids = [p.pk for p in products]
    lines = RecipeLine.objects.filter(product_id__in=ids).select_related("ingredient__unit").order_by("pk")
    ingredients, recipes, size_prices, sizes = {}, {}, {}, {}

    def remember(ingredient):
        if ingredient.pk not in ingredients:
            ingredients[ingredient.pk] = IngredientInfo(
                id=ingredient.pk, name=ingredient.name, unit=ingredient.unit.symbol,
                allergens=tuple(ingredient.allergens or ()), allergens_known=ingredient.allergens_known,
            )

    def size_info(size):
        if size.pk not in sizes:
            sizes[size.pk] = SizeInfo(id=size.pk, name=size.name, factor=size.factor, position=size.position)

    for line in lines if ids else ():
        remember(line.ingredient)
        recipes.setdefault(line.product_id, []).append(
            RecipeItem(ingredient_id=line.ingredient_id, quantity=line.quantity, removable=line.removable)
        )
    for row in ProductSize.objects.filter(product_id__in=ids).select_related("size") if ids else ():
        size_info(row.size)
        size_prices.setdefault(row.product_id, {})[row.size_id] = row.price
    extras = {}
    for row in ExtraPrice.objects.select_related("extra__ingredient__unit", "size").order_by("pk"):
        size_info(row.size)
        extra = row.extra
        remember(extra.ingredient)
        if extra.pk not in extras:
            extras[extra.pk] = ExtraInfo(
                id=extra.pk, name=extra.name, ingredient_id=extra.ingredient_id, quantity=extra.quantity,
                prices={}, is_active=extra.is_active, vat_category=extra.vat_category,
            )
        extras[extra.pk].prices[row.size_id] = row.price
    infos = {
        product.pk: ProductInfo(
            id=product.pk, name=product.name, selling_price=product.selling_price,
            recipe=tuple(recipes.get(product.pk, ())), size_prices=size_prices.get(product.pk, {}),
            allows_halves=product.allows_halves, is_active=product.is_active,
            vat_category=product.vat_category,
        )
        for product in products
    }
    return Menu(
        products=infos, sizes=sizes, extras=extras, ingredients=ingredients,
        half_price_rule=settings.HALF_AND_HALF_PRICE,
    )


def menu_options():
    """The choices a phone order form offers (issue 16), in four queries: sizes, extras on offer,
    ingredients some recipe lets a customer remove, products sold half and half."""
    return {
        "sizes": list(Size.objects.values_list("pk", "name")),
        "extras": list(Extra.objects.filter(is_active=True).values_list("pk", "name")),
        "removable": list(
            RecipeLine.objects.filter(removable=True).values_list("ingredient_id", "ingredient__name")
            .distinct().order_by("ingredient__name")
        ),
        "halves": list(Product.objects.filter(is_active=True, allows_halves=True).values_list("pk", "name")),
    }
