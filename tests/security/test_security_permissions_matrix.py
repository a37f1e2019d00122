"""Who may open what: every admin URL and every public URL taking an id, tried by every role.

ONE table (MODEL_VIEWS for the five views Django's admin generates per registered model, and
URLS for every other URL) says, for each URL and each role, what must happen. The URL patterns
are enumerated from the resolver: an admin URL or a public URL with a parameter that has no row
fails `test_every_url_has_a_row`, so a new page cannot ship without its line of permissions.

Roles, in the order of the expectation strings (one character each):

    A  anonymous           a  customer A (owns the objects)     b  customer B
    d  driver of shop 1    p  pizzaiolo of shop 1                m  manager of shop 1
    D  driver of shop 2    P  pizzaiolo of shop 2                M  manager of shop 2
    H  head office
    x  pizzaiolo of shop 1 and manager of shop 2 (mixed roles)
    y  driver of shop 1 and pizzaiolo of shop 2 (mixed roles)

A mixed-role user gets, on each object, what the roles held in THAT object's shop give (issue
13 H2): x reads shop 1's pizzeria page like a pizzaiolo even though he manages shop 2.

Shop 1 is Bastille (the objects are Bastille's, and customer A's), shop 2 is Boulogne.
Outcomes:
    o  allowed: 200 (for an admin change page, with the right to save)
    r  allowed to read only: 200, an admin change page without the right to save
    a  acted: the request did what it asks (checked in the database) and was not refused
    .  refused: 403, 404, or sent to a login page; and nothing changed
    *  anything but a server error (pages public by nature, plain redirects)
    x  400 Bad Request (the Stripe webhook without a valid signature)

Besides GETs, every change form and every history version form (simple-history's page of one
past version) is POSTed by every role, with the data a browser would send and one field changed
(MODEL_VIEWS' probe). A change POST must act (checked in the database) where the change page is
"o" and the form has something to edit, and change nothing elsewhere; a history version POST
changes nothing for anyone, head office included (issue 13 C1).

Every request runs in a transaction rolled back afterwards, so all roles meet the same data.
"""
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from typing import Callable

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.support.admin_forms import admin_form_data, snapshot
from tests.support.sessions import log_in

ROLES = ("anonymous", "customer_a", "customer_b", "driver_1", "pizzaiolo_1", "manager_1",
         "driver_2", "pizzaiolo_2", "manager_2", "head_office", "cook_1_manager_2", "driver_1_cook_2")
LOGIN_PATHS = ("/admin/login/", "/compte/connexion/")


@dataclass
class Row:
    expect: str  # one outcome per role, in ROLES order (spaces allowed for reading)
    kwargs: Callable = lambda w: {}  # world -> reverse() kwargs
    method: str = "GET"
    data: Callable = lambda w: {}  # world -> POST data
    changed: Callable | None = None  # world -> True when the request did its job
    query: str = ""
    path: Callable | None = None  # world -> path, for patterns without a name
    watch: str | None = None  # world key of an object: "changed" means any stored value of it changed

    def outcomes(self):
        codes = self.expect.replace(" ", "")
        assert len(codes) == len(ROLES), f"{self.expect!r} has {len(codes)} outcomes for {len(ROLES)} roles"
        return dict(zip(ROLES, codes))


def obj(name):
    return lambda w: {"object_id": w[name].pk}


def number(name):
    return lambda w: {"number": w[name].number}


def status_is(name, status):
    def check(w):
        w[name].refresh_from_db()
        return w[name].status == status

    return check


