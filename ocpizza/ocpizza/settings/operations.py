"""Operations: logging, error monitoring with Sentry (O-8), backups and weekly maintenance (O-6, O-7)."""
from pathlib import Path

from ocpizza.settings.environment import APP_ENV, IS_PRODUCTION, REPO_DIR, env

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
    "filters": {"refusal_without_traceback": {"()": "ocpizza.log_filters.RefusalWithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A refused request (403, 400) is one line, not a traceback (ocpizza/log_filters.py).
        "django.request": {"filters": ["refusal_without_traceback"]},
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
# Customers' personal data (issue 18, F-BOOK-4, RGPD; privacy.services.apply_retention, run by the
# weekly maintenance): 3 years after the last contact is the CNIL's guideline for customer data.
# Orders stay for the books (10 years), anonymised.
PERSONAL_DATA_RETENTION_YEARS = env.int("PERSONAL_DATA_RETENTION_YEARS", default=3)
# A card order left unpaid (the customer closed the payment page) is cancelled after this many days.
ABANDONED_ORDER_DAYS = env.int("ABANDONED_ORDER_DAYS", default=2)
# A registration never activated (an e-mail address and a name, nothing else) is deleted.
UNACTIVATED_ACCOUNT_DAYS = env.int("UNACTIVATED_ACCOUNT_DAYS", default=30)
