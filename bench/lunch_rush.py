"""Lunch rush: customers order on the public site while the kitchens and drivers work the orders.

    .venv/bin/python bench/lunch_rush.py [--customers 16] [--duration 60] [--max-requests 6000]

What it does, all on loopback:
1. creates a fresh MariaDB database (BENCH_DATABASE_URL, default the local server), migrates it,
   loads the demo data, adds the bench customers (each with an address in its shop's zone), a
   pizzaiolo and a driver per shop, and stocks the shops up (one ingredient kept short in one shop);
2. starts localstripe and gunicorn (deploy/gunicorn.conf.py, 2 sync workers, DEBUG off) with
   bench/settings.py, which adds a bare /bench/hello view to the site;
3. the rush: N customers (asyncio + aiohttp, one cookie jar each) log in, browse, fill a cart,
   check out (pay on delivery, or by card through localstripe), sometimes double-submit the
   checkout form, and look at "Mes commandes"; meanwhile a staff process moves every order along
   through order.services (accept, finish, take, deliver) as the pizzaiolos and drivers, and
   staff sessions poll the kitchen and driver queues in the admin. Bounded by --duration and
   --max-requests;
4. prints orders per minute, p50/p95/p99 per page, errors, and checks the books: no stock below
   zero, every stock equal to the sum of its ledger, every paid order with exactly one succeeded
   payment, every checkout the customers saw succeed is in the database once, and nothing else.

Exit code 0 when the books are right and no request failed, 1 otherwise.
"""
import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "ocpizza")]

from bench.common import (  # noqa: E402
    BENCH_PASSWORD,
    DB_PREFIX,
    PY,
    REPO,
    django_env,
    drop_database,
    fresh_database,
    free_port,
    gunicorn,
    machine_description,
    percentile,
    setup_django,
    wait_for_port,
)

CARD_OK = "4242424242424242"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PRODUCT_RE = re.compile(r'name="product" value="(\d+)"')
NUMBER_RE = re.compile(r'name="number" value="([^"]+)"')
SAVED_ADDRESS_RE = re.compile(r'name="saved_address" value="(\d+)"')
PAY_CONFIG_RE = re.compile(r'<script id="pay-config" type="application/json">(.*?)</script>', re.S)


# --- the load ----------------------------------------------------------------------------------


class Stats:
    def __init__(self, max_requests):
        self.latencies = defaultdict(list)
        self.errors = Counter()
        self.error_samples = []
        self.requests = 0
        self.max_requests = max_requests
        self.checkouts = []  # (customer email, order number, payment method) the site confirmed
        self.posted_numbers = defaultdict(set)  # email -> every checkout number posted
        self.double_submits = 0
        self.card_payments = Counter()
        self.login_requests = 0
        self.refused_checkouts = 0
        self.refusal_samples = []

    def budget_left(self):
        return self.requests < self.max_requests

    def error(self, label, what):
        self.errors[label] += 1
        if len(self.error_samples) < 15:
            self.error_samples.append(f"{label}: {what}")


class Browser:
    """One user's cookie jar and the timed requests it makes."""

    def __init__(self, session, base, stats):
        self.session, self.base, self.stats = session, base, stats
        self.logged_in = False

    async def request(self, label, method, path, *, expect=(200, 302), **kwargs):
        import aiohttp

        self.stats.requests += 1
        started = time.perf_counter()
        url = path if path.startswith("http") else self.base + path
        try:
            async with self.session.request(method, url, allow_redirects=False, **kwargs) as response:
                body = await response.text()
                status, location = response.status, response.headers.get("Location", "")
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self.stats.error(label, repr(exc))
            return 0, "", ""
        self.stats.latencies[label].append(time.perf_counter() - started)
        if status not in expect:
            self.stats.error(label, f"HTTP {status} on {method} {path}")
        return status, location, body

    async def get(self, label, path, **kwargs):
        return await self.request(label, "GET", path, **kwargs)

    async def post(self, label, path, data, *, referer=None, **kwargs):
        headers = {"Referer": self.base + (referer or path)}
        return await self.request(label, "POST", path, data=data, headers=headers, **kwargs)