# --- the table ------------------------------------------------------------------------------
# Each expectation string reads "Aab dpm DPM H xy" (see the module docstring).
MODEL_VIEWS = {
    # model label: (world key of the object, [changelist, add, change, history, delete])
    # (the POSTs of the change and history forms follow from the change column: see PROBES)
    # Login records and groups: superusers only (groups follow roles, set by `setup_roles`).
    "axes.accessattempt": ("access_attempt", ["... ... ... . ..", "... ... ... . ..", "... ... ... . ..", "... ... ... . ..", "... ... ... . .."]),
    "axes.accesslog": ("access_log", ["... ... ... . ..", "... ... ... . ..", "... ... ... . ..", "... ... ... . ..", "... ... ... . .."]),
    "axes.accessfailurelog": ("access_failure_log", ["... ... ... . ..", "... ... ... . ..", "... ... ... . ..", "... ... ... . ..", "... ... ... . .."]),
    "auth.group": ("group", ["... ... ... . ..", "... ... ... . ..", "... ... ... . ..", "... ... ... . ..", "... ... ... . .."]),
    # Managers list the staff of their shops; a customer's account is head office's only.
    "account.user": ("customer_a", ["... ..o ..o o o.", "... ... ... o ..", "... ... ... o ..", "... ... ... o ..", "... ... ... o .."]),
    "account.address": ("address_a", ["... ... ... o ..", "... ... ... o ..", "... ... ... o ..", "... ... ... o ..", "... ... ... o .."]),
    # Shop data: each staff member sees their own shops; another shop's object is a 404.
    "pizzeria.pizzeria": ("shop_1", ["... ooo ooo o oo", "... ... ... o ..", "... rro ... o rr", "... ooo ... o oo", "... ... ... o .."]),
    "pizzeria.staffmembership": ("membership_1", ["... ..o ..o o o.", "... ..o ..o o o.", "... ..o ... o ..", "... ..o ... o ..", "... ..o ... o .."]),
    "pizzeria.stock": ("stock_1", ["... .oo .oo o oo", "... ... ... . ..", "... .oo ... o o.", "... .oo ... o o.", "... ... ... o .."]),
    # The ledger is append-only for everyone, head office included.
    "pizzeria.stockmovement": ("movement_1", ["... .oo .oo o oo", "... ... ... . ..", "... .rr ... r r.", "... .oo ... o o.", "... ... ... . .."]),
    # The menu is shared: every kitchen reads it, head office writes it.
    "product.unit": ("unit", ["... .oo .oo o oo", "... ... ... o ..", "... .rr .rr o rr", "... .oo .oo o oo", "... ... ... o .."]),
    "product.ingredient": ("ingredient", ["... .oo .oo o oo", "... ... ... o ..", "... .rr .rr o rr", "... .oo .oo o oo", "... ... ... o .."]),
    "product.product": ("product", ["... .oo .oo o oo", "... ... ... o ..", "... .rr .rr o rr", "... .oo .oo o oo", "... ... ... o .."]),
    "product.recipeline": ("recipe_line", ["... .oo .oo o oo", "... ... ... o ..", "... .rr .rr o rr", "... .oo .oo o oo", "... ... ... o .."]),
    # The menu's options (issue 16): shared like the menu.
    "product.size": ("size", ["... .oo .oo o oo", "... ... ... o ..", "... .rr .rr o rr", "... .oo .oo o oo", "... ... ... o .."]),
    "product.productsize": ("product_size", ["... .oo .oo o oo", "... ... ... o ..", "... .rr .rr o rr", "... .oo .oo o oo", "... ... ... o .."]),
    "product.extra": ("extra", ["... .oo .oo o oo", "... ... ... o ..", "... .rr .rr o rr", "... .oo .oo o oo", "... ... ... o .."]),
    "product.extraprice": ("extra_price", ["... .oo .oo o oo", "... ... ... o ..", "... .rr .rr o rr", "... .oo .oo o oo", "... ... ... o .."]),
    # VAT rates (issue 18): head office writes them, managers read them, nobody else sees them.
    "books.vatrate": ("vat_rate", ["... ..o ..o o o.", "... ... ... o ..", "... ..r ..r o r.", "... ..o ..o o o.", "... ... ... o .."]),
    # The sales journal and its closings (issue 18): head office reads them; nobody writes one here.
    "books.journalentry": ("journal_entry", ["... ... ... o ..", "... ... ... . ..", "... ... ... r ..", "... ... ... o ..", "... ... ... . .."]),
    "books.closing": ("closing", ["... ... ... o ..", "... ... ... . ..", "... ... ... r ..", "... ... ... o ..", "... ... ... . .."]),
    # Reminders are the kitchens' notes on the shared menu.
    # Every kitchen reads them; the author, a manager of the author's shop and head office edit them.
    "product.reminder": ("reminder", ["... .oo .oo o oo", "... .oo .oo o oo", "... .oo .rr o rr", "... .oo .oo o oo", "... .oo ... o .."]),
    # Orders are created by place_order and never deleted; moved by the workflow buttons.
    "order.order": ("order_to_prepare", ["... ooo ooo o oo", "... ... ... . ..", "... ooo ... o oo", "... ooo ... o oo", "... ... ... . .."]),
    # Money records: read-only for everyone.
    "order.payment": ("payment", ["... ..o ..o o o.", "... ... ... . ..", "... ..r ... r ..", "... ..o ... o ..", "... ... ... . .."]),
    "order.webhookevent": ("webhook_event", ["... ... ... o ..", "... ... ... . ..", "... ... ... r ..", "... ... ... o ..", "... ... ... . .."]),
    # Background jobs (issue 20): head office reads them and replays the failed ones (an action of
    # the list, tests/jobs/test_jobs_admin.py); nobody types, adds or deletes one.
    "jobs.job": ("failed_job", ["... ... ... o ..", "... ... ... . ..", "... ... ... r ..", "... ... ... o ..", "... ... ... . .."]),
}

