"""The database: DATABASE_URL (SQLite by default in development), MariaDB options and TLS."""
import os
import ssl
from pathlib import Path

import pymysql

from ocpizza.settings.environment import BASE_DIR, IS_PRODUCTION, env

# Django's MySQL backend imports MySQLdb; PyMySQL stands in for it (O-1).
pymysql.install_as_MySQLdb()


class _SharedTLSContext(ssl.SSLContext):
    """A TLS context that the settings' copies share (Django deep-copies a connection's settings
    for a second connection; an SSLContext cannot be copied)."""

    def __deepcopy__(self, memo):
        return self


def tls_context(ca_file=""):
    """The TLS context of every MySQL connection of the process, built once.

    Given a dict, PyMySQL builds a context for each connection, loading the CA bundle each time:
    16 ms of CPU per connection, per request with DB_CONN_MAX_AGE=0. Given a context, it uses
    it as is. The same checks as PyMySQL's own from {"ca": ...} or {"check_hostname": False}:
    with a CA file the server's certificate and name are verified, without one the link is
    encrypted but the server is not authenticated."""
    context = _SharedTLSContext(ssl.PROTOCOL_TLS_CLIENT)
    # MySQL's self-signed certificates fail Python 3.13's strict X.509 checks (as in PyMySQL).
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    context.ca_file = ca_file  # for the backups' mysqldump (ops.backups)
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("charset", "utf8mb4")
    # Read committed: a locked stock row is re-read fresh after the lock is granted.
    options.setdefault("isolation_level", "read committed")
    options.setdefault("init_command", "SET sql_mode='STRICT_TRANS_TABLES'")
    if env.bool("DB_SSLMODE", default=IS_PRODUCTION):
        # TLS, required; a CA file pins the server. One context per process (tls_context).
        options["ssl"] = tls_context(env.str("DB_SSL_CA", default=""))
    else:
        # Plain TCP, said outright: without it PyMySQL (1.2) "prefers" TLS and builds a TLS
        # context for every connection, loading the system's CA bundle each time (16 ms of CPU
        # per connection against 0.3 ms), even when the server offers no TLS.
        options["ssl_disabled"] = True
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"].update({"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's site, job worker and shell share one file; so do the live server's threads in
    # the browser tests. IMMEDIATE takes the write lock when a transaction begins, so a writer
    # waits its turn (timeout, in seconds) instead of failing on a lock upgrade; WAL lets the
    # readers (the status poll) go on while a transaction writes.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("timeout", 20)
    options.setdefault("init_command", "PRAGMA journal_mode=WAL;")
    # The test database is a file, not Django's default in-memory one: an in-memory database is
    # one connection that the live server's threads share, and two browser requests at once (a
    # status poll beside a login) then collide ("cannot open savepoint - SQL statements in
    # progress"). A file gives every thread its own connection; in /dev/shm it stays in memory.
    # One per process: pytest-xdist's workers each build their own (pytest-django adds _gwN too).
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else BASE_DIR / "var"
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"].setdefault("NAME", str(scratch / f"ocpizza-test-{os.getpid()}.sqlite3"))
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