def _csrf(body):
    match = CSRF_RE.search(body)
    return match.group(1) if match else ""


async def login(browser, path, email, label):
    _status, _location, body = await browser.get(label, path)
    status, location, _body = await browser.post(
        label, path, {"csrfmiddlewaretoken": _csrf(body), "username": email, "password": BENCH_PASSWORD}
    )
    return status == 302


async def customer(browser, profile, urls, rng, deadline, stats, card_share, double_submit_share):
    if not browser.logged_in:
        return
    catalogue = urls["catalogue"][profile["shop"]]
    while time.monotonic() < deadline and stats.budget_left():
        await browser.get("accueil", "/")
        _s, _l, body = await browser.get("catalogue", catalogue)
        products = PRODUCT_RE.findall(body)
        if not products:
            await asyncio.sleep(1)
            continue
        token = _csrf(body)
        for product in rng.sample(products, min(len(products), rng.randint(1, 3))):
            await browser.post(
                "panier: ajouter", urls["cart_add"],
                {"csrfmiddlewaretoken": token, "pizzeria": profile["shop"], "product": product,
                 "quantity": str(rng.randint(1, 2)), "next": catalogue},
                referer=catalogue,
            )
        _s, _l, body = await browser.get("panier", urls["cart"])
        status, location, body = await browser.get("commande: formulaire", urls["checkout"])
        number = NUMBER_RE.search(body)
        if status != 200 or number is None:
            continue  # the cart was refused (out of stock): the customer starts again
        card = rng.random() < card_share
        delivery = rng.random() < 0.7
        saved = SAVED_ADDRESS_RE.search(body)
        form = {
            "csrfmiddlewaretoken": _csrf(body),
            "number": number.group(1),
            "fulfilment": "delivery" if delivery else "pickup",
            "saved_address": saved.group(1) if saved else "new",
            "line": "", "postcode": "", "city": "", "instructions": "Interphone Bench", "phone": "0601020304",
            "payment_method": "card_online" if card else "on_delivery",
            "note": "",
        }
        stats.posted_numbers[profile["email"]].add(form["number"])
        status, location, body = await browser.post("commande: valider", urls["checkout"], form)
        if status != 302 or "/commande/" not in location:
            if status == 200:
                # Refused with a message (e.g. the last mozzarella went to another customer): a
                # business answer, not an error; the customer starts again.
                stats.refused_checkouts += 1
                if len(stats.refusal_samples) < 3:
                    stats.refusal_samples.append(re.sub(r"<[^>]+>", " ", " ".join(
                        re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)))[:160])
            continue
        if rng.random() < double_submit_share:
            # The customer's browser resends the form (double click, back + resubmit).
            stats.double_submits += 1
            again, again_location, _b = await browser.post("commande: valider (renvoi)", urls["checkout"], form)
            if again != 302 or again_location != location:
                stats.error("commande: valider (renvoi)", f"resent checkout went to {again} {again_location}, not {location}")
        if card:
            paid = await pay_by_card(browser, location, urls, stats)
            if not paid:
                continue
            location = paid
        _s, _l, body = await browser.get("confirmation", location)
        stats.checkouts.append((profile["email"], form["number"], form["payment_method"]))
        if rng.random() < 0.3:
            await browser.get("mes commandes", urls["my_orders"])
        await asyncio.sleep(rng.uniform(0.2, 1.0))  # the customer reads the confirmation


