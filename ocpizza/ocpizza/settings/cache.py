"""The cache (CACHE_URL) and where sessions live.

The cache holds what every gunicorn worker must see alike (issue 14): sessions, the version of
each order's status poll (order.freshness), whole public pages for visitors without a session
(home.page_cache) and the catalogue's cards. In production it must be shared by the workers and
the servers: Redis, `CACHE_URL=redis://127.0.0.1:6379/1` (another Redis database than the job queue's, since
clearing the cache empties its whole database) (ocpizza.checks refuses a per-process
cache there). Without CACHE_URL (development, tests) each process keeps its own in memory.
"""
from ocpizza.settings.environment import APP_ENV, env

CACHE_URL = env.str("CACHE_URL", default="")
# Several sites or test runs may share one Redis: each key starts with this.
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="ocpizza")
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's backend, with one Redis client per process instead of one per operation.
            "BACKEND": "ocpizza.redis_cache.SharedClientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": CACHE_KEY_PREFIX}}

# Sessions read from the cache, written to both: a logged-in page asks the database for its user
# only, and a session survives a restart of Redis. Django's cached_db, which can also read the
# polled pages' versions in the session's round trip (ocpizza.sessions).
SESSION_ENGINE = "ocpizza.sessions"

# How long a worker trusts the version of the public pages it serves to visitors without a
# session (home.page_cache.recent_version): a menu, stock or hours change shows on them at most
# that long after the write. The tests check every write on the next page (0).
PAGE_VERSION_SECONDS = env.float("PAGE_VERSION_SECONDS", default=0 if APP_ENV == "test" else 1.0)
