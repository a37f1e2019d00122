"""OC Pizza settings.

Every value that differs between machines comes from the environment, or from
`ocpizza/ocpizza/.env` (a copy of `.env.example`, documented line by line).
Without a .env the app runs in development on an embedded SQLite database.
"""
from pathlib import Path

import environ
import pymysql
from csp.constants import NONCE
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ocpizza.dev_defaults import (
    DEV_SECRET_KEY,
    DEV_STRIPE_PUBLISHABLE_KEY,
    DEV_STRIPE_SECRET_KEY,
    DEV_STRIPE_WEBHOOK_SECRET,
)

# Django's MySQL backend imports MySQLdb; PyMySQL stands in for it (O-1).
pymysql.install_as_MySQLdb()

BASE_DIR = Path(__file__).resolve().parent.parent  # the folder of manage.py
REPO_DIR = BASE_DIR.parent

env = environ.Env()
ENV_FILE = Path(__file__).resolve().parent / ".env"
if ENV_FILE.exists():
    environ.Env.read_env(ENV_FILE)

APP_ENV = env.str("APP_ENV", default="development")  # development | test | production
IS_PRODUCTION = APP_ENV == "production"
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="" if IS_PRODUCTION else DEV_SECRET_KEY)
else:
    # No default: a production server must not start with a guessable key.
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"] + env.list("ADDS_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in env.list("ADDS_ALLOWED_HOSTS", default=[])]

INSTALLED_APPS = [
    # unfold and its contrib apps must come before django.contrib.admin.
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "axes",
    "algoliasearch_django",
    "account",
    "pizzeria",
    "product",
    "order",
    "home",
    "dashboard",
    "ops",
    "demo",  # demo data and sample history (commands populate, dashboard_sample); no models
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on the public site (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ocpizza.urls"
WSGI_APPLICATION = "ocpizza.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.cart_summary",
            ],
        },
    },
]

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
        ssl = {"ca": env.str("DB_SSL_CA")} if env.str("DB_SSL_CA", default="") else {"check_hostname": False}
        options["ssl"] = ssl
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"].update({"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"})
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and logins ---------------------------------------------------------
AUTH_USER_MODEL = "account.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first so that a locked account is refused before the password check.
    "axes.backends.AxesStandaloneBackend",
    # Permissions come from the roles a user holds in pizzerias (StaffMembership).
    "account.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "account.validators.DigitOrSymbolValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # F-AUTH-4: one hour
LOGIN_URL = "account:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "home:index"

# F-AUTH-3: three failed attempts lock the account for five minutes, whatever the address.
# Issue 13 L4: twenty failed attempts from one client address, across any accounts, suspend
# logins from that address for the same cool-off (password spraying: many accounts, one
# password each). One limit per parameter: account/lockout.py's failure_limit picks it.
AXES_ACCOUNT_FAILURE_LIMIT = 3
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_FAILURE_LIMIT = "account.lockout.failure_limit"
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=5 / 60)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
# Case-insensitive and length-capped, as logins are (account/lockout.py says why).
AXES_USERNAME_CALLABLE = "account.lockout.axes_username"
# A success clears that account's failures only (account/lockout.py: reset_account_on_login);
# axes' own reset would also clear the address counter.
AXES_RESET_ON_SUCCESS = False
# The French lock page, saying whether the account or the address is locked.
AXES_LOCKOUT_CALLABLE = "account.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The client address, with django-ipware. Behind Nginx, REMOTE_ADDR is Nginx itself (127.0.0.1)
# for everyone; Nginx appends the address it sees to X-Forwarded-For
# ($proxy_add_x_forwarded_for), after whatever the client put there. So the client is the entry
# PROXY_HOPS places from the right: the last one with Nginx alone (PROXY_HOPS=1), the one before
# it with a load balancer in front of Nginx (2). Entries to its left are the client's own claim
# and never used. PROXY_HOPS=0 (development, runserver): REMOTE_ADDR only, since nothing
# trusted writes the header. Gunicorn must only be reachable through the proxy (bind 127.0.0.1).
PROXY_HOPS = env.int("PROXY_HOPS", default=1 if IS_PRODUCTION else 0)
if PROXY_HOPS:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = PROXY_HOPS - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# Not strict: a forged, malformed entry on the left must not make ipware drop the whole header
# (and fall back to REMOTE_ADDR, the proxy's address, shared by every client).
IPWARE_STRICT = False

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media files ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=REPO_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=REPO_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Spreadsheet imports (django-import-export, F-ADM-7) -----------------------
# The file a preview validated waits for its confirmation in a private folder shared by every
# Gunicorn worker (never MEDIA_ROOT, which Nginx serves); the confirmation names it by a signed
# token bound to the user (product.import_admin), never by a path.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
STORAGES["import_export"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": env.path("IMPORT_TMP_ROOT", default=REPO_DIR / "var" / "imports"),
        "directory_permissions_mode": 0o700,
        "file_permissions_mode": 0o600,
    },
}

