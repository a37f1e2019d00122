"""Reads for the kitchen and driver queues (F-OM-1, F-OM-4) and the phone-order form's
customer lookup (issue 13 M5). The shop stock page reads pizzeria.selectors.stock_overview."""
import re

from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Replace

from account import session_user
from account.models import User
from account.roles import has_role, is_head_office, pizzerias_of
from ocpizza.prepared import PreparedQuery
from order.models import Order, OrderLine, OrderLineNeed
from order.rules import DRIVER_STATUSES, KITCHEN_STATUSES, Role
from pizzeria.models import Pizzeria
from product.models import Reminder

KITCHEN_ROLES = (Role.PIZZAIOLO, Role.MANAGER)
DRIVER_ROLES = (Role.DRIVER, Role.MANAGER)


# The user's credentials and every role they hold in a shop, with the shop: one row per role (a
# LEFT JOIN: one row of None for someone with none), compiled once (ocpizza.prepared).
_queue_access_rows = PreparedQuery(
    lambda user_pk: User._default_manager.filter(pk=user_pk).order_by().values_list(
        "password", "is_active", "is_staff",
        "memberships__role", "memberships__pizzeria_id", "memberships__pizzeria__slug", "memberships__pizzeria__status",
    ),
    "int",
)

QUEUE_ROLES = {"kitchen": KITCHEN_ROLES, "drivers": DRIVER_ROLES}


def queue_access(user_pk):
    """What a queue refresh answered 304 needs of the user (order.freshness.queue_access_key, kept
    in the cache), from one query: their session hash ("" if they cannot log in,
    account.session_user), is_staff, and for each queue the open shops where they hold one of its
    roles, {slug: shop id} (queue_pizzerias' rule for staff; head office is left to the full page)."""
    rows = _queue_access_rows(user_pk)
    access = {"hash": "", "is_staff": False, **{kind: {} for kind in QUEUE_ROLES}}
    if not rows:
        return access
    password, is_active, is_staff = rows[0][:3]
    access.update(hash=session_user.auth_hash(user_pk, password, is_active), is_staff=bool(is_staff))
    for *_credentials, role, shop_id, slug, status in rows:
        if shop_id is None or status == Pizzeria.Status.CLOSED:
            continue
        for kind, roles in QUEUE_ROLES.items():
            if role in roles:
                access[kind][slug] = shop_id
    return access


def queue_pizzerias(user, roles):
    """Open pizzerias whose queue `user` may work in (head office: all of them)."""
    shops = Pizzeria.objects.exclude(status=Pizzeria.Status.CLOSED)
    if not is_head_office(user):
        shops = shops.filter(pk__in=pizzerias_of(user, *roles))
    return shops.order_by("name")


def _with_lines(queryset, *, recipes):
    lines = OrderLine.objects.select_related("product").order_by("pk")
    if recipes:
        # The recipe a line was priced with (product.line_recipe: size, extras, removals, halves),
        # stored with it: the ticket shows what accept_order takes, even if the menu changed since.
        lines = lines.prefetch_related(
            Prefetch(
                "needs",
                queryset=OrderLineNeed.objects.select_related("ingredient__unit").order_by("ingredient__name"),
            ),
            Prefetch(
                "product__reminders",
                queryset=Reminder.objects.select_related("author").order_by("-created_at"),
            ),
        )
    # The cards name the pizzaiolo (kitchen) and the driver (drivers): joined, not a query per card.
    return queryset.select_related("pizzeria", "customer", "pizzaiolo", "driver").prefetch_related(
        Prefetch("lines", queryset=lines)
    )


