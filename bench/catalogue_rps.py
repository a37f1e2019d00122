"""Catalogue requests per second under gunicorn (2 sync workers), as a ratio to a bare Django view
on the same server (issue 6 target: at least 0.3).

Creates its own MariaDB database (`<BENCH_DB_PREFIX>_catalogue`, see bench/common.py), migrates it,
loads the demo data, starts gunicorn with the production config and DEBUG off, then for each URL
runs C concurrent clients for D seconds: /bench/hello (bench/urls.py, no database, no template),
the catalogue of the shop short of mozzarella, and the same catalogue searched ("champignon").
Prints requests per second and the ratios; exits 1 when a request fails or a ratio is below 0.3.

    .venv/bin/python bench/catalogue_rps.py [--duration 8] [--clients 4]
"""
import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

TARGET = 0.3


def measure(url, *, clients, duration):
    """Requests per second over `duration` seconds from `clients` threads; (rate, errors)."""
    import requests

    counts, errors = [0] * clients, [0] * clients
    stop = 0.0

    def worker(index):
        nonlocal stop
        with requests.Session() as session:
            while time.monotonic() < stop:
                try:
                    response = session.get(url, timeout=30)
                    if response.status_code == 200:
                        counts[index] += 1
                    else:
                        errors[index] += 1
                except requests.RequestException:
                    errors[index] += 1

    # Warm-up: every worker imports its templates and opens its database connection.
    for _ in range(4):
        requests.get(url, timeout=30)
    started = time.monotonic()
    stop = started + duration
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), sum(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_CATALOGUE_DURATION", 8)))
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    db_name = f"{common.DB_PREFIX}_catalogue"
    print(f"machine: {common.machine_description()}")
    setup = common.fresh_database(db_name)
    print(f"database {db_name}: migrated and filled in {setup:.0f} s")
    try:
        with common.gunicorn(db_name, workers=2) as base:
            pages = [
                ("hello", "/bench/hello"),
                ("catalogue", "/pizzeria/montmartre/"),
                ("search", "/pizzeria/montmartre/?q=champignon"),
            ]
            rates, failed = {}, 0
            for label, path in pages:
                rate, errors = measure(base + path, clients=args.clients, duration=args.duration)
                rates[label], failed = rate, failed + errors
                print(f"{label:<10} {path:<40} {rate:8.1f} req/s  errors: {errors}")
    finally:
        common.drop_database(db_name)
    ok = failed == 0
    for label in ("catalogue", "search"):
        ratio = rates[label] / rates["hello"] if rates["hello"] else 0
        verdict = "ok" if ratio >= TARGET else f"BELOW {TARGET}"
        ok = ok and ratio >= TARGET
        print(f"ratio {label}/hello: {ratio:.2f} (target >= {TARGET}) {verdict}")
    print(f"gunicorn 2 sync workers, {args.clients} clients, {args.duration:.0f} s per page")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
