"""Reads on pizzerias, their stock and what they can make: availability, a shop's catalogue
(F-ORD-1), the stock page's overview."""
import functools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from account.roles import is_head_office, pizzerias_of
from pizzeria.models import OpeningHours, Pizzeria, SpecialDay, Stock, StockReservation
from product.line_recipe import LineChoice, line_recipe
from product.models import Extra, ExtraPrice, Ingredient, Product, ProductSize, RecipeLine, Size
from product.selectors import algolia_search_ids, database_search, menu_for, menu_order, search_backend, typo_matches


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


def availability_of(needs, stock, names):
    """Availability of something that takes `needs` ({ingredient_id: quantity per unit}) from
    `stock` ({ingredient_id: quantity}, a missing line counts as zero); `names` gives the limiting
    ingredient's name ({id: IngredientInfo or str}). Pure: the one computation of "how many can
    this shop make" for a line with options (sizes, extras, halves)."""
    best = None
    for ingredient_id, quantity in sorted(needs.items()):
        if quantity <= 0:
            continue
        count = int(Decimal(stock.get(ingredient_id, 0)) // quantity)
        if best is None or count < best.makeable:
            name = names.get(ingredient_id)
            best = Availability(makeable=count, limiting_ingredient=getattr(name, "name", name))
    return best or Availability(makeable=None)


def stock_levels(*, pizzeria, ingredient_ids=None, order=None, now=None):
    """{ingredient_id: quantity free} of a shop's stock: what it holds less what placed orders
    hold (their active reservations, issue 17; `order`'s own aside, for a change of it), in one
    query. What every "can this shop make it" of a line with options reads."""
    now = now or timezone.now()
    rows = Stock.objects.filter(pizzeria=pizzeria)
    if ingredient_ids is not None:
        rows = rows.filter(ingredient_id__in=list(ingredient_ids))
    held = StockReservation.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), stock=OuterRef("pk"))
    if order is not None:
        held = held.exclude(order=order)
    held = Subquery(held.order_by().values("stock").annotate(total=Sum("quantity")).values("total")[:1])
    rows = rows.annotate(held=Coalesce(held, Value(Decimal(0)), output_field=DecimalField(max_digits=12, decimal_places=3)))
    return {
        ingredient_id: max(Decimal(quantity) - Decimal(reserved), Decimal(0))
        for ingredient_id, quantity, reserved in rows.values_list("ingredient_id", "quantity", "held")
    }


def line_availability(*, pizzeria, recipes, menu, stock=None, order=None):
    """{key: Availability} of lines already priced by product.line_recipe ({key: LineRecipe}), from
    the shop's free stock in one query (or `stock` when the caller has read it); `order`: an order
    being changed, whose own reservation is available to it."""
    if stock is None:
        wanted = {i for recipe in recipes.values() for i in recipe.needs}
        stock = stock_levels(pizzeria=pizzeria, ingredient_ids=wanted, order=order) if wanted else {}
    return {key: availability_of(recipe.needs, stock, menu.ingredients) for key, recipe in recipes.items()}


def product_availability(*, pizzeria, product_ids=None, order=None, now=None):
    """{product_id: Availability} of products made by their recipe (no options), from the shop's
    free stock (stock_levels: what placed orders hold set aside) in two queries.

    `order`: an order being changed, whose own reservation is available to it. A missing stock
    line counts as zero. Products without a recipe are always available.
    """
    lines = RecipeLine.objects.all()
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(product_ids))
    needs, names = {}, {}
    for product_id, ingredient_id, ingredient_name, quantity in lines.values_list(
        "product_id", "ingredient_id", "ingredient__name", "quantity"
    ):
        needs.setdefault(product_id, {})[ingredient_id] = quantity
        names[ingredient_id] = ingredient_name
    stock = stock_levels(pizzeria=pizzeria, ingredient_ids=names, order=order, now=now) if names else {}
    result = {product_id: availability_of(product_needs, stock, names) for product_id, product_needs in needs.items()}
    if product_ids is not None:
        for product_id in product_ids:
            result.setdefault(product_id, Availability(makeable=None))
    return result


@dataclass(frozen=True)
class SizeOffer:
    """A size of a product on the catalogue: its price and how many the shop can make now."""

    size_id: int
    name: str
    price: Decimal
    availability: Availability
    is_reference: bool = False


@dataclass(frozen=True)
class ExtraOffer:
    """An extra on a product's card: its price per size and the sizes the shop can still add it to."""

    extra_id: int
    name: str
    prices: dict  # {size_id: price}
    possible_sizes: frozenset  # size ids where the product with this extra can be made now


@dataclass(frozen=True)
class CatalogueItem:
    product: Product
    ingredients: list
    availability: Availability
    sizes: tuple = ()  # SizeOffer, smallest first; empty: sold without size
    extras: tuple = ()  # ExtraOffer
    removable: tuple = ()  # (ingredient_id, name) the customer may ask to leave out
    halves: tuple = ()  # (product_id, name, {size_id: price}) it can be paired with, half and half
    allergens: str = ""  # of the reference recipe (product.line_recipe.allergen_text)

    @property
    def is_available(self):
        return self.availability.is_available