# --- E-mail -------------------------------------------------------------------
# Production has no default SMTP server: receipts and password resets must go somewhere the
# operator chose (ocpizza.E008 says so at deploy time). "localhost" is accepted when set on
# purpose (a local relay such as Postfix).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="") or (  # empty in .env: the default
    "django.core.mail.backends.smtp.EmailBackend" if IS_PRODUCTION else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="" if IS_PRODUCTION else "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OC Pizza <commandes@ocpizza.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Stripe (F-ORD-4) -----------------------------------------------------------
# In development, tests and the demo, STRIPE_API_BASE points at localstripe and
# Stripe.js is loaded from it; production leaves both empty and uses real keys.
# The public development keys are defaults outside production only: in production a
# missing key stays empty and `check --deploy` fails (ocpizza/checks.py, issue 13 H1).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="" if IS_PRODUCTION else DEV_STRIPE_SECRET_KEY)
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="" if IS_PRODUCTION else DEV_STRIPE_PUBLISHABLE_KEY)
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="" if IS_PRODUCTION else DEV_STRIPE_WEBHOOK_SECRET)
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="" if IS_PRODUCTION else "http://localhost:8420")
STRIPE_JS_URL = env.str(
    "STRIPE_JS_URL",
    default=f"{STRIPE_API_BASE}/js.stripe.com/v3/" if STRIPE_API_BASE else "https://js.stripe.com/v3/",
)

# --- Search (F-SEARCH-1) ----------------------------------------------------------
ALGOLIA_APP_ID = env.str("ALGOLIA_APP_ID", default="")
ALGOLIA_API_KEY = env.str("ALGOLIA_API_KEY", default="")
ALGOLIA = {
    # algoliasearch_django builds its client at import time and needs non-empty ids;
    # the placeholders are never used to send anything since AUTO_INDEXING is then off.
    "APPLICATION_ID": ALGOLIA_APP_ID or "not-configured",
    "API_KEY": ALGOLIA_API_KEY or "not-configured",
    "INDEX_PREFIX": env.str("ALGOLIA_INDEX_PREFIX", default="ocpizza"),
    # Without credentials, no record is sent anywhere and search uses the database.
    "AUTO_INDEXING": bool(ALGOLIA_APP_ID and ALGOLIA_API_KEY),
}
SEARCH_BACKEND = "algolia" if ALGOLIA["AUTO_INDEXING"] else "database"

# --- Geocoding (F-ORD-3) ------------------------------------------------------------
# "offline": the Paris region's postcode centroids shipped in fixtures/;
# "ban": the French national address base (api-adresse.data.gouv.fr).
GEOCODER = env.str("GEOCODER", default="ban" if IS_PRODUCTION else "offline")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=3)  # seconds before "service unavailable"
GEOCODER_BAN_URL = env.str("GEOCODER_BAN_URL", default="https://api-adresse.data.gouv.fr/search/")
GEOCODER_CACHE_SECONDS = 7 * 24 * 3600  # an address does not move: answers are cached a week

# --- Security -------------------------------------------------------------------------
HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer and Supervisor's probe call /healthz over plain HTTP on 127.0.0.1.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp) for the public site. The admin is left out on purpose:
# django-unfold relies on inline scripts and styles a strict policy would block. Inline scripts
# on the site need `nonce="{{ request.csp_nonce }}"`; inline event handlers (onclick=) are refused.
def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


_STRIPE_ORIGINS = sorted(
    {o for o in (_origin(STRIPE_JS_URL), _origin(STRIPE_API_BASE)) if o}
    | ({"https://js.stripe.com", "https://hooks.stripe.com", "https://api.stripe.com"} if not STRIPE_API_BASE else set())
)
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE, *_STRIPE_ORIGINS],
        # Inline style attributes are harmless enough and common in templates; scripts are not.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_STRIPE_ORIGINS],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *_STRIPE_ORIGINS],
        "frame-src": ["'self'", *_STRIPE_ORIGINS],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *_STRIPE_ORIGINS],
    },
}

# --- Logging --------------------------------------------------------------------------
# stdout always (Supervisor keeps it in its log files); in production also files under LOG_DIR,
# reopened when logrotate moves them (deploy/logrotate).
LOG_DIR = env.path("LOG_DIR", default=REPO_DIR / "var" / "log")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_TO_FILE = env.bool("LOG_TO_FILE", default=IS_PRODUCTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Bots probing with foreign Host headers get a 400; not an error worth a traceback.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}
if LOG_TO_FILE:
    Path(LOG_DIR).mkdir(parents=True, exist_ok=True)
    LOGGING["handlers"]["app_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": str(Path(LOG_DIR) / "ocpizza.log"),
        "formatter": "plain",
    }
    LOGGING["handlers"]["error_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": str(Path(LOG_DIR) / "ocpizza-errors.log"),
        "formatter": "plain",
        "level": "ERROR",
    }
    LOGGING["root"]["handlers"] += ["app_file", "error_file"]

