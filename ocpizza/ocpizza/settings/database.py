"""The database: DATABASE_URL (SQLite by default in development), MariaDB options and TLS."""
import os
from pathlib import Path

import pymysql

from ocpizza.settings.environment import BASE_DIR, IS_PRODUCTION, env

# Django's MySQL backend imports MySQLdb; PyMySQL stands in for it (O-1).
pymysql.install_as_MySQLdb()

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
        # PyMySQL negotiates TLS when given an ssl dict; a CA file pins the server.
        ssl_ca = env.str("DB_SSL_CA", default="")
        ssl = {"ca": ssl_ca} if ssl_ca else {"check_hostname": False}
        options["ssl"] = ssl
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
