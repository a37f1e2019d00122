"""Menu search (F-SEARCH-1): Algolia when configured, else the database."""
from ocpizza.settings.environment import env
from ocpizza.settings.project import INSTALLED_APPS

# --- Search (F-SEARCH-1) ----------------------------------------------------------
ALGOLIA_APP_ID = env.str("ALGOLIA_APP_ID", default="")
ALGOLIA_API_KEY = env.str("ALGOLIA_API_KEY", default="")
ALGOLIA = {
    # algoliasearch_django builds its client at import time and needs non-empty ids;
    # the placeholders are never used to send anything since AUTO_INDEXING is then off.
    "APPLICATION_ID": ALGOLIA_APP_ID or "not-configured",
    "API_KEY": ALGOLIA_API_KEY or "not-configured",
    "INDEX_PREFIX": env.str("ALGOLIA_INDEX_PREFIX", default="ocpizza"),
    # Never from the request: algoliasearch_django's own indexing calls Algolia inside the save.
    # Records are sent by a background job instead (product.tasks.update_search_index, enqueued
    # on commit by product.apps when SEARCH_BACKEND is "algolia"); an Algolia outage only delays them.
    "AUTO_INDEXING": False,
}
# Without credentials, no record is sent anywhere and search uses the database.
SEARCH_BACKEND = "algolia" if ALGOLIA_APP_ID and ALGOLIA_API_KEY else "database"
if SEARCH_BACKEND == "algolia":
    # Only then: importing Algolia's client and its pydantic models is about a third of a Django
    # start-up (0.5 s of 1.6 s measured: every manage.py command, cron job, Celery worker and
    # Gunicorn master paid it). Its app finds product/index.py at start-up and brings
    # `manage.py algolia_reindex`.
    INSTALLED_APPS = [*INSTALLED_APPS, "algoliasearch_django"]
