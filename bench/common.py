"""Shared by the benchmarks: a fresh MariaDB database, the Django environment, gunicorn, statistics.

Every benchmark creates (and drops at the end) a database of its own on the server named by
BENCH_DATABASE_URL (default mysql://root@127.0.0.1:3306/), so it never touches the data of the
demo, the tests or another engineer.
"""
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "ocpizza"
PY = sys.executable
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/")
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "ocpizza_bench")
BENCH_PASSWORD = "pizza-bench-2026"


def database_url(name):
    parts = urlsplit(SERVER_URL)
    return f"{parts.scheme}://{parts.netloc}/{name}"


def _connect():
    import pymysql

    parts = urlsplit(SERVER_URL)
    return pymysql.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        autocommit=True,
    )


def recreate_database(name):
    connection = _connect()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    connection.close()


def drop_database(name):
    if os.environ.get("BENCH_KEEP_DB"):
        return
    connection = _connect()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    connection.close()


def django_env(db_name, **extra):
    """Environment of a production-like process (DEBUG off, real password hashing, no TLS to the
    local database, e-mails kept in memory) on the benchmark's database."""
    env = dict(os.environ)
    (REPO / "var" / "static").mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    env.update(
        {
            "APP_ENV": "bench",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "DATABASE_URL": database_url(db_name),
            "DB_SSLMODE": "false",
            "DB_CONN_MAX_AGE": "60",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_TO_FILE": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            # A cache shared by the workers (sessions, status versions, cached pages), as in production.
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/0"),
            "CACHE_KEY_PREFIX": f"{db_name}",
            "PYTHONPATH": os.pathsep.join([str(PROJECT), str(REPO)]),
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def setup_django(db_name, **extra):
    """Configure Django in this process on the benchmark's database."""
    os.environ.update(django_env(db_name, **extra))
    for path in (str(PROJECT), str(REPO)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def manage(db_name, *args, quiet=True):
    subprocess.run(
        [PY, str(PROJECT / "manage.py"), *args],
        cwd=REPO,
        env=django_env(db_name),
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def fresh_database(db_name):
    """Create, migrate and fill with the demo data (8 pizzerias, menu, stock, logins)."""
    started = time.monotonic()
    recreate_database(db_name)
    manage(db_name, "migrate", "--noinput")
    manage(db_name, "populate")
    return time.monotonic() - started


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=60.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


@contextlib.contextmanager
def gunicorn(db_name, *, workers=2, log_path=None, app="ocpizza.wsgi:application", **env_extra):
    """Gunicorn with the production config file (deploy/gunicorn.conf.py), `workers` sync
    workers on a free loopback port; yields the base URL."""
    port = free_port()
    log_path = log_path or (REPO / "var" / "bench" / "gunicorn.log")
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")
    command = [
        PY, "-m", "gunicorn", app,  # DJANGO_SETTINGS_MODULE=bench.settings adds the hello view
        "--config", str(REPO / "deploy" / "gunicorn.conf.py"),
        "--chdir", str(PROJECT),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--threads", "1",
        "--access-logfile", "/dev/null",
        "--max-requests", "0",
        "--timeout", "60",
    ]
    process = subprocess.Popen(
        command, cwd=REPO, env=django_env(db_name, **env_extra), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def percentile(values, fraction):
    """Nearest-rank percentile of a list of numbers (0 < fraction <= 1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(fraction * len(ordered) + 0.5))))
    return ordered[rank - 1]


def machine_description():
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return f"{os.cpu_count()} CPU ({cpu}), {memory} RAM, load average {load}"
