"""The Django project itself: apps, middleware, templates, language and time zone, static and
media files, and where spreadsheet imports wait for their confirmation."""
from django.utils.translation import gettext_lazy as _

from ocpizza.settings.environment import BASE_DIR, IS_PRODUCTION, REPO_DIR, env

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
    # algoliasearch_django comes in with Algolia's credentials only (settings.search).
    "account",
    "pizzeria",
    "product",
    "books",  # the books (issue 18): VAT rates, sales journal, closings
    "order",
    "privacy",  # customers' data rights (issue 18): export, erasure, retention; no models
    "home",
    "dashboard",
    "ops",
    "jobs",  # background jobs (Celery): one row per event, head office replays the failed ones
    "demo",  # demo data and sample history (commands populate, dashboard_sample); no models
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The status poll's 304 without the rest of the stack (home/poll_middleware.py).
    "home.poll_middleware.StatusPollMiddleware",
    # Content-Security-Policy on the public site (settings.security): django-csp's middleware,
    # with the header of a page without nonce built once (ocpizza/csp_middleware.py).
    "ocpizza.csp_middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the site speaks French only (LANGUAGES), which Django uses without it;
    # it parsed Accept-Language on every request for nothing (issue 14).
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django.contrib.messages' own, with its storage built only when a message is read or added.
    "ocpizza.messages_middleware.MessageMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
