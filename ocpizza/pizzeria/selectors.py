"""Reads on pizzerias, their stock and what they can make: availability, a shop's catalogue
(F-ORD-1), the stock page's overview."""
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from account.roles import is_head_office, pizzerias_of
from pizzeria.models import Pizzeria, Stock, StockReservation
from product.models import Product, RecipeLine
from product.selectors import algolia_search_ids, database_search, search_backend


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


def _reserved(pizzeria, now, order=None):
    """Subquery: what active reservations (pizzeria.services.active_reservations: no expiry or
    not yet expired) hold of the outer recipe line's ingredient in `pizzeria`, `order`'s aside."""
    rows = StockReservation.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        stock__pizzeria=pizzeria, stock__ingredient=OuterRef("ingredient_id"),
    )
    if order is not None:
        rows = rows.exclude(order=order)
    return Subquery(rows.order_by().values("stock__ingredient").annotate(held=Sum("quantity")).values("held")[:1])


def product_availability(*, pizzeria, product_ids=None, order=None, now=None):
    """{product_id: Availability} from the pizzeria's stock less what placed orders hold
    (their active reservations, issue 17) and the recipes, in one query.

    `order`: an order being changed, whose own reservation is available to it. A missing stock
    line counts as zero. Products without a recipe are always available.
    """
    now = now or timezone.now()
    stock_quantity = Stock.objects.filter(pizzeria=pizzeria, ingredient=OuterRef("ingredient_id")).values("quantity")[:1]
    lines = RecipeLine.objects.all()
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(product_ids))
    decimal = DecimalField(max_digits=12, decimal_places=3)
    rows = lines.annotate(
        available=Coalesce(Subquery(stock_quantity), Value(Decimal(0)), output_field=decimal),
        reserved=Coalesce(_reserved(pizzeria, now, order), Value(Decimal(0)), output_field=decimal),
    ).values_list("product_id", "ingredient__name", "quantity", "available", "reserved")
    result = {}
    for product_id, ingredient_name, quantity, available, reserved in rows:
        free = max(Decimal(available) - Decimal(reserved), Decimal(0))
        count = int(free // quantity)
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
    products or the recipes (latest update and row count of each, so deletions count too), and
    the reservations of placed orders (count, latest, and the next expiry still to come, which
    changes when the earliest one passes: an expired reservation frees stock without a write).

    One query of scalar subqueries; every write of these tables goes through save(),
    bulk_create() or an update that sets updated_at (pizzeria.services, order.services, imports)."""
    stock, product, recipe = Stock._meta.db_table, Product._meta.db_table, RecipeLine._meta.db_table
    held = StockReservation._meta.db_table
    shop_held = f"FROM {held} r INNER JOIN {stock} s ON r.stock_id = s.id WHERE s.pizzeria_id = %s"
    sql = (
        f"SELECT (SELECT MAX(updated_at) FROM {stock} WHERE pizzeria_id = %s),"
        f" (SELECT COUNT(*) FROM {stock} WHERE pizzeria_id = %s),"
        f" (SELECT MAX(updated_at) FROM {product}), (SELECT COUNT(*) FROM {product}),"
        f" (SELECT MAX(updated_at) FROM {recipe}), (SELECT COUNT(*) FROM {recipe}),"
        f" (SELECT COUNT(*) {shop_held}), (SELECT MAX(r.created_at) {shop_held}),"
        f" (SELECT MIN(r.expires_at) {shop_held} AND r.expires_at > %s)"
    )
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(sql, [pizzeria.pk, pizzeria.pk, pizzeria.pk, pizzeria.pk, pizzeria.pk, now])
        return "|".join(str(value) for value in cursor.fetchone())


def stock_overview(*, pizzeria):
    """(stock rows with ingredient and unit, [(product, Availability)] of the active products).

    Each stock row carries `reserved`: what placed orders hold of it (active reservations)."""
    held = (
        StockReservation.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), stock=OuterRef("pk"))
        .order_by().values("stock").annotate(held=Sum("quantity")).values("held")[:1]
    )
    stocks = list(
        Stock.objects.filter(pizzeria=pizzeria)
        .annotate(reserved=Coalesce(Subquery(held), Value(Decimal(0)), output_field=DecimalField(max_digits=12, decimal_places=3)))
        .select_related("ingredient__unit").order_by("ingredient__name")
    )
    products = list(Product.objects.filter(is_active=True).order_by("category", "name"))
    availability = product_availability(pizzeria=pizzeria, product_ids=[p.pk for p in products])
    return stocks, [(product, availability[product.pk]) for product in products]