def _offers(product, menu, stock, half_partners):
    """Sizes, extras, removals and halves of one product, each priced and checked against the
    shop's stock by product.line_recipe (the same function as the cart and accept_order)."""
    info = menu.products[product.pk]
    base = line_recipe(LineChoice(product_id=product.pk), menu)
    reference = menu.reference_size(info)
    sizes = []
    for size in menu.sizes_of(info):
        recipe = line_recipe(LineChoice(product_id=product.pk, size_id=size.id), menu)
        sizes.append(
            SizeOffer(
                size_id=size.id, name=size.name, price=recipe.unit_price,
                availability=availability_of(recipe.needs, stock, menu.ingredients), is_reference=size == reference,
            )
        )
    extras = []
    if sizes:
        for extra in sorted(menu.extras.values(), key=lambda e: e.name):
            if not extra.is_active or not extra.prices:
                continue
            possible = set()
            for size in sizes:
                if size.size_id not in extra.prices:
                    continue
                try:
                    recipe = line_recipe(LineChoice(product_id=product.pk, size_id=size.size_id, extra_ids=(extra.id,)), menu)
                except ValidationError:
                    continue
                if availability_of(recipe.needs, stock, menu.ingredients).is_available:
                    possible.add(size.size_id)
            extras.append(ExtraOffer(extra_id=extra.id, name=extra.name, prices=dict(extra.prices), possible_sizes=frozenset(possible)))
    removable = tuple(
        (item.ingredient_id, menu.ingredients[item.ingredient_id].name) for item in info.recipe if item.removable
    )
    halves = ()
    if info.allows_halves and sizes:
        halves = tuple(
            (other.id, other.name, dict(other.size_prices)) for other in half_partners if other.id != product.pk
        )
    if sizes and any(s.availability.makeable is None for s in sizes):
        availability = Availability(makeable=None)
    elif sizes:  # the size that can be made most often (the smallest when none can)
        availability = max((s.availability for s in sizes), key=lambda a: a.makeable)
    else:
        availability = availability_of(base.needs, stock, menu.ingredients)
    return availability, tuple(sizes), tuple(extras), removable, halves, base.allergen_text


def catalogue(*, pizzeria, query="", category=""):
    """The pizzeria's menu with each product's ingredients, options and availability.

    A fixed number of queries whatever the size of the menu and the number of its options:
    products, the menu as product.line_recipe reads it (product.selectors.menu_for) and the
    shop's stock (one query); Algolia adds none to the database. A product sold in sizes is
    available when one of its sizes is."""
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
    if order is not None:
        rank = {pk: i for i, pk in enumerate(order)}
        products.sort(key=lambda p: rank.get(p.pk, len(rank)))
    if not products:
        return []
    # Halves pair with any active product that allows them, even one a search or a category left
    # out (without either, `products` already holds every active product).
    menu = menu_for(products=products, with_halves=bool(query or category))
    stock = stock_levels(pizzeria=pizzeria)
    partners = sorted((p for p in menu.products.values() if p.allows_halves and p.is_active), key=lambda p: p.name)
    items = []
    for product in products:
        availability, sizes, extras, removable, halves, allergens = _offers(product, menu, stock, partners)
        items.append(
            CatalogueItem(
                product=product,
                ingredients=[menu.ingredients[item.ingredient_id].name for item in menu.products[product.pk].recipe],
                availability=availability, sizes=sizes, extras=extras, removable=removable, halves=halves,
                allergens=allergens,
            )
        )
    return items


def _catalogue_version_columns(shop_id_sql):
    """Scalar subqueries: the shop's stock, the latest update and row count of every table the
    menu is read from (products, recipes, ingredients and their allergens, sizes, prices per size,
    extras), and the reservations of placed orders (count, latest, and the next expiry still to
    come, which changes when the earliest one passes: an expired reservation frees stock without
    a write). One parameter: now (for that expiry)."""
    stock, held = Stock._meta.db_table, StockReservation._meta.db_table
    menu_tables = [model._meta.db_table for model in (Product, RecipeLine, Ingredient, Size, ProductSize, Extra, ExtraPrice)]
    shop_held = f"FROM {held} r INNER JOIN {stock} s ON r.stock_id = s.id WHERE s.pizzeria_id = {shop_id_sql}"
    columns = [
        f"(SELECT MAX(updated_at) FROM {stock} WHERE pizzeria_id = {shop_id_sql})",
        f"(SELECT COUNT(*) FROM {stock} WHERE pizzeria_id = {shop_id_sql})",
    ]
    for table in menu_tables:
        columns += [f"(SELECT MAX(updated_at) FROM {table})", f"(SELECT COUNT(*) FROM {table})"]
    return columns + [
        f"(SELECT COUNT(*) {shop_held})",
        f"(SELECT MAX(r.created_at) {shop_held})",
        f"(SELECT MIN(r.expires_at) {shop_held} AND r.expires_at > %s)",
    ]