# The field a change / history form POST tries to change, for each model of MODEL_VIEWS. None:
# nothing on the form is editable by anyone (a POST must change nothing, even where the page is "o").
PROBES = {
    "axes.accessattempt": {"username": "pirate@example.test"},
    "axes.accesslog": {"username": "pirate@example.test"},
    "axes.accessfailurelog": {"username": "pirate@example.test"},
    "auth.group": {"name": "Pirates"},
    "account.user": {"first_name": "Pirate"},
    "account.address": {"line": "1 rue des Pirates"},
    "pizzeria.pizzeria": {"delivery_radius_km": "0.1"},
    "pizzeria.staffmembership": {"role": "manager"},
    "pizzeria.stock": None,  # quantities change through the ledger (stock page, orders, imports)
    "pizzeria.stockmovement": None,
    "product.unit": {"name": "Pirate"},
    "product.ingredient": {"name": "Pirate"},
    "product.product": {"price": "0.10", "confirm_price": "on"},  # a ÷100 price asks for the tick (issue 19)
    "product.recipeline": {"quantity": "999"},
    "product.size": {"name": "Pirate"},
    "product.productsize": {"price": "0.10"},
    "product.extra": {"name": "Pirate"},
    "product.extraprice": {"price": "0.10"},
    "product.reminder": {"title": "Pirate"},
    "books.vatrate": {"note": "Pirate"},
    "books.journalentry": None,  # written by books.journal only; the database refuses changes
    "books.closing": None,
    "order.order": {"customer_note": "Pirate"},
    "order.payment": {"amount": "0.01"},
    "order.webhookevent": {"note": "pirate"},
    "jobs.job": None,  # written by the code that makes the events, never through a form
}
# Nobody writes through a history version form.
HISTORY_FORM_POST = "... ... ... . .."