# --- Admin theme (django-unfold) ---------------------------------------------------------
UNFOLD = {
    "SITE_TITLE": _("OC Pizza"),
    "SITE_HEADER": _("OC Pizza — gestion"),
    "SITE_SYMBOL": "local_pizza",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "dashboard.views.dashboard_callback",
    "COLORS": {
        "primary": {
            "50": "254 242 242", "100": "254 226 226", "200": "254 202 202", "300": "252 165 165",
            "400": "248 113 113", "500": "239 68 68", "600": "220 38 38", "700": "185 28 28",
            "800": "153 27 27", "900": "127 29 29", "950": "69 10 10",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": [
            {
                "title": _("Service"),
                "separator": False,
                "items": [
                    {"title": _("Tableau de bord"), "icon": "dashboard", "link": reverse_lazy("admin:index")},
                    {
                        "title": _("Commandes"),
                        "icon": "receipt_long",
                        "link": reverse_lazy("admin:order_order_changelist"),
                        "permission": "dashboard.utils.can_view_orders",
                    },
                    {
                        "title": _("Cuisine"),
                        "icon": "skillet",
                        "link": reverse_lazy("admin:order_kitchen"),
                        "permission": "dashboard.utils.can_use_kitchen",
                    },
                    {
                        "title": _("Livraisons"),
                        "icon": "two_wheeler",
                        "link": reverse_lazy("admin:order_drivers"),
                        "permission": "dashboard.utils.can_use_driver_queue",
                    },
                ],
            },
            {
                "title": _("Magasins et stock"),
                "separator": True,
                "items": [
                    {
                        "title": _("Pizzerias"),
                        "icon": "storefront",
                        "link": reverse_lazy("admin:pizzeria_pizzeria_changelist"),
                        "permission": "dashboard.utils.can_view_pizzerias",
                    },
                    {
                        "title": _("Stock"),
                        "icon": "inventory_2",
                        "link": reverse_lazy("admin:pizzeria_stock_changelist"),
                        "permission": "dashboard.utils.can_view_stock",
                    },
                    {
                        "title": _("Mouvements de stock"),
                        "icon": "swap_vert",
                        "link": reverse_lazy("admin:pizzeria_stockmovement_changelist"),
                        "permission": "dashboard.utils.can_view_stock",
                    },
                    {
                        "title": _("Équipes"),
                        "icon": "badge",
                        "link": reverse_lazy("admin:pizzeria_staffmembership_changelist"),
                        "permission": "dashboard.utils.can_view_memberships",
                    },
                ],
            },
            {
                "title": _("Carte"),
                "separator": True,
                "items": [
                    {
                        "title": _("Produits"),
                        "icon": "local_pizza",
                        "link": reverse_lazy("admin:product_product_changelist"),
                        "permission": "dashboard.utils.can_view_products",
                    },
                    {
                        "title": _("Ingrédients"),
                        "icon": "egg",
                        "link": reverse_lazy("admin:product_ingredient_changelist"),
                        "permission": "dashboard.utils.can_view_products",
                    },
                    {
                        "title": _("Aide-mémoire"),
                        "icon": "sticky_note_2",
                        "link": reverse_lazy("admin:product_reminder_changelist"),
                        "permission": "dashboard.utils.can_view_products",
                    },
                ],
            },
            {
                "title": _("Utilisateurs"),
                "separator": True,
                "items": [
                    {
                        "title": _("Utilisateurs"),
                        "icon": "people",
                        "link": reverse_lazy("admin:account_user_changelist"),
                        "permission": "dashboard.utils.is_head_office",
                    },
                ],
            },
        ],
    },
}

# --- Monitoring (O-8) -------------------------------------------------------------------
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="") or APP_ENV  # empty in .env: APP_ENV
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.1)
if SENTRY_DSN:
    from ocpizza.monitoring import git_release, init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=env.str("SENTRY_RELEASE", default="") or git_release(REPO_DIR),
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

# --- Operations: backups and weekly maintenance (O-6, O-7) ----------------------------------
BACKUP_DIR = env.path("BACKUP_DIR", default=REPO_DIR / "var" / "backups")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=7)
# Audit history (F-ADM-8) and login attempts older than this are deleted every Monday.
HISTORY_RETENTION_DAYS = env.int("HISTORY_RETENTION_DAYS", default=730)
AXES_RETENTION_DAYS = env.int("AXES_RETENTION_DAYS", default=90)

if APP_ENV == "test":
    # Hashing is deliberately slow; the suite creates many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