def _catalogue_version_sql(shop_id_sql):
    return ", ".join(_catalogue_version_columns(shop_id_sql))


def _now_param(now=None):
    return connection.ops.adapt_datetimefield_value(now or timezone.now())


def catalogue_version(*, pizzeria):
    """A value that changes whenever what a pizzeria's catalogue shows may change: its stock, the
    products, the recipes, the ingredients (allergens), sizes, prices per size and extras (latest
    update and row count of each, so deletions count too), and the reservations of placed orders.

    One query of scalar subqueries; every write of these tables goes through save(),
    bulk_create() or an update that sets updated_at (pizzeria.services, order.services, imports)."""
    with connection.cursor() as cursor:
        shop = pizzeria.pk
        cursor.execute("SELECT " + _catalogue_version_sql("%s"), [shop, shop, shop, shop, shop, _now_param()])
        return "|".join(str(value) for value in cursor.fetchone())


def _text(expression, vendor):
    """`expression` as text, NULL as "-" (so that neighbouring values never run together)."""
    if vendor == "mysql":
        return f"COALESCE(CAST({expression} AS CHAR), '-')"
    return f"COALESCE(CAST({expression} AS TEXT), '-')"


def _joined(expressions, vendor, separator="|"):
    """SQL of one text value made of `expressions`, on MariaDB/MySQL or SQLite (and PostgreSQL)."""
    if vendor == "mysql":
        return f"CONCAT_WS('{separator}', " + ", ".join(_text(e, vendor) for e in expressions) + ")"
    return f" || '{separator}' || ".join(_text(e, vendor) for e in expressions)


@functools.cache
def _catalogue_page_version_sql(vendor):
    table = Pizzeria._meta.db_table
    weekly = (
        f"(SELECT GROUP_CONCAT({_joined(['h.weekday', 'h.opens', 'h.closes'], vendor, ',')}) "
        f"FROM {OpeningHours._meta.db_table} h WHERE h.pizzeria_id = p.id)"
    )
    special = (
        f"(SELECT GROUP_CONCAT({_joined(['d.date', 'd.closed', 'd.opens', 'd.closes'], vendor, ',')}) "
        f"FROM {SpecialDay._meta.db_table} d WHERE d.pizzeria_id = p.id AND d.date >= %s)"
    )
    # What catalogue_version reads, one subquery per table rather than one per value: the server
    # plans and runs half as many (it is most of the check's time).
    stock, held = Stock._meta.db_table, StockReservation._meta.db_table
    menu_tables = [model._meta.db_table for model in (Product, RecipeLine, Ingredient, Size, ProductSize, Extra, ExtraPrice)]
    latest_and_count = _joined(["MAX(updated_at)", "COUNT(*)"], vendor, ",")
    reservations = _joined(
        ["COUNT(*)", "MAX(r.created_at)", "MIN(CASE WHEN r.expires_at > %s THEN r.expires_at END)"], vendor, ","
    )
    expressions = [
        "p.id", "p.updated_at", "p.status", "p.paused_until", weekly, special,
        f"(SELECT {latest_and_count} FROM {stock} WHERE pizzeria_id = p.id)",
        *(f"(SELECT {latest_and_count} FROM {table})" for table in menu_tables),
        f"(SELECT {reservations} FROM {held} r INNER JOIN {stock} s ON r.stock_id = s.id WHERE s.pizzeria_id = p.id)",
    ]
    return f"SELECT {_joined(expressions, vendor)} FROM {table} p WHERE p.slug = %s AND p.status <> %s"


def catalogue_page_version(*, slug, now):
    """What catalogue_version covers plus what the page says of the shop itself (its row, its weekly hours and
    its special days from yesterday on, which decide the "closed now" notice), found by its slug;
    None when no shop open or opening soon has that slug (home.page_cache).

    One query answering one text value: the anonymous catalogue checks it on every request, and
    the database driver reads one column far faster than the twenty-odd it is made of."""
    sql = _catalogue_page_version_sql(connection.vendor)
    yesterday = connection.ops.adapt_datefield_value(timezone.localdate(now) - timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(sql, [yesterday, _now_param(now), slug, Pizzeria.Status.CLOSED])
        row = cursor.fetchone()
    return None if row is None else row[0]


def shops_version():
    """A value that changes whenever a pizzeria is added, removed or edited (the home page)."""
    table = Pizzeria._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(updated_at), COUNT(*) FROM {table}")
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
    products = list(Product.objects.filter(is_active=True).order_by(*menu_order()))
    availability = product_availability(pizzeria=pizzeria, product_ids=[p.pk for p in products])
    return stocks, [(product, availability[product.pk]) for product in products]
