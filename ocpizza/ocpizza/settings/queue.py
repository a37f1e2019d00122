"""Background jobs (Celery): with the shared cache (settings/cache.py, CACHE_URL), what lets the
site run on several app servers (docs/scaling.md).

- CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0, another database than the cache's, since
  clearing the cache empties its whole database): the job queue. Unset: a folder of files
  under var/queue (kombu's filesystem transport), durable across restarts and needing no
  server, for development and `make demo`; the tests run jobs in-process unless told otherwise.
"""
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab

from ocpizza.settings.books import BOOKS_CLOSING_HOUR
from ocpizza.settings.environment import APP_ENV, REPO_DIR, env

# --- Job queue (Celery) ---------------------------------------------------------------------
QUEUE_DIR = Path(env.str("QUEUE_DIR", default=str(REPO_DIR / "var" / "queue")))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or ("memory://" if APP_ENV == "test" else "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("in", "processed"):
        (QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(QUEUE_DIR / "in"),
        "data_folder_out": str(QUEUE_DIR / "in"),
        "processed_folder": str(QUEUE_DIR / "processed"),
        "control_folder": str(QUEUE_DIR / "in"),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message taken by a worker that died unacknowledged goes back to the queue after this
        # long. Above the longest retry delay (JOBS_RETRY_BACKOFF_MAX), or retries waiting in a
        # worker would be delivered twice (harmless: the claim skips them, but wasteful).
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # How often a worker looks for such messages (every N seconds, one Redis scan each).
        "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=60),
        "unacked_restore_throttle": 1,
        # Several sites (or test runs) may share one Redis: keys are prefixed.
        "global_keyprefix": env.str("CELERY_KEY_PREFIX", default="ocpizza:"),
    }
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="ocpizza")
# In the tests jobs run in-process at commit unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=APP_ENV == "test")
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long job does not hold others hostage in its worker
CELERY_TASK_IGNORE_RESULT = True  # the Job row is the result
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_TIME_LIMIT = env.int("JOBS_TIME_LIMIT", default=120)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 10

# A job's lease: a worker that took it and died is presumed dead after this long, and the job
# is sent again. Above the time limit, so that a slow job is never taken twice.
JOBS_LEASE_SECONDS = env.int("JOBS_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 30)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=12)
JOBS_RETRY_BACKOFF = env.int("JOBS_RETRY_BACKOFF", default=10)  # seconds, doubled each attempt
JOBS_RETRY_BACKOFF_MAX = env.int("JOBS_RETRY_BACKOFF_MAX", default=600)  # 12 attempts ≈ 1 h 15 min
JOBS_SWEEP_SECONDS = env.int("JOBS_SWEEP_SECONDS", default=30)
JOBS_RESEND_AFTER = env.int("JOBS_RESEND_AFTER", default=120)  # a waiting job this late is resent
RECONCILE_AFTER_MINUTES = env.int("RECONCILE_AFTER_MINUTES", default=10)

# Celery beat: the one scheduler of the cluster (run a single beat, deploy/supervisor). The
# nightly backup stays in cron on the database host (deploy/cron): it writes local files and
# must run even when the queue is down.
CELERY_BEAT_SCHEDULE = {
    "resend-stale-jobs": {"task": "jobs.tasks.resend_stale_jobs", "schedule": timedelta(seconds=JOBS_SWEEP_SECONDS)},
    "reconcile-open-payments": {"task": "order.tasks.reconcile_open_payments", "schedule": timedelta(minutes=5)},
    "weekly-maintenance": {"task": "ops.tasks.weekly_maintenance", "schedule": crontab(minute=0, hour=1, day_of_week=1)},
    # Issue 18: each shop's Z (and month, year) once the service day is over (books.tasks).
    "close-books": {"task": "books.tasks.close_all_books", "schedule": crontab(minute=0, hour=BOOKS_CLOSING_HOUR)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(env.path("CELERY_BEAT_SCHEDULE_FILE", default=REPO_DIR / "var" / "celerybeat-schedule"))
