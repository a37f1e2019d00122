"""Reads on pizzerias, their stock and what they can make: availability, a shop's catalogue
(F-ORD-1), the stock page's overview."""
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from account.roles import is_head_office, pizzerias_of
from pizzeria.models import Pizzeria, Stock
from product.models import Product, RecipeLine
from product.selectors import algolia_search_ids, database_search, menu_order, search_backend, typo_matches


def scope_to_user(queryset, user, path="pizzeria", roles=()):
    """Rows of `queryset` that `user` may see: all for head office, else those of their shops.

    `path` leads from the queryset's model to its Pizzeria ("" for Pizzeria itself).
    """
    if is_head_office(user):
        return queryset
    lookup = f"{path}__in" if path else "pk__in"
    return queryset.filter(**{lookup: pizzerias_of(user, *roles)})


def pizzerias_for(user, roles=()):
    return scope_to_user(Pizzeria.objects.all(), user, "", roles)


@dataclass(frozen=True)
class Availability:
    """How many of a product a pizzeria can make now, and the ingredient that limits it."""

    makeable: int | None  # None: the product has no recipe line, nothing limits it
    limiting_ingredient: str | None = None

    @property
    def is_available(self):
        return self.makeable is None or self.makeable > 0

    def shortfall(self, product_name, quantity):
        """Why the pizzeria cannot make `quantity` × the product now (French), or "" if it can:
        the one message of the cart, the checkout, a change of an order and place_order."""
        if not self.is_available:
            return _(
                "%(name)s est épuisée dans cette pizzeria : il manque %(ingredient)s. "
                "Ce produit est indisponible jusqu'au prochain réapprovisionnement."
            ) % {
                "name": product_name, "ingredient": self.limiting_ingredient,
            }
        if self.makeable is not None and quantity > self.makeable:
            return _("Il ne reste de quoi préparer que %(count)d × %(name)s dans cette pizzeria.") % {
                "count": self.makeable, "name": product_name,
            }
        return ""


def product_availability(*, pizzeria, product_ids=None):
    """{product_id: Availability} from the pizzeria's stock and the recipes, in one query.

    A missing stock line counts as zero. Products without a recipe are always available.
    """
    stock_quantity = Stock.objects.filter(pizzeria=pizzeria, ingredient=OuterRef("ingredient_id")).values("quantity")[:1]
    lines = RecipeLine.objects.all()
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(product_ids))
    rows = lines.annotate(available=Coalesce(Subquery(stock_quantity), Value(Decimal(0)), output_field=DecimalField())).values_list(
        "product_id", "ingredient__name", "quantity", "available"
    )
    result = {}
    for product_id, ingredient_name, quantity, available in rows:
        count = int(Decimal(available) // quantity)
        current = result.get(product_id)
        if current is None or count < current.makeable:
            result[product_id] = Availability(makeable=count, limiting_ingredient=ingredient_name)
    if product_ids is not None:
        for product_id in product_ids:
            result.setdefault(product_id, Availability(makeable=None))
    return result


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
    menu = products
    if query:
        if search_backend() == "algolia":
            order = algolia_search_ids(query)
            products = products.filter(pk__in=order)
        else:
            products = database_search(products, query)
    products = list(products.order_by(*menu_order()))
    if not products and query and order is None:
        # Nothing matched exactly: a typo? ("margarita" finds the Margherita, issue 19)
        products = list(typo_matches(menu, query).order_by(*menu_order()))
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


def _catalogue_version_sql(shop_id_sql):
    stock, product, recipe = Stock._meta.db_table, Product._meta.db_table, RecipeLine._meta.db_table
    return (
        f"(SELECT MAX(updated_at) FROM {stock} WHERE pizzeria_id = {shop_id_sql}),"
        f" (SELECT COUNT(*) FROM {stock} WHERE pizzeria_id = {shop_id_sql}),"
        f" (SELECT MAX(updated_at) FROM {product}), (SELECT COUNT(*) FROM {product}),"
        f" (SELECT MAX(updated_at) FROM {recipe}), (SELECT COUNT(*) FROM {recipe})"
    )


def catalogue_version(*, pizzeria):
    """A value that changes whenever what a pizzeria's catalogue shows may change: its stock, the
    products or the recipes (latest update and row count of each, so deletions count too).

    One query of scalar subqueries; every write of these tables goes through save(),
    bulk_create() or an update that sets updated_at (pizzeria.services, order.services, imports)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + _catalogue_version_sql("%s"), [pizzeria.pk, pizzeria.pk])
        return "|".join(str(value) for value in cursor.fetchone())


def catalogue_page_version(*, slug):
    """catalogue_version plus the shop's own row (name, address, status), found by its slug, in
    one query; None when no shop open or opening soon has that slug (home.page_cache)."""
    table = Pizzeria._meta.db_table
    sql = f"SELECT p.id, p.updated_at, {_catalogue_version_sql('p.id')} FROM {table} p WHERE p.slug = %s AND p.status <> %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, Pizzeria.Status.CLOSED])
        row = cursor.fetchone()
    return None if row is None else "|".join(str(value) for value in row)


def shops_version():
    """A value that changes whenever a pizzeria is added, removed or edited (the home page)."""
    table = Pizzeria._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(updated_at), COUNT(*) FROM {table}")
        return "|".join(str(value) for value in cursor.fetchone())


def stock_overview(*, pizzeria):
    """(stock rows with ingredient and unit, [(product, Availability)] of the active products)."""
    stocks = list(
        Stock.objects.filter(pizzeria=pizzeria).select_related("ingredient__unit").order_by("ingredient__name")
    )
    products = list(Product.objects.filter(is_active=True).order_by(*menu_order()))
    availability = product_availability(pizzeria=pizzeria, product_ids=[p.pk for p in products])
    return stocks, [(product, availability[product.pk]) for product in products]