def kitchen_queue(*, pizzeria):
    """Orders the kitchen works on, by the time they must be ready (issue 17; orders without
    one, placed before, come last, oldest first): to prepare, in preparation, and pickups waiting.

    Delivery orders leave the kitchen queue once ready (they are the drivers' then).
    """
    orders = Order.objects.filter(pizzeria=pizzeria, status__in=KITCHEN_STATUSES).exclude(
        status=Order.Status.READY, fulfilment=Order.Fulfilment.DELIVERY
    )
    # Payments prefetched: the buttons' payment check (order.workflow) reads them, not a query each.
    return list(_with_lines(orders, recipes=True).prefetch_related("payments").order_by(
        F("ready_by").asc(nulls_last=True), "created_at", "pk"
    ))


def driver_queue(*, pizzeria, user):
    """The user's own deliveries on the road first (issue 19: they were below the ready ones),
    then delivery orders ready to take (oldest first), then other drivers' on the road.

    A driver sees the orders they carry; a manager or head office sees every driver's.
    """
    orders = Order.objects.filter(
        pizzeria=pizzeria,
        fulfilment=Order.Fulfilment.DELIVERY,
        status__in=DRIVER_STATUSES,
    )
    if not has_role(user, pizzeria, Role.MANAGER):
        orders = orders.filter(Q(status=Order.Status.READY) | Q(driver=user))
    orders = list(
        _with_lines(orders, recipes=False)
        .prefetch_related("payments")
        .select_related("driver")
        .order_by("-status", "ready_at", "pk")
    )
    # A stable sort: the database's order inside each group.
    return sorted(orders, key=lambda order: order.driver_id != user.pk)


def queue_signature(orders, extra=""):
    """A short value that changes whenever the queue's content changes (polling compares it);
    `extra` adds what changes with the clock alone (late orders, issue 17)."""
    return "|".join(f"{o.pk}:{o.status}:{o.payment_status}:{o.updated_at.timestamp()}" for o in orders) + extra


def unacknowledged(*, pizzerias, before=None):
    """Orders to prepare that nobody in the kitchen has acknowledged yet (they ring), oldest
    first; with `before`, only those that reached the kitchen before then (escalated)."""
    orders = Order.objects.filter(
        pizzeria__in=pizzerias, status=Order.Status.TO_PREPARE, acknowledged_at__isnull=True
    )
    if before is not None:
        orders = orders.filter(confirmed_at__lte=before)
    return list(orders.select_related("pizzeria").order_by("confirmed_at", "pk"))


# --- phone orders: who is calling (issue 13 M5) ----------------------------------------------


def phone_variants(phone):
    """The ways one French number is written once spaces, dots and dashes are gone:
    "06 11 22 33 44", "06.11.22.33.44" and "+33 6 11 22 33 44" give the same variants."""
    digits = re.sub(r"[\s.\-()/]", "", phone or "")
    if digits.startswith("0033"):
        digits = "+33" + digits[4:]
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        return []
    if digits.startswith("+33") and len(digits) == 12:
        return [digits, "0" + digits[3:]]
    if digits.startswith("0") and len(digits) == 10:
        return [digits, "+33" + digits[1:]]
    return [digits]


def previous_phone_order(*, pizzeria, phone, delivered=False):
    """The latest order placed *in this pizzeria* under this exact phone number, or None
    (with delivered=True, the latest one delivered to an address: where to deliver again).

    The only lookup staff have when typing a phone order: it shows them what their shop's order
    list already shows (its own orders), never a customer's account, address book or e-mail, and
    never another shop's orders. Nothing is looked up by e-mail, so no answer tells whether an
    e-mail has an account."""
    variants = phone_variants(phone)
    if not variants:
        return None
    compact = F("customer_phone")
    for separator in (" ", ".", "-", "(", ")", "/"):
        compact = Replace(compact, Value(separator), Value(""))
    orders = Order.objects.filter(pizzeria=pizzeria).exclude(customer_phone="")
    if delivered:
        orders = orders.filter(fulfilment=Order.Fulfilment.DELIVERY).exclude(delivery_line="")
    return (
        orders
        .annotate(compact_phone=compact)
        .filter(compact_phone__in=variants)
        .order_by("-created_at", "-pk")
        .first()
    )
