"""Requests per second of the site's pages, as ratios to a bare Django app (issue 14).

    .venv/bin/python bench/pages_rps.py [--rounds 5] [--seconds 3] [--connections 16]

The yardstick: bench/bare/ is a Django project with nothing of OC Pizza (no app, no database,
two middlewares, one hello view). It and the site run side by side, each under gunicorn with the
production settings (deploy/gunicorn.conf.py, 2 sync workers, DEBUG off), on the same MariaDB
database set-up as the other benchmarks (<BENCH_DB_PREFIX>_pages). wrk (a C load generator,
Debian package `wrk`, installed with apt-get when missing and run as root) drives both, so the
client is never what saturates.

Each round measures the ceiling, every page, then the ceiling again (the pages in a different
order each round); a page's ratio in a round is its rate over the mean of that round's two
ceilings. Printed: the machine, each page's median req/s and median ratio over the rounds.
Exit code 1 when a median ratio is below its target or any request failed (wrk's non-2xx/3xx
answers, socket errors).

Logged-in pages carry a session made in the database by Django's test client (force_login)
and send it as a cookie. The status poll and the queue refreshes are measured as the browsers
send them after their first load: with If-None-Match, the ETag of the previous answer
(304 while nothing changed), taken again before each measure (the queues' ETag changes every
minute, as their cards say how late an order is); the same pages without it are printed for
information.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

# (label, path, who, conditional, target ratio or None for information only)
PAGES = [
    ("project hello", "/bench/hello", None, False, 0.8),
    ("home", "/", None, False, 0.35),
    ("catalogue", "/pizzeria/montmartre/", None, False, 0.35),
    ("catalogue search", "/pizzeria/montmartre/?q=champignon", None, False, 0.35),
    ("status poll", "{status}", "customer", True, 0.5),
    ("kitchen refresh", "/admin/order/order/kitchen/list/?shop=bastille", "pizzaiolo", True, 0.35),
    ("driver refresh", "/admin/order/order/drivers/list/?shop=bastille", "driver", True, 0.35),
    ("status poll, no ETag", "{status}", "customer", False, None),
    ("kitchen, no ETag", "/admin/order/order/kitchen/list/?shop=bastille", "pizzaiolo", False, None),
]
LOGINS = {"customer": "client@ocpizza.fr", "pizzaiolo": "pizzaiolo@ocpizza.fr", "driver": "livreur@ocpizza.fr"}


def ensure_wrk():
    """wrk from Debian's packages, installed like Chromium is for the tests (root only)."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0:
        subprocess.run("apt-get update -qq && apt-get install -y -qq wrk", shell=True, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        sys.exit("wrk missing: sudo apt-get install wrk")
    return shutil.which("wrk")


def sessions_and_urls(db_name):
    """Session cookies of the customer, the pizzaiolo and the driver, and the customer's order
    still in the kitchen (its status poll), made in this process on the bench database."""
    common.setup_django(db_name)
    from django.conf import settings
    from django.test import Client

    from account.models import User
    from order.models import Order

    cookies = {}
    for who, email in LOGINS.items():
        client = Client()
        client.force_login(User.objects.get(email=email), backend="account.backends.RoleBackend")
        cookies[who] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    order = Order.objects.filter(customer__email=LOGINS["customer"], status=Order.Status.TO_PREPARE).order_by("pk").first()
    return cookies, {"status": f"/mes-commandes/{order.number}/statut/"}


def get(url, headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status, response.headers.get("ETag"), response.headers.get_all("Set-Cookie") or []


def wrk(binary, url, *, seconds, connections, headers):
    # A slow answer is not an error: wrk counts a timeout as one after 2 s by default.
    command = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        failed += sum(int(n) for n in socket.groups())
    return rate, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 5)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_WRK_SECONDS", 3)))
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    binary = ensure_wrk()
    db_name = f"{common.DB_PREFIX}_pages"
    print(f"machine: {common.machine_description()}")
    setup = common.fresh_database(db_name)
    print(f"database {db_name}: migrated and filled in {setup:.0f} s")
    cookies, paths = sessions_and_urls(db_name)
    rates = {label: [] for label, *_rest in PAGES}
    ratios = {label: [] for label, *_rest in PAGES}
    ceilings, failures = [], {}
    try:
        with common.gunicorn(db_name, workers=2, app="bench.bare.wsgi:application",
                             log_path=common.REPO / "var" / "bench" / "gunicorn-bare.log") as bare, \
                common.gunicorn(db_name, workers=2) as site:
            ceiling_url = bare + "/bench/hello"
            requests = {}
            for label, path, who, conditional, _target in PAGES:
                url = site + path.format(**paths)
                headers = {"Cookie": cookies[who]} if who else {}
                status, _etag, cookies_set = get(url, headers)
                csrf = [c.split(";")[0] for c in cookies_set if c.startswith("csrftoken=")]
                if who and csrf:  # a browser sends back the CSRF cookie its first answer set
                    headers = {"Cookie": f"{headers['Cookie']}; {csrf[0]}"}
                for _ in range(4):  # warm-up: templates loaded, connections open in both workers
                    status, etag, _cookies = get(url, headers)
                if status != 200:
                    sys.exit(f"{label}: {url} answers {status}")
                if conditional:
                    if not etag:
                        sys.exit(f"{label}: {url} sends no ETag")
                    headers = {**headers, "If-None-Match": etag}
                    status = get_status(url, headers)
                    if status != 304:
                        sys.exit(f"{label}: {url} answers {status} to its own ETag, not 304")
                requests[label] = (url, headers)
            for _ in range(4):
                get(ceiling_url, {})
            labels = [label for label, *_rest in PAGES]
            for round_number in range(args.rounds):
                shift = round_number % len(labels)
                order = labels[shift:] + labels[:shift]
                before, failed = wrk(binary, ceiling_url, seconds=args.seconds, connections=args.connections, headers={})
                failures["ceiling"] = failures.get("ceiling", 0) + failed
                measured = {}
                for label in order:
                    url, headers = requests[label]
                    if "If-None-Match" in headers:
                        # The queues' ETag holds the minute (their cards say how late an order is):
                        # the page's script sends the ETag of its last answer, a new one each minute.
                        # So does the bench before each measure, or every answer after the first
                        # minute would be a full list.
                        plain = {name: value for name, value in headers.items() if name != "If-None-Match"}
                        headers = {**plain, "If-None-Match": get(url, plain)[1]}
                    rate, failed = wrk(binary, url, seconds=args.seconds, connections=args.connections, headers=headers)
                    measured[label] = rate
                    failures[label] = failures.get(label, 0) + failed
                after, failed = wrk(binary, ceiling_url, seconds=args.seconds, connections=args.connections, headers={})
                failures["ceiling"] += failed
                ceiling = (before + after) / 2
                ceilings.append(ceiling)
                for label, rate in measured.items():
                    rates[label].append(rate)
                    ratios[label].append(rate / ceiling)
                print(f"  round {round_number + 1}/{args.rounds}: ceiling {before:.0f} / {after:.0f} req/s, load "
                      f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)
    finally:
        common.drop_database(db_name)
    ok = True
    print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s, {args.rounds} rounds, gunicorn 2 sync workers "
          f"(deploy/gunicorn.conf.py), MariaDB, DEBUG off; medians over the rounds")
    print(f"  {'page':<24} {'req/s':>8} {'ratio':>7} {'target':>7}  errors")
    print(f"  {'ceiling (bare Django)':<24} {statistics.median(ceilings):>8.0f} {1:>7.2f} {'':>7}  {failures['ceiling']}")
    for label, _path, _who, _conditional, target in PAGES:
        ratio = statistics.median(ratios[label])
        verdict = ""
        if target is not None:
            verdict = "ok" if ratio >= target else "BELOW"
            ok = ok and ratio >= target
        ok = ok and failures[label] == 0
        target_text = f">={target}" if target is not None else "info"
        print(f"  {label:<24} {statistics.median(rates[label]):>8.0f} {ratio:>7.2f} {target_text:>7}  "
              f"{failures[label]} {verdict}")
    ok = ok and failures["ceiling"] == 0
    print(f"\npages: {'all targets met' if ok else 'a target is missed or a request failed'}")
    return 0 if ok else 1


def get_status(url, headers):
    """Status of a GET that may answer 304 (urllib raises on it)."""
    try:
        return get(url, headers)[0]
    except urllib.error.HTTPError as error:
        return error.code


if __name__ == "__main__":
    sys.exit(main())
