"""Geocoding of delivery addresses (F-ORD-3)."""
from ocpizza.settings.environment import IS_PRODUCTION, env

# --- Geocoding (F-ORD-3) ------------------------------------------------------------
# "offline": the Paris region's postcode centroids shipped in fixtures/;
# "ban": the French national address base (api-adresse.data.gouv.fr).
GEOCODER = env.str("GEOCODER", default="ban" if IS_PRODUCTION else "offline")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=3)  # seconds before "service unavailable"
GEOCODER_BAN_URL = env.str("GEOCODER_BAN_URL", default="https://api-adresse.data.gouv.fr/search/")
GEOCODER_CACHE_SECONDS = 7 * 24 * 3600  # an address does not move: answers are cached a week
