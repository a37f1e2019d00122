"""The database: DATABASE_URL (SQLite by default in development), MariaDB options and TLS."""
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
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