async def pay_by_card(browser, pay_path, urls, stats):
    """What the pay page's JavaScript does with Stripe.js: confirm the SetupIntent with the card
    on localstripe, then POST the PaymentMethod to the site. Returns the confirmation path."""
    status, _l, body = await browser.get("paiement: page", pay_path)
    config = PAY_CONFIG_RE.search(body)
    if status != 200 or not config:
        stats.error("paiement: page", "no payment configuration on the pay page")
        return None
    token = _csrf(body)
    config = json.loads(config.group(1))
    secret = config.get("setupSecret", "")
    if not secret:
        # The page itself never calls Stripe: its script asks for the SetupIntent by POST once
        # the page is shown (home/static/order/pay.js, renewSetup).
        status, _l, setup_body = await browser.request(
            "paiement: SetupIntent", "POST", config["setupUrl"], data={},
            headers={"X-CSRFToken": token, "Referer": browser.base + pay_path},
        )
        try:
            secret = json.loads(setup_body).get("client_secret", "")
        except ValueError:
            secret = ""
        if not secret:
            stats.error("paiement: SetupIntent", f"HTTP {status}, no client secret")
            return None
    setup_id = secret.split("_secret_")[0]
    started = time.perf_counter()
    async with browser.session.post(
        f"{urls['stripe']}/v1/setup_intents/{setup_id}/confirm",
        json={"key": config["publishableKey"], "client_secret": secret,
              "payment_method_data": {"type": "card", "card": {"number": CARD_OK, "exp_month": "12", "exp_year": "2034", "cvc": "123"}}},
    ) as response:
        setup = await response.json(content_type=None)
    stats.latencies["localstripe: carte"].append(time.perf_counter() - started)
    payment_method = setup.get("payment_method")
    if not payment_method:
        stats.error("localstripe: carte", str(setup)[:200])
        return None
    # The page's script posts with the CSRF header, as Django's docs describe for fetch().
    status, _l, body = await browser.request(
        "paiement: carte", "POST", config["payUrl"],
        data={"payment_method": payment_method},
        headers={"X-CSRFToken": token, "Referer": browser.base + pay_path},
    )
    try:
        result = json.loads(body)
    except ValueError:
        stats.error("paiement: carte", f"HTTP {status}, not JSON")
        return None
    stats.card_payments[result.get("status")] += 1
    if result.get("status") != "succeeded":
        stats.error("paiement: carte", f"card payment {result.get('status')}: {result.get('message')}")
        return None
    return result["redirect"]


async def staff_poller(browser, email, paths, deadline, stats, label_prefix):
    if not browser.logged_in:
        return
    first = {"cuisine: rafraîchissement": ("cuisine", "kitchen"), "livreurs: rafraîchissement": ("livreurs", "drivers")}
    for label, _path in paths:
        if label in first:  # the full page once; then it polls its list, as the page's script does
            await browser.get(first[label][0], stats.urls[first[label][1]])
    while time.monotonic() < deadline and stats.budget_left():
        for label, path in paths:
            await browser.get(f"{label_prefix}{label}", path)
        await asyncio.sleep(2)  # the queues refresh themselves every few seconds


async def closed_loop(base, path, seconds, concurrency):
    """Requests per second of `path` alone, `concurrency` clients back to back."""
    import aiohttp

    done = 0
    failed = 0
    stop = time.monotonic() + seconds

    async def worker():
        nonlocal done, failed
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < stop:
                async with session.get(base + path) as response:
                    await response.read()
                    if response.status == 200:
                        done += 1
                    else:
                        failed += 1

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.monotonic() - started), failed


