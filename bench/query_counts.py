"""Query count of every main page at two data sizes: each must be the same at both.

    .venv/bin/python bench/query_counts.py [--large 10000]

On a fresh MariaDB database (created and dropped here): the demo data plus 100 orders, then
plus `--large` more (10 000 by default) spread over every shop, the last 90 days and all
statuses (3 % of them waiting in the kitchen and driver queues). Each page is asked for once to
warm caches, then once more while Django counts the queries. A count that grows with the data is
an N+1 query: the script prints "GROWS" and exits 1. The polled pages are also counted as their
scripts ask them after the first load, with the ETag of the previous answer (a 304), from the
second one on (the first after a login reads the user's entry into the cache: one query).
"""
import argparse
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "ocpizza")]

from bench.common import DB_PREFIX, drop_database, fresh_database, machine_description, setup_django  # noqa: E402


def pages():
    """[(label, login email or None, path or None, cart to put in the session or None[, 304 when
    asked with the ETag of the previous answer])]."""
    from bench import sitemap
    from pizzeria.models import Pizzeria
    from product.models import Product

    from order.models import Order

    bastille = Pizzeria.objects.get(slug="bastille")
    waiting = Order.objects.filter(customer__email="client@ocpizza.fr", status=Order.Status.TO_PREPARE).order_by("pk").first()
    status_url = f"/mes-commandes/{waiting.number}/statut/" if waiting else None
    from product.line_recipe import LineChoice
    from product.models import Extra, Size

    pizzas = list(Product.objects.filter(category="pizza", is_active=True).order_by("pk")[:3])
    cart = {"pizzeria_id": bastille.pk, "lines": {str(p.pk): 2 for p in pizzas}}
    # A customised line too (issue 16): a large one with every extra and a second half.
    large, extras = Size.objects.order_by("-factor").first(), list(Extra.objects.values_list("pk", flat=True))
    halves = list(Product.objects.filter(allows_halves=True, is_active=True).order_by("pk")[:2])
    if large is not None and len(halves) == 2:
        custom = LineChoice(product_id=halves[0].pk, size_id=large.pk, extra_ids=extras, half_id=halves[1].pk)
        cart["lines"][custom.key] = 1
    return [
        ("accueil", None, "/", None),
        ("catalogue (anonyme)", None, sitemap.catalogue_url(bastille), None),
        ("catalogue (client)", "client@ocpizza.fr", sitemap.catalogue_url(bastille), cart),
        ("panier", "client@ocpizza.fr", sitemap.cart_url(), cart),
        ("commande: formulaire", "client@ocpizza.fr", sitemap.checkout_url(), cart),
        ("mes commandes", "client@ocpizza.fr", sitemap.my_orders_url(), None),
        ("cuisine (pizzaiolo)", "pizzaiolo@ocpizza.fr", sitemap.kitchen_queue_url(), None),
        ("cuisine: rafraîchissement", "pizzaiolo@ocpizza.fr", sitemap.kitchen_queue_url(partial=True), None),
        ("livreurs (livreur)", "livreur@ocpizza.fr", sitemap.driver_queue_url(), None),
        ("livreurs: rafraîchissement", "livreur@ocpizza.fr", sitemap.driver_queue_url(partial=True), None),
        # What the pages' scripts send after their first load: the shop and the ETag of the last
        # answer (304).
        ("cuisine: rafraîchi, 304", "pizzaiolo@ocpizza.fr", sitemap.kitchen_queue_url(partial=True) + "?shop=bastille",
         None, 304),
        ("livreurs: rafraîchi, 304", "livreur@ocpizza.fr", sitemap.driver_queue_url(partial=True) + "?shop=bastille",
         None, 304),
        ("suivi de commande, 304", "client@ocpizza.fr", status_url, None, 304),
        ("admin: commandes (siège)", "siege@ocpizza.fr", sitemap.admin_orders_url(), None),
        ("admin: commandes (gérant)", "gerant@ocpizza.fr", sitemap.admin_orders_url(), None),
        ("admin: stock (gérant)", "gerant@ocpizza.fr", "/admin/pizzeria/stock/", None),
        ("admin: mouvements (siège)", "siege@ocpizza.fr", "/admin/pizzeria/stockmovement/", None),
        ("tableau de bord (siège)", "siege@ocpizza.fr", sitemap.dashboard_url(), None),
        ("tableau de bord (gérant)", "gerant@ocpizza.fr", sitemap.dashboard_url(), None),
    ]


def measure():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from account.models import User

    counts = {}
    for label, email, path, cart, *expected in pages():
        expected = expected[0] if expected else 200
        if path is None:
            counts[label] = None  # the feature has not landed: reported as absent
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        if email:
            client.force_login(User.objects.get(email=email), backend="account.backends.RoleBackend")
        if cart:
            session = client.session
            session["ocpizza_cart"] = cart
            session.save()
        client.get(path)  # warm: content types, permissions of the session's user, templates
        headers = {}
        if expected == 304:  # the ETag of an answer made with the CSRF cookie the first one set
            headers = {"HTTP_IF_NONE_MATCH": client.get(path)["ETag"]}
            # The first 304 after a login reads the user's entry (one query) and keeps it in the
            # cache (account.session_user): every later poll is counted.
            client.get(path, **headers)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **headers)
        counts[label] = (len(queries), response.status_code, expected)
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args(argv)

    db_name = f"{DB_PREFIX}_queries"
    print(f"Query counts — {machine_description()}")
    print(f"  database {db_name}: created, migrated and populated in {fresh_database(db_name):.1f} s")
    # The anonymous pages' version is counted as if read on every page (the site reads it at most
    # once a second per worker: home.page_cache.recent_version).
    setup_django(db_name, PAGE_VERSION_SECONDS=0)
    from django.db import connections

    from bench.data import grow_orders, make_customers
    from order.models import Order

    try:
        make_customers(50)
        grow_orders(args.small, seed=1)
        small_total = Order.objects.count()
        # Users written in the last FORGET_SECONDS (the demo's, the customers just made) have their
        # 304 entries marked forgotten (account.session_user): their polls ask the database until
        # the mark expires. The pages are counted after it, as in steady state.
        from account.session_user import FORGET_SECONDS

        time.sleep(FORGET_SECONDS)
        small = measure()
        started = time.monotonic()
        grow_orders(args.large, seed=2)
        large_total = Order.objects.count()
        print(f"  {args.large} more orders written in {time.monotonic() - started:.1f} s")
        large = measure()
    finally:
        connections.close_all()
        drop_database(db_name)

    print(f"\n  {'page':<28} {f'{small_total} orders':>14} {f'{large_total} orders':>14}  verdict")
    failures = 0
    for label in small:
        a, b = small[label], large[label]
        if a is None or b is None:
            print(f"  {label:<28} {'absent':>14} {'absent':>14}  page not found by URL name")
            continue
        (qa, sa, expected), (qb, sb, _expected) = a, b
        if sa != expected or sb != expected:
            verdict = f"HTTP {sa}/{sb}"
            failures += 1
        elif qa == qb:
            verdict = "constant"
        else:
            verdict = "GROWS"
            failures += 1
        print(f"  {label:<28} {qa:>10} q.   {qb:>10} q.   {verdict}")
    print(f"\n  Query counts: {'every page constant' if not failures else f'{failures} page(s) not constant or failing'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
