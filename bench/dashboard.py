"""Response time and query count of the admin dashboard over 200 000 orders (F-ADM-2, F-ADM-4).

Runs on MariaDB (DATABASE_URL, default mysql://root@127.0.0.1:3306/ocpizza_dashbench: the test
database test_ocpizza_dashbench is created and kept, so that a second run skips the
generation). Loads the demo data, bulk-inserts 200 000 finished orders spread over the last
365 days, then asks for the head office's dashboard (all 8 shops) for the last 30 days and for
the last 365 days. Prints the machine, the median time of each and its query count; the
query count is the same for both (it does not depend on the number of orders).

    DATABASE_URL=mysql://root@127.0.0.1:3306/ocpizza_dashbench .venv/bin/python bench/dashboard.py [orders] [repetitions]

Targets (issue 14): a month in 0.25 s, a year in 0.5 s (median, whole page through Django's
test client); exit code 1 above them. The sales and the options' tables come from the per-shop
daily and monthly rows the order services keep (order.daily_figures); generate_orders counts its
bulk inserts there itself (a database kept from before order.0008 gets its new maps and monthly
rows from that migration).

The generated orders also get the journal entries the order services would have written (sales,
changes, cancellations, payments, collections, refunds; bench/journal_history.py) and every past
day, month and year its closings, as the nightly job would have: the VAT table reads them. A
database kept from before gets them on its next run; the chains are checked (verify_books) after
each writing.
"""
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "ocpizza"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocpizza.settings")
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("DATABASE_URL", "mysql://root@127.0.0.1:3306/ocpizza_dashbench")


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{platform.node()} — {cpu}, {os.cpu_count()} cores, load average {load}, Python {platform.python_version()}"


def main(count=200_000, repetitions=5):
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    if connection.vendor != "mysql":
        sys.exit("bench/dashboard.py mesure MariaDB/MySQL : DATABASE_URL=mysql://…")
    # serialize=False: Django would otherwise read the whole kept database (200 000 orders) into
    # a string at every start, for test rollbacks this script never makes (minutes, ~800 MB).
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)

    from account.models import User
    from dashboard.forms import paris_today
    from demo.sample import generate_orders
    from order.models import Order, OrderLine
    from pizzeria.models import Pizzeria
    from product.models import Product
    from demo.populate import load_demo, load_reference

    load_reference()
    load_demo()
    today = paris_today()
    existing = Order.objects.filter(number__startswith="BENCH-").count()
    if existing < count:
        started = time.perf_counter()
        generate_orders(
            pizzerias=list(Pizzeria.objects.all()), products=list(Product.objects.filter(is_active=True)),
            count=count - existing, first_day=today - timedelta(days=364), last_day=today, seed=existing,
            prefix="BENCH", first_number=existing,
        )
        print(f"generated {count - existing} orders in {time.perf_counter() - started:.1f} s")
    # Their journal entries and the closings of the past days (incremental as the orders).
    sys.path.insert(0, str(ROOT))
    from bench.journal_history import ensure_journal

    ensure_journal(prefix="BENCH")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE TABLE order_order, order_orderline, books_journalentry, books_closing")
        cursor.fetchall()
        cursor.execute("SELECT VERSION()")
        version = cursor.fetchone()[0]

    print(f"machine: {machine()}; database: {version}")
    from books.models import Closing, JournalEntry

    revenue = JournalEntry.objects.filter(kind__in=("sale", "change", "cancellation"))
    print(f"orders: {Order.objects.count()}; order lines: {OrderLine.objects.count()}; journal entries: "
          f"{JournalEntry.objects.count()} (revenue {revenue.count()}, of the last 365 days "
          f"{revenue.filter(service_day__gt=today - timedelta(days=365)).count()}); closings: {Closing.objects.count()}")
    client = Client()
    client.force_login(User.objects.get(email="siege@ocpizza.fr"), backend="account.backends.RoleBackend")
    ok = True
    for label, days, target in (("month (30 days)", 30, 0.25), ("year (365 days)", 365, 0.5)):
        params = {"period": "custom", "start": (today - timedelta(days=days - 1)).isoformat(), "end": today.isoformat()}
        client.get("/admin/", params)  # warm-up
        timings = []
        for _ in range(repetitions):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/admin/", params)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        median = statistics.median(timings)
        ok = ok and median <= target
        print(
            f"dashboard, head office, 8 shops, {label}: load {os.getloadavg()[0]:.1f}, median {median:.3f} s "
            f"(min {min(timings):.3f}, max {max(timings):.3f}), {len(queries.captured_queries)} queries, "
            f"target {target} s {'ok' if median <= target else 'ABOVE'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:3])))