URLS = {
    # --- admin site views ---
    "admin:index": Row("... ooo ooo o oo"),
    "admin:search": Row("... ooo ooo o oo", query="?s=margherita"),
    "admin:login": Row("*** *** *** * **"),
    # The project's wrapper of the admin login (lands on the admin after login).
    ":admin/login/": Row("*** *** *** * **", path=lambda w: "/admin/login/"),
    "admin:logout": Row("*** *** *** * **", method="POST"),
    "admin:password_change": Row("... ooo ooo o oo"),
    "admin:password_change_done": Row("... ooo ooo o oo"),
    "admin:autocomplete": Row("*** *** *** * **"),
    "admin:jsi18n": Row("... ooo ooo o oo"),
    "admin:view_on_site": Row(
        "... ... ... . ..", kwargs=lambda w: {"content_type_id": w["order_ct"], "object_id": w["order_to_prepare"].pk}
    ),
    "admin:app_list": Row("... ooo ooo o oo", kwargs=lambda w: {"app_label": "order"}),
    # --- kitchen and driver queues (F-OM-1, F-OM-4) ---
    "admin:order_kitchen": Row("... .oo .oo o oo"),
    "admin:order_kitchen_partial": Row("... .oo .oo o oo"),
    "admin:order_drivers": Row("... o.o o.o o oo"),
    "admin:order_drivers_partial": Row("... o.o o.o o oo"),
    "admin:order_queue_act": Row(
        "... .aa ... a a.", method="POST",
        kwargs=lambda w: {"order_id": w["order_to_prepare"].pk, "name": "accept"},
        data=lambda w: {"kind": "kitchen"},
        changed=status_is("order_to_prepare", "in_preparation"),
    ),
    # Issue 17: the manager's pause, the manager's alerts of orders ringing too long, the ticket.
    "admin:order_kitchen_pause": Row(
        "... ..a ... a ..", method="POST",
        data=lambda w: {"shop": w["shop_1"].slug, "minutes": "15"},
        changed=lambda w: type(w["shop_1"]).objects.get(pk=w["shop_1"].pk).paused_until is not None,
    ),
    "admin:order_kitchen_alerts": Row("... ..o ..o o o."),
    "admin:order_ticket": Row("... .oo ... o o.", kwargs=lambda w: {"order_id": w["order_in_preparation"].pk}),
    "admin:order_order_phone_order": Row("... .oo .oo o oo"),
    # Workflow buttons of the order page (unfold detail actions: GET asks, POST does).
    "admin:order_order_detail_accept": Row(
        "... .aa ... a a.", method="POST", data=lambda w: {"reason": ""}, kwargs=obj("order_to_prepare"),
        changed=status_is("order_to_prepare", "in_preparation"),
    ),
    "admin:order_order_detail_refuse": Row(
        "... .aa ... a a.", method="POST", kwargs=obj("order_to_prepare"), data=lambda w: {"reason": "Four en panne"},
        changed=status_is("order_to_prepare", "refused"),
    ),
    "admin:order_order_detail_finish": Row(
        "... .aa ... a a.", method="POST", data=lambda w: {"reason": ""}, kwargs=obj("order_in_preparation"), changed=status_is("order_in_preparation", "ready")
    ),
    "admin:order_order_detail_take": Row(
        "... a.a ... a .a", method="POST", data=lambda w: {"reason": ""}, kwargs=obj("order_ready"), changed=status_is("order_ready", "out_for_delivery")
    ),
    "admin:order_order_detail_deliver": Row(
        "... a.a ... a .a", method="POST", kwargs=obj("order_out"),
        data=lambda w: {"collected": str(w["order_out"].total), "method": "cash"},
        changed=status_is("order_out", "delivered"),
    ),
    "admin:order_order_detail_cancel": Row(
        "... .aa ... a a.", method="POST", kwargs=obj("order_to_prepare"), data=lambda w: {"reason": "Client injoignable"},
        changed=status_is("order_to_prepare", "cancelled"),
    ),
    # --- stock page and spreadsheets (F-ADM-1, F-ADM-7) ---
    "admin:pizzeria_stock_shop_stock": Row("... .oo .oo o oo"),
    "admin:pizzeria_stock_import": Row("... ..o ..o o o."),
    "admin:pizzeria_stock_process_import": Row("... ..* ..* * *.", method="POST"),
    "admin:pizzeria_stock_import_template": Row("... ..o ..o o o.", kwargs=lambda w: {"ext": "csv"}),
    "admin:pizzeria_stock_export": Row("... .oo .oo o oo"),
    **{
        f"admin:product_{model}_{view}": row
        for model in ("unit", "ingredient", "product", "recipeline", "size", "productsize", "extra", "extraprice")
        for view, row in (
            ("import", Row("... ... ... o ..")),
            ("process_import", Row("... ... ... * ..", method="POST")),
            ("import_template", Row("... ... ... o ..", kwargs=lambda w: {"ext": "csv"})),
            ("export", Row("... .oo .oo o oo")),
        )
    },
    # VAT rates (issue 18): head office imports, managers export what they read.
    "admin:books_vatrate_import": Row("... ... ... o .."),
    "admin:books_vatrate_process_import": Row("... ... ... * ..", method="POST"),
    "admin:books_vatrate_import_template": Row("... ... ... o ..", kwargs=lambda w: {"ext": "csv"}),
    "admin:books_vatrate_export": Row("... ..o ..o o o."),
    "admin:books_journalentry_verify": Row("... ... ... o .."),
    # --- dashboard (F-ADM-2..4) ---
    "dashboard:export": Row("... ..o ..o o o.", kwargs=lambda w: {"table": "ventes-par-jour", "fmt": "csv"}),
    # --- public pages that take an id ---
    "home:catalogue": Row("ooo ooo ooo o oo", kwargs=lambda w: {"slug": w["shop_1"].slug}),
    "account:address_default": Row(
        ".a. ... ... . ..", method="POST", kwargs=lambda w: {"pk": w["address_a_other"].pk},
        changed=lambda w: type(w["address_a_other"]).objects.get(pk=w["address_a_other"].pk).is_default,
    ),
    "account:address_delete": Row(
        ".a. ... ... . ..", method="POST", kwargs=lambda w: {"pk": w["address_a_other"].pk},
        changed=lambda w: not type(w["address_a_other"]).objects.filter(pk=w["address_a_other"].pk).exists(),
    ),
    "account:activate": Row("*** *** *** * **", kwargs=lambda w: {"uidb64": "MQ", "token": "activate"}),
    "account:password_reset_confirm": Row("*** *** *** * **", kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}),
    # A customer's order pages: the owner only; staff use the admin, not the customer's pages.
    "order:pay": Row(".o. ... ... . ..", kwargs=number("order_card")),
    "order:pay_card": Row(".o. ... ... . ..", method="POST", kwargs=number("order_card"), data=lambda w: {"payment_method": "x"}),
    "order:new_setup_intent": Row(".*. ... ... . ..", method="POST", kwargs=number("order_card")),
    "order:pay_check": Row(".o. ... ... . ..", method="POST", kwargs=number("order_card"), data=lambda w: {"payment": "0"}),
    "order:pay_refused": Row(".o. ... ... . ..", method="POST", kwargs=number("order_card"), data=lambda w: {"code": "card_declined"}),
    "order:confirmation": Row(".o. ... ... . ..", kwargs=number("order_to_prepare")),
    "order:detail": Row(".o. ... ... . ..", kwargs=number("order_to_prepare")),
    "order:status": Row(".o. ... ... . ..", kwargs=number("order_to_prepare")),
    "order:recheck": Row(".*. ... ... . ..", method="POST", kwargs=number("order_card")),
    "order:change": Row(".o. ... ... . ..", kwargs=number("order_to_prepare")),
    "order:cancel": Row(
        ".a. ... ... . ..", method="POST", kwargs=number("order_to_prepare"), data=lambda w: {"reason": "Erreur"},
        changed=status_is("order_to_prepare", "cancelled"),
    ),
    "order:stripe_webhook": Row("xxx xxx xxx x xx", method="POST"),
    # --- public pages without an id that need a login (optional rows, kept for the record) ---
    "order:my_orders": Row(".oo ooo ooo o oo"),
    "account:profile": Row(".oo ooo ooo o oo"),
    "home:checkout": Row(".** *** *** * **"),
    # Served by Django's static() in DEBUG only (never in production).
    "media": Row("*** *** *** * **", path=lambda w: "/media/absent.jpg"),
    # The admin's catch-all: an unknown admin URL is a login redirect or a 404, never a page.
    "admin:admin/(?P<url>.*)$": Row("... ... ... . ..", path=lambda w: "/admin/nulle-part/"),
    "admin:auth_user_password_change": Row("... ... ... o ..", kwargs=lambda w: {"id": w["customer_a"].pk}),
    # A customer's data request (issue 18): head office exports and erases; customer B has no
    # order in progress, so the erasure acts.
    "admin:account_user_detail_data_export": Row("... ... ... o ..", kwargs=obj("customer_b")),
    "admin:account_user_detail_erase": Row(
        "... ... ... a ..", method="POST", kwargs=obj("customer_b"), data=lambda w: {"confirm": "1"},
        changed=lambda w: type(w["customer_b"]).objects.get(pk=w["customer_b"].pk).email.endswith("@anonyme.invalid"),
    ),
    # Receipts, invoices, credit notes (issue 18): the owner from "Mes commandes"; in the admin,
    # whoever sees the order downloads, the shop's manager and head office issue.
    "order:receipt": Row(".o. ... ... . ..", kwargs=number("order_delivered")),
    "order:invoice": Row(
        ".a. ... ... . ..", method="POST", kwargs=number("order_delivered"),
        changed=lambda w: hasattr(type(w["order_delivered"]).objects.get(pk=w["order_delivered"].pk), "invoice"),
    ),
    "order:credit_note": Row(".*. ... ... . ..", kwargs=lambda w: {"number": w["order_delivered"].number, "refund": 0}),
    "admin:order_order_detail_documents": Row(
        "... ..a ... a ..", method="POST", kwargs=obj("order_delivered"), data=lambda w: {"issue": "invoice"},
        changed=lambda w: hasattr(type(w["order_delivered"]).objects.get(pk=w["order_delivered"].pk), "invoice"),
    ),
    "account:data_export": Row(".oo ooo ooo o oo"),
    "account:delete": Row(".oo ooo ooo o oo"),
}
ADMIN_VIEWS = ("changelist", "add", "change", "history", "delete")
# simple-history's page of one past version follows the history page's row.
VERSION_VIEW = "simple_history"
# Patterns that carry no row because they only redirect to a row's URL.
REDIRECT_ONLY = {"admin:<model>/<path:object_id>/ -> change"}


