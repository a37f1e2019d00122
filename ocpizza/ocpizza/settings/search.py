"""Menu search (F-SEARCH-1): Algolia when configured, else the database."""
from ocpizza.settings.environment import env

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
