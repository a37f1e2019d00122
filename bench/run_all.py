"""`make bench`: every benchmark in turn, on fresh MariaDB databases, in under 20 minutes.

    .venv/bin/python bench/run_all.py

Runs bench/pages_rps.py (pages as ratios to a bare Django ceiling, wrk), bench/query_counts.py,
bench/lunch_rush.py (60 s of load by default), bench/accept_order.py and bench/dashboard.py
(200 000 orders; its database is kept, so only the first run generates them); each prints its
own figures. Exits 1 when one of them failed (a query
count that grows, a request error, wrong books). Environment: BENCH_DATABASE_URL (server,
default mysql://root@127.0.0.1:3306/), BENCH_DB_PREFIX (default ocpizza_bench), BENCH_CUSTOMERS,
BENCH_DURATION, BENCH_MAX_REQUESTS. See bench/README.md.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench import common  # noqa: E402
BUDGET = 20 * 60  # the whole run, set-up included (the dashboard's first run writes 200 000 orders)


def main():
    started = time.monotonic()
    dashboard_env = {**os.environ, "DATABASE_URL": common.database_url(f"{common.DB_PREFIX}_dashboard"), "DB_SSLMODE": "off"}
    runs = [
        ("pages", [sys.executable, str(BENCH / "pages_rps.py")], 420, os.environ),
        ("query counts", [sys.executable, str(BENCH / "query_counts.py")], 240, os.environ),
        ("lunch rush", [sys.executable, str(BENCH / "lunch_rush.py")], 300, os.environ),
        # SQLite unless DATABASE_URL is set, as its docstring says.
        ("accept_order", [sys.executable, str(BENCH / "accept_order.py")], 120, os.environ),
        ("dashboard", [sys.executable, str(BENCH / "dashboard.py")], 600, dashboard_env),
    ]
    results = []
    for name, command, timeout, env in runs:
        left = BUDGET - (time.monotonic() - started)
        if left < 30:
            results.append((name, "skipped: out of time"))
            continue
        print(f"\n=== {name} ===", flush=True)
        try:
            code = subprocess.run(command, cwd=BENCH.parent, timeout=min(timeout, left), env=env).returncode
            results.append((name, "ok" if code == 0 else f"FAILED (exit {code})"))
        except subprocess.TimeoutExpired:
            results.append((name, "FAILED (timeout)"))
    elapsed = time.monotonic() - started
    print(f"\n=== summary ({elapsed:.0f} s) ===")
    for name, outcome in results:
        print(f"  {name:<14} {outcome}")
    return 0 if all(outcome == "ok" for _name, outcome in results) else 1


if __name__ == "__main__":
    sys.exit(main())