# --- enumeration of the URL patterns ------------------------------------------------------------


def url_patterns():
    """[(key, route, has_parameters)] for every URL pattern of the project."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if pattern.name:
                    key = f"{namespace}:{pattern.name}" if namespace else pattern.name
                elif route.startswith("^media/"):
                    key = "media"
                else:
                    key = f"{namespace}:{route}"
                found.append((key, route, bool(pattern.pattern.regex.groups)))

    walk(get_resolver().url_patterns, "", "")
    return found


def model_view_keys():
    keys = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        for index, view in enumerate(ADMIN_VIEWS):
            keys[f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"] = (label, index)
        keys[f"admin:{model._meta.app_label}_{model._meta.model_name}_{VERSION_VIEW}"] = (label, ADMIN_VIEWS.index("history"))
    return keys


def _is_object_redirect(key, route):
    # Django's admin answers <model>/<id>/ with a redirect to <model>/<id>/change/.
    return key.startswith("admin:admin/") and route.endswith("<path:object_id>/")


def test_every_url_has_a_row():
    generated = model_view_keys()
    missing = []
    for key, route, has_parameters in url_patterns():
        if key in URLS or _is_object_redirect(key, route):
            continue
        if key in generated:
            label, _index = generated[key]
            if label not in MODEL_VIEWS:
                missing.append(f"{key} (model {label}: add it to MODEL_VIEWS)")
            continue
        if key.startswith("admin:") or route.startswith("admin/") or has_parameters:
            missing.append(f"{key}  ->  /{route}")
    assert not missing, "URLs without a row in the permissions table:\n  " + "\n  ".join(missing)


def test_the_table_has_no_stale_rows():
    keys = {key for key, _route, _params in url_patterns()}
    # Rows that claim nothing ("*" for everyone: pages public by nature, DEBUG-only media) may
    # outlive their URL; a row with a claim must not.
    stale = [key for key, row in URLS.items() if key not in keys and set(row.expect) - {"*", " "}]
    stale += [label for label in MODEL_VIEWS if label not in {m._meta.label_lower for m in admin.site._registry}]
    assert not stale, f"rows for URLs that no longer exist: {stale}"


# --- the world the roles meet ------------------------------------------------------------------


@pytest.fixture
def world(demo_users, shops):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from account.models import Address, User
    from books.closings import close_books
    from books.journal import append_entry
    from books.models import JournalEntry, VatRate
    from books.vat import breakdown
    from jobs.models import Job
    from order.models import Order, Payment, WebhookEvent
    from order.services import accept_order, deliver_order, finish_order, place_order, take_order
    from pizzeria.models import StaffMembership, Stock, StockMovement
    from product.models import Extra, ExtraPrice, Ingredient, Product, ProductSize, RecipeLine, Reminder, Size, Unit

    shop_1, shop_2 = shops["bastille"], shops["boulogne"]
    customer_a = demo_users["customer"]
    customer_b = User.objects.create_user(email="client.b@example.test", password="pizza-demo-2026", first_name="Bea")
    driver_2 = User.objects.create_user(email="livreur.boulogne@example.test", password="pizza-demo-2026", is_staff=True)
    pizzaiolo_2 = User.objects.create_user(email="pizzaiolo.boulogne@example.test", password="pizza-demo-2026", is_staff=True)
    StaffMembership.objects.create(user=driver_2, pizzeria=shop_2, role="driver")
    StaffMembership.objects.create(user=pizzaiolo_2, pizzeria=shop_2, role="pizzaiolo")
    cook_1_manager_2 = User.objects.create_user(email="mixte.1@example.test", password="pizza-demo-2026", is_staff=True)
    StaffMembership.objects.create(user=cook_1_manager_2, pizzeria=shop_1, role="pizzaiolo")
    StaffMembership.objects.create(user=cook_1_manager_2, pizzeria=shop_2, role="manager")
    driver_1_cook_2 = User.objects.create_user(email="mixte.2@example.test", password="pizza-demo-2026", is_staff=True)
    StaffMembership.objects.create(user=driver_1_cook_2, pizzeria=shop_1, role="driver")
    StaffMembership.objects.create(user=driver_1_cook_2, pizzeria=shop_2, role="pizzaiolo")
    users = {
        "anonymous": None,
        "customer_a": customer_a,
        "customer_b": customer_b,
        "driver_1": demo_users["driver"],
        "pizzaiolo_1": demo_users["pizzaiolo"],
        "manager_1": demo_users["manager"],
        "driver_2": driver_2,
        "pizzaiolo_2": pizzaiolo_2,
        "manager_2": demo_users["manager_boulogne"],
        "head_office": demo_users["head_office"],
        "cook_1_manager_2": cook_1_manager_2,
        "driver_1_cook_2": driver_1_cook_2,
    }
    address_a = customer_a.addresses.get(is_default=True)
    address_a_other = Address.objects.create(
        user=customer_a, label="Bureau", line="3 rue de la Roquette", postcode="75011", city="Paris",
        latitude=Decimal("48.8535"), longitude=Decimal("2.3720"),
    )
    margherita = Product.objects.get(slug="margherita")

    def order(payment_method="on_delivery"):
        return place_order(
            pizzeria=shop_1, customer=customer_a, lines=[(margherita, 1)], fulfilment="delivery",
            payment_method=payment_method, address=address_a,
        )

    pizzaiolo, driver = users["pizzaiolo_1"], users["driver_1"]
    order_in_preparation = accept_order(order(), by=pizzaiolo)
    order_ready = finish_order(accept_order(order(), by=pizzaiolo), by=pizzaiolo)
    order_out = take_order(finish_order(accept_order(order(), by=pizzaiolo), by=pizzaiolo), by=driver)
    order_delivered = take_order(finish_order(accept_order(order(), by=pizzaiolo), by=pizzaiolo), by=driver)
    order_delivered = deliver_order(order_delivered, by=driver, collected=order_delivered.total, method="cash")
    order_card = order("card_online")
    payment = Payment.objects.create(order=order_card, amount=order_card.total, intent_id="pi_matrix")
    with transaction.atomic():  # a sale of yesterday, closed: a Z to open
        append_entry(shop_id=shop_1.pk, kind="sale", order_number="OC-MATR-IX00", source="matrix", payment_method="cash",
                     vat=breakdown([(10, Decimal("11.00"))]), at=timezone.now() - timedelta(days=1))
    closing = close_books(shop_id=shop_1.pk)[0]
    world = {
        "users": users,
        "shop_1": shop_1,
        "customer_a": customer_a,
        "customer_b": customer_b,
        "address_a": address_a,
        "address_a_other": address_a_other,
        "group": Group.objects.get(name="Gérant"),
        "membership_1": StaffMembership.objects.get(user=pizzaiolo, pizzeria=shop_1),
        # a stock line the orders above took from: its history has older quantities to "revert" to
        "stock_1": Stock.objects.get(pizzeria=shop_1, ingredient=margherita.recipe_lines.order_by("pk").first().ingredient),
        "movement_1": StockMovement.objects.filter(stock__pizzeria=shop_1).first(),
        "unit": Unit.objects.first(),
        "ingredient": Ingredient.objects.first(),
        "product": margherita,
        "recipe_line": RecipeLine.objects.filter(product=margherita).first(),
        "size": Size.objects.first(),
        "product_size": ProductSize.objects.filter(product=margherita).first(),
        "extra": Extra.objects.first(),
        "extra_price": ExtraPrice.objects.first(),
        "vat_rate": VatRate.objects.get(category="immediate"),
        "journal_entry": JournalEntry.objects.filter(shop=shop_1).first(),
        "closing": closing,
        "reminder": Reminder.objects.create(product=margherita, author=pizzaiolo, title="Pâte", content="48 h de pousse"),
        "order_to_prepare": order(),
        "order_in_preparation": order_in_preparation,
        "order_ready": order_ready,
        "order_out": order_out,
        "order_delivered": order_delivered,
        "order_card": order_card,
        "payment": payment,
        "webhook_event": WebhookEvent.objects.create(
            event_id="evt_matrix", type="payment_intent.succeeded", payload={}, order=order_card
        ),
        "failed_job": Job.objects.create(key="evt-matrix", task="order.tasks.send_status_email", state=Job.State.FAILED,
                                         arguments={"order_id": order_card.pk, "status": "to_prepare"}),
        "order_ct": ContentType.objects.get_for_model(Order).pk,
        # builds the form data of the POST rows (sees every change form in full)
        "superuser": User.objects.create_superuser(email="root.matrix@example.test", password="pizza-demo-2026"),
    }
    common = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "x@example.test",
              "http_accept": "*/*", "path_info": "/admin/login/"}
    world["access_attempt"] = AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=1, **common)
    world["access_log"] = AccessLog.objects.create(**common)
    world["access_failure_log"] = AccessFailureLog.objects.create(**common)
    return world


def _clients(world):
    clients = {}
    for role, user in world["users"].items():
        clients[role] = log_in(Client(), user) if user is not None else Client()
    return clients


def _denied(response):
    if response.status_code in (403, 404):
        return True
    if response.status_code != 302:
        return False
    # The admin answers an object outside the user's queryset with a redirect to its index.
    return any(path in response.url for path in LOGIN_PATHS) or response.url == "/admin/"


def _can_save(response):
    try:
        return bool(response.context["has_change_permission"])
    except (KeyError, TypeError):
        return None


def _check(role, expected, response, row, world, is_change_view):
    status = response.status_code
    if expected == "*" and status == 503:
        return None  # "payment service unavailable", said on purpose (Stripe is down in this test)
    if status >= 500:
        return f"server error {status}"
    if expected == "*":
        return None
    if expected == "x":
        return None if status == 400 else f"expected 400, got {status}"
    if expected == "." and row.changed is not None:
        # An action refused by the workflow may answer with a message and a redirect: what
        # counts is that nothing happened.
        return "refused, yet the change happened" if row.changed(world) else None
    if expected == ".":
        if not _denied(response):
            return f"expected refused, got {status} {getattr(response, 'url', '')}"
        if row.changed is not None and row.changed(world):
            return "refused, yet the change happened"
        return None
    if _denied(response):
        return f"expected allowed ({expected}), got refused: {status} {getattr(response, 'url', '')}"
    if expected == "a":
        if row.changed is not None and not row.changed(world):
            return f"answered {status} but nothing changed"
        return None
    if status != 200:
        return f"expected 200, got {status} {getattr(response, 'url', '')}"
    if is_change_view:
        can_save = _can_save(response)
        if expected == "o" and can_save is False:
            return "expected to edit, got a read-only page"
        if expected == "r" and can_save:
            return "expected read-only, got a page that saves"
    return None


def _version_path(key, world_key):
    def path(w):
        instance = w[world_key]
        version = instance.history.order_by("history_id").first()
        return reverse(key, args=[instance.pk, version.history_id])

    return path


def _form_data(label, world_key):
    """world -> what a browser sends from the change page (as a superuser sees it), with the probe."""

    def data(w):
        cache = w.setdefault("_form_data", {})
        if label not in cache:
            instance = w[world_key]
            client = log_in(Client(), w["superuser"])
            opts = instance._meta
            page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
            assert page.status_code == 200, f"{label}: the superuser cannot open the change page"
            cache[label] = admin_form_data(page, **(PROBES[label] or {}))
        return cache[label]

    return data


def _post_expectation(change_expectation, label):
    """A change form POST acts where the page saves and the form has something to edit."""
    editable = PROBES[label] is not None
    return "".join("a" if code == "o" and editable else ("." if code in "or" else code) for code in change_expectation)


def _rows():
    """(key, Row, is_change_view) for every URL of the table, the generated admin views included,
    plus a POST of every change form and every history version form."""
    rows = []
    for key, (label, index) in model_view_keys().items():
        if label not in MODEL_VIEWS:
            continue
        world_key, expectations = MODEL_VIEWS[label]
        view = ADMIN_VIEWS[index]
        kwargs = (lambda w: {}) if view in ("changelist", "add") else obj(world_key)
        row = Row(expectations[index], kwargs=kwargs)
        if key.endswith(VERSION_VIEW):
            row.path = _version_path(key, world_key)
            rows.append((key, row, False))
            rows.append((key, Row(HISTORY_FORM_POST, method="POST", path=row.path, data=_form_data(label, world_key),
                                  watch=world_key), False))
            continue
        rows.append((key, row, view == "change"))
        if view == "change":
            rows.append((key, Row(_post_expectation(expectations[index], label), kwargs=kwargs, method="POST",
                                  data=_form_data(label, world_key), watch=world_key), False))
    rows += [(key, row, False) for key, row in URLS.items()]
    return rows


# The matrix is over 2 000 requests: it runs as SHARDS tests that pytest-xdist's workers share,
# each taking every SHARDS-th row of the one table (test_the_shards_cover_every_check).
SHARDS = 6


def _live_rows():
    keys = {key for key, _route, _params in url_patterns()}
    # A row whose URL is gone is reported by test_the_table_has_no_stale_rows.
    return [(key, row, is_change_view) for key, row, is_change_view in _rows() if key in keys]


def test_the_shards_cover_every_check():
    rows = _live_rows()
    shards = [rows[shard::SHARDS] for shard in range(SHARDS)]
    assert sorted(map(id, sum(shards, []))) == sorted(map(id, rows))
    assert sum(len(row.outcomes()) for _key, row, _change in rows) > 2000


@pytest.mark.django_db
@pytest.mark.parametrize("shard", range(SHARDS))
def test_permissions_matrix(world, settings, shard):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: payment pages must still answer
    clients = _clients(world)
    failures = []
    checked = 0
    for key, row, is_change_view in _live_rows()[shard::SHARDS]:
        url = (row.path(world) if row.path else reverse(key, kwargs=row.kwargs(world))) + row.query
        for role, expected in row.outcomes().items():
            client = clients[role]
            cookies = client.cookies
            client.cookies = type(cookies)(cookies)  # a logout or a new session must not reach the next row
            with transaction.atomic():
                checked_row = row
                if row.watch:
                    before = snapshot(world[row.watch])
                    checked_row = replace(row, changed=lambda w, key=row.watch, before=before: snapshot(w[key]) != before)
                if row.method == "POST":
                    response = client.post(url, row.data(world))
                else:
                    response = client.get(url)
                problem = _check(role, expected, response, checked_row, world, is_change_view)
                transaction.set_rollback(True)
            client.cookies = cookies
            if row.changed is not None:
                # A check of the outcome (status_is) re-read its order inside the rolled-back
                # transaction: the world's copy goes back to the stored state. Nothing else in
                # this process touches the world's objects (the views load their own), so the
                # other checks need no re-read (five queries each, a quarter of the matrix's time).
                for name in ("order_to_prepare", "order_in_preparation", "order_ready", "order_out", "order_card"):
                    world[name].refresh_from_db()
            checked += 1
            if problem:
                failures.append(f"{key} [{row.method} {url}] as {role}: {problem}")
    assert checked > 2000 // SHARDS
    assert not failures, f"{len(failures)} of {checked} checks failed:\n  " + "\n  ".join(failures)