async def run_load(base, urls, profiles, staff_emails, args, stats):
    import aiohttp

    rng = random.Random(args.seed)
    timeout = aiohttp.ClientTimeout(total=60)
    # Page throughput is bench/pages_rps.py's (wrk against a bare Django ceiling): a Python client
    # on the same two cores saturates before the server does, so the rush measures orders and books.
    ratios = {}

    # Everyone logs in before the rush (password hashing is deliberately slow: a lunch rush
    # is mostly people already logged in). Their latencies are reported, outside the rush's clock.
    sessions = []
    browsers = []

    async def log_in(browser, path, email, label):
        browser.logged_in = await login(browser, path, email, label)
        if not browser.logged_in:
            stats.error(label, f"login refused for {email}")

    logins = []
    for profile in profiles:
        session = aiohttp.ClientSession(timeout=timeout, cookie_jar=aiohttp.CookieJar(unsafe=True))
        sessions.append(session)
        browsers.append(Browser(session, base, stats))
        logins.append(log_in(browsers[-1], urls["login"], profile["email"], "connexion (site)"))
    staff_browsers = []
    for _role, email in staff_emails:
        session = aiohttp.ClientSession(timeout=timeout, cookie_jar=aiohttp.CookieJar(unsafe=True))
        sessions.append(session)
        staff_browsers.append(Browser(session, base, stats))
        logins.append(log_in(staff_browsers[-1], "/admin/login/?next=/admin/", email, "connexion (admin)"))
    await asyncio.gather(*logins)
    stats.login_requests, stats.requests = stats.requests, 0

    deadline = time.monotonic() + args.duration
    tasks = []
    for index, profile in enumerate(profiles):
        tasks.append(customer(browsers[index], profile, urls, random.Random(args.seed + index), deadline,
                              stats, args.card_share, args.double_submit_share))
    staff_paths = {
        "pizzaiolo": [("cuisine: rafraîchissement", urls["kitchen_partial"])],
        "driver": [("livreurs: rafraîchissement", urls["drivers_partial"])],
        "manager": [("admin: commandes", urls["admin_orders"]), ("tableau de bord", urls["dashboard"])],
    }
    for (role, email), browser in zip(staff_emails, staff_browsers):
        tasks.append(staff_poller(browser, email, staff_paths[role], deadline, stats, ""))
    started = time.monotonic()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    for session in sessions:
        await session.close()
    return ratios, elapsed


# --- the staff process ------------------------------------------------------------------------


def staff_main(db_name, stop_file, report_file):
    """Moves every order of the bench shops along through order.services until `stop_file` exists,
    then finishes what is left; writes what it did to `report_file` as JSON."""
    setup_django(db_name)
    from django.core.exceptions import ValidationError
    from django.db import close_old_connections

    from order.models import Order
    from pizzeria.models import StaffMembership
    from order.services import (
        InsufficientStock,
        TransitionNotAllowed,
        accept_order,
        deliver_order,
        finish_order,
        refuse_order,
        take_order,
    )
    from bench.data import BENCH_SHOPS

    staff = {
        (m.pizzeria.slug, m.role): m.user
        for m in StaffMembership.objects.filter(
            user__email__startswith="bench.", pizzeria__slug__in=BENCH_SHOPS
        ).select_related("pizzeria", "user")
    }
    done = Counter()
    errors = []
    S = Order.Status

    def step():
        moved = 0
        orders = list(
            Order.objects.filter(
                pizzeria__slug__in=BENCH_SHOPS,
                status__in=[S.TO_PREPARE, S.IN_PREPARATION, S.READY, S.OUT_FOR_DELIVERY],
                customer__email__startswith="bench.",
            ).select_related("pizzeria").order_by("created_at")[:40]
        )
        for order in orders:
            slug = order.pizzeria.slug
            pizzaiolo, driver = staff[(slug, "pizzaiolo")], staff[(slug, "driver")]
            try:
                if order.status == S.TO_PREPARE:
                    try:
                        accept_order(order, by=pizzaiolo)
                        done["accept"] += 1
                    except InsufficientStock:
                        refuse_order(order, by=pizzaiolo, reason="Rupture de stock pendant le coup de feu")
                        done["refuse (stock)"] += 1
                elif order.status == S.IN_PREPARATION:
                    finish_order(order, by=pizzaiolo)
                    done["finish"] += 1
                elif order.status == S.READY and order.fulfilment == Order.Fulfilment.DELIVERY:
                    take_order(order, by=driver)
                    done["take"] += 1
                elif order.status in (S.READY, S.OUT_FOR_DELIVERY):
                    by = pizzaiolo if order.fulfilment == Order.Fulfilment.PICKUP else driver
                    to_collect = order.payment_method == Order.PaymentMethod.ON_DELIVERY
                    deliver_order(order, by=by, collected=order.total if to_collect else None, method="cash" if to_collect else None)
                    done["deliver"] += 1
                moved += 1
            except TransitionNotAllowed as exc:
                done["skipped (moved by someone else)"] += 1
                if len(errors) < 5:
                    errors.append(str(exc))
            except ValidationError as exc:
                errors.append(f"{order.number}: {exc.messages}")
        return moved

    while not os.path.exists(stop_file):
        close_old_connections()
        if not step():
            time.sleep(0.3)
        else:
            time.sleep(0.05)  # a pizzaiolo does not click a hundred times a second
    for _round in range(8):  # after the rush: clear the queues
        if not step():
            break
    Path(report_file).write_text(json.dumps({"done": done, "errors": errors[:20]}))


