"""`make bench`: every benchmark in turn, on fresh MariaDB databases, in under 10 minutes.

    .venv/bin/python bench/run_all.py

Runs bench/query_counts.py, bench/lunch_rush.py (60 s of load by default) and, when present,
bench/accept_order.py and bench/catalogue_rps.py; each prints its own figures. Exits 1 when one of them failed (a query
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
BUDGET = 10 * 60  # the whole run must fit in ten minutes, set-up included


def main():
    started = time.monotonic()
    runs = [
        ("query counts", [sys.executable, str(BENCH / "query_counts.py")], 240),
        ("lunch rush", [sys.executable, str(BENCH / "lunch_rush.py")], 300),
    ]
    # Benchmarks of other parts, run as their own docstrings say (SQLite unless DATABASE_URL is set).
    for script, timeout in (("accept_order.py", 120), ("catalogue_rps.py", 120)):
        if (BENCH / script).exists():
            runs.append((script[:-3], [sys.executable, str(BENCH / script)], timeout))
    results = []
    for name, command, timeout in runs:
        left = BUDGET - (time.monotonic() - started)
        if left < 30:
            results.append((name, "skipped: out of time"))
            continue
        print(f"\n=== {name} ===", flush=True)
        try:
            code = subprocess.run(command, cwd=BENCH.parent, timeout=min(timeout, left), env=os.environ).returncode
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