# --- the books ----------------------------------------------------------------------------------


def check_books(stats, run_started):
    """[(check, ok, detail)] read from the database after the rush."""
    from django.db.models import Count, DecimalField, F, Q, Sum, Value
    from django.db.models.functions import Coalesce

    from order.models import Order, Payment
    from pizzeria.models import Stock, StockMovement

    results = []
    negative = Stock.objects.filter(quantity__lt=0).count()
    results.append(("no stock below zero", negative == 0, f"{negative} negative line(s)"))

    ledger = Stock.objects.annotate(
        ledger=Coalesce(Sum("movements__delta"), Value(0), output_field=DecimalField(max_digits=12, decimal_places=3))
    ).exclude(quantity=F("ledger"))
    wrong = [f"{s.pizzeria_id}/{s.ingredient_id}: {s.quantity} vs {s.ledger}" for s in ledger[:5]]
    results.append(("every stock equals the sum of its ledger", not wrong, "; ".join(wrong) or f"{Stock.objects.count()} lines"))

    run_orders = Order.objects.filter(customer__email__startswith="bench.client", created_at__gte=run_started)
    paid = run_orders.filter(payment_status=Order.PaymentStatus.PAID).annotate(
        succeeded=Count("payments", filter=Q(payments__kind=Payment.Kind.CHARGE, payments__status=Payment.Status.SUCCEEDED))
    )
    bad_paid = [f"{o.number}: {o.succeeded}" for o in paid if o.succeeded != 1]
    results.append(
        ("every paid order has exactly one succeeded payment", not bad_paid, "; ".join(bad_paid[:5]) or f"{paid.count()} paid orders")
    )
    unpaid_with_charge = run_orders.exclude(
        payment_status__in=[Order.PaymentStatus.PAID, Order.PaymentStatus.REFUNDED, Order.PaymentStatus.PARTLY_REFUNDED]
    ).filter(payments__kind=Payment.Kind.CHARGE, payments__status=Payment.Status.SUCCEEDED).distinct().count()
    results.append(("no unpaid order holds a succeeded charge", unpaid_with_charge == 0, f"{unpaid_with_charge} order(s)"))

    in_db = Counter(run_orders.values_list("number", flat=True))
    seen = Counter(number for _email, number, _method in stats.checkouts)
    posted = set().union(*stats.posted_numbers.values()) if stats.posted_numbers else set()
    lost = sorted(set(seen) - set(in_db))
    duplicated = sorted(n for n, c in seen.items() if c > 1) + sorted(n for n, c in in_db.items() if c > 1)
    unknown = sorted(set(in_db) - posted)
    results.append(("no confirmed order lost", not lost, ", ".join(lost[:5]) or f"{len(seen)} confirmed by the site"))
    results.append(("no order duplicated", not duplicated, ", ".join(duplicated[:5]) or f"{stats.double_submits} forms resent"))
    results.append(("no order the customers did not place", not unknown, ", ".join(unknown[:5]) or f"{len(in_db)} in the database"))
    per_customer = Counter(run_orders.values_list("customer__email", flat=True))
    too_many = [e for e, c in per_customer.items() if c > len(stats.posted_numbers.get(e, ()))]
    results.append(("one order per checkout form", not too_many, ", ".join(too_many[:3]) or "ok"))

    twice = (
        StockMovement.objects.filter(order__in=run_orders, reason=StockMovement.Reason.ORDER)
        .values("order_id", "stock_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    results.append(("stock taken at most once per order and ingredient", twice == 0, f"{twice} repeated"))
    accepted_without_stock = run_orders.filter(accepted_at__isnull=False, stock_movements__isnull=True).count()
    results.append(("every accepted order took its ingredients", accepted_without_stock == 0, f"{accepted_without_stock} order(s)"))
    return results


# --- main -----------------------------------------------------------------------------------------


def start_localstripe():
    executable = shutil.which("localstripe", path=os.path.dirname(PY)) or shutil.which("localstripe")
    if executable is None:
        raise SystemExit("localstripe is missing: pip install -r requirements-dev.txt")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="bench-localstripe-")
    log = open(os.path.join(workdir, "localstripe.log"), "w")
    process = subprocess.Popen([executable, "--port", str(port), "--from-scratch"], cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    wait_for_port(port, process=process)
    return process, f"http://localhost:{port}", workdir


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=int(os.environ.get("BENCH_CUSTOMERS", 16)))
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 60)))
    parser.add_argument("--max-requests", type=int, default=int(os.environ.get("BENCH_MAX_REQUESTS", 6000)))
    parser.add_argument("--baseline-seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--card-share", type=float, default=0.3)
    parser.add_argument("--double-submit-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--staff", nargs=3, metavar=("DB", "STOP_FILE", "REPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.staff:
        staff_main(*args.staff)
        return 0

    db_name = f"{DB_PREFIX}_rush"
    print(f"Lunch rush — {machine_description()}")
    print(f"  database {db_name}: created, migrated and populated in {fresh_database(db_name):.1f} s")
    setup_django(db_name)
    from django.db import connections
    from django.utils import timezone

    from bench import sitemap
    from bench.data import BENCH_SHOPS, make_customers, make_staff, stock_up
    from pizzeria.models import Pizzeria

    profiles = make_customers(args.customers)
    staff = make_staff()
    # Montparnasse keeps mozzarella for 12 pizzas: its customers and its kitchen contend for it.
    stock_up(tight={"montparnasse": {"Mozzarella": 12}})
    shops = {p.slug: p for p in Pizzeria.objects.filter(slug__in=BENCH_SHOPS)}
    urls = {
        "login": sitemap.login_url(),
        "catalogue": {slug: sitemap.catalogue_url(shop) for slug, shop in shops.items()},
        "cart": sitemap.cart_url(),
        "cart_add": sitemap.cart_add_url(),
        "checkout": sitemap.checkout_url(),
        "my_orders": sitemap.my_orders_url(),
        "kitchen": sitemap.kitchen_queue_url(),
        "kitchen_partial": sitemap.kitchen_queue_url(partial=True),
        "drivers": sitemap.driver_queue_url(),
        "drivers_partial": sitemap.driver_queue_url(partial=True),
        "admin_orders": sitemap.admin_orders_url(),
        "dashboard": sitemap.dashboard_url(),
    }
    missing = [name for name, url in urls.items() if not url or (isinstance(url, dict) and not all(url.values()))]
    if missing:
        raise SystemExit(f"pages not found by URL name (feature not landed?): {', '.join(missing)}")
    # Managers of the bench shops poll the admin list and dashboard; the bench pizzaiolos and drivers the queues.
    staff_emails = [("pizzaiolo", staff[s]["pizzaiolo"].email) for s in BENCH_SHOPS]
    staff_emails += [("driver", staff[s]["driver"].email) for s in BENCH_SHOPS]
    staff_emails += [("manager", "gerant@ocpizza.fr")]
    connections.close_all()
    # The demo manager's password is the demo one: give it the bench password for the poller.
    from account.models import User

    manager = User.objects.get(email="gerant@ocpizza.fr")
    manager.set_password(BENCH_PASSWORD)
    manager.save(update_fields=["password"])
    connections.close_all()

    stripe_process, stripe_base, stripe_dir = start_localstripe()
    urls["stripe"] = stripe_base
    stats = Stats(args.max_requests)
    stats.urls = urls
    stats.staff_count = len(staff_emails)
    workdir = Path(tempfile.mkdtemp(prefix="bench-rush-"))
    stop_file, report_file = workdir / "stop", workdir / "staff.json"
    status = 1
    try:
        with gunicorn(db_name, workers=2, STRIPE_API_BASE=stripe_base, STRIPE_JS_URL=f"{stripe_base}/js.stripe.com/v3/") as base:
            import urllib.parse
            import urllib.request

            data = urllib.parse.urlencode({"url": f"{base}/paiement/webhook/", "secret": "whsec_ocpizza_local"}).encode()
            urllib.request.urlopen(urllib.request.Request(f"{stripe_base}/_config/webhooks/bench", data=data), timeout=10).read()
            run_started = timezone.now()
            staff_process = subprocess.Popen(
                [PY, __file__, "--staff", db_name, str(stop_file), str(report_file)],
                env=django_env(db_name, STRIPE_API_BASE=stripe_base),
            )
            try:
                ratios, elapsed = asyncio.run(run_load(base, urls, profiles, staff_emails, args, stats))
            finally:
                stop_file.write_text("stop")
                staff_process.wait(timeout=300)
            time.sleep(2)  # last webhooks
        staff_report = json.loads(report_file.read_text()) if report_file.exists() else {"done": {}, "errors": ["no report"]}
        connections.close_all()
        books = check_books(stats, run_started)
        status = report(args, stats, ratios, elapsed, staff_report, books)
    finally:
        stripe_process.terminate()
        stripe_process.wait(timeout=10)
        shutil.rmtree(stripe_dir, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
        connections.close_all()
        drop_database(db_name)
    return status


def report(args, stats, ratios, elapsed, staff_report, books):
    print(f"  {args.customers} customers and {stats.staff_count} staff logged in first ({stats.login_requests} requests), then")
    print(f"  {args.customers} customers for {elapsed:.0f} s, {stats.requests} requests "
          f"(bounds: {args.duration:.0f} s, {args.max_requests} requests), gunicorn 2 sync workers")
    print()
    rush_rate = stats.requests / elapsed if elapsed else 0
    print(f"  Rush mix: {rush_rate:.1f} req/s served by the Python clients (a mixed workload, not a page's "
          f"throughput: see bench/pages_rps.py)")
    print()
    minutes = elapsed / 60 if elapsed else float("nan")
    by_method = Counter(method for _e, _n, method in stats.checkouts)
    print(f"  Orders placed: {len(stats.checkouts)} ({by_method.get('on_delivery', 0)} pay on delivery, "
          f"{by_method.get('card_online', 0)} card) = {len(stats.checkouts) / minutes:.1f} orders/minute; "
          f"{stats.double_submits} checkout forms sent twice; {stats.refused_checkouts} checkouts refused with a message")
    for sample in stats.refusal_samples:
        print(f"    refused: {' '.join(sample.split())}")
    print(f"  Kitchen and drivers (order.services): {dict(staff_report['done'])}")
    for error in staff_report.get("errors", [])[:5]:
        print(f"    staff: {error}")
    print()
    print(f"  {'page':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, values in sorted(stats.latencies.items()):
        print(f"  {label:<28} {len(values):>6} {percentile(values, .5) * 1000:>8.0f} "
              f"{percentile(values, .95) * 1000:>8.0f} {percentile(values, .99) * 1000:>8.0f}")
    total_errors = sum(stats.errors.values())
    print(f"\n  Errors: {total_errors}" + (f" {dict(stats.errors)}" if total_errors else ""))
    for sample in stats.error_samples:
        print(f"    {sample}")
    print("\n  Books:")
    for name, ok, detail in books:
        print(f"    [{'ok' if ok else 'FAIL'}] {name} — {detail}")
    books_ok = all(ok for _n, ok, _d in books)
    print(f"\n  Lunch rush: books {'right' if books_ok else 'WRONG'}, {total_errors} request error(s)")
    return 0 if books_ok and total_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
