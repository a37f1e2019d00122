"""Turning a delivery address into coordinates (F-ORD-3).

One small interface, two implementations chosen by settings.GEOCODER:

- "offline": the Paris region's postcodes and their centroids, shipped in
  fixtures/postcodes_idf.csv. Works without any network (demo, tests).
- "ban": the French national address base's free API (api-adresse.data.gouv.fr),
  with a timeout, a clear message when it is down, and results cached.

    geocoder = get_geocoder()
    place = geocoder.geocode(line="12 rue de la Roquette", postcode="75011", city="Paris")
    place.latitude, place.longitude, place.postcode, place.city

geocode() raises AddressNotFound for an address (or postcode) it does not know and
GeocoderUnavailable when the service cannot answer; both carry a French message.
"""
import csv
import hashlib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

BAN_URL = "https://api-adresse.data.gouv.fr/search/"


@dataclass(frozen=True)
class Place:
    latitude: Decimal
    longitude: Decimal
    postcode: str
    city: str


class AddressNotFound(ValidationError):
    pass


class GeocoderUnavailable(ValidationError):
    pass


def _normalise(text):
    """Lower case, no accents, hyphens and apostrophes as spaces: "Saint-Maur-des-Fossés" == "saint maur des fosses"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    for ch in "-'’":
        text = text.replace(ch, " ")
    return " ".join(text.split())


class Geocoder:
    def geocode(self, *, line, postcode, city):  # pragma: no cover - interface
        raise NotImplementedError


class OfflineGeocoder(Geocoder):
    """Postcode centroids of Île-de-France: the address is placed at its postcode's (and, when
    several towns share it, its town's) centre. Good to about a kilometre, enough for a radius."""

    def __init__(self, path=None):
        self.path = path or getattr(settings, "GEOCODER_OFFLINE_FILE", None) or (settings.REPO_DIR / "fixtures" / "postcodes_idf.csv")

    def geocode(self, *, line, postcode, city):
        rows = _load_postcodes(str(self.path)).get((postcode or "").strip())
        if not rows:
            raise AddressNotFound(
                _("Code postal %(postcode)s inconnu : nous livrons uniquement en Île-de-France.") % {"postcode": postcode}
            )
        wanted = _normalise(city)
        row = next((r for r in rows if _normalise(r["city"]) == wanted), rows[0])
        return Place(Decimal(row["latitude"]), Decimal(row["longitude"]), row["postcode"], row["city"])


@lru_cache(maxsize=4)
def _load_postcodes(path):
    table = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["postcode"], []).append(row)
    return table


class BanGeocoder(Geocoder):
    """api-adresse.data.gouv.fr: first result for the address, restricted to its postcode."""

    def __init__(self, url=None, timeout=None, cache_seconds=None):
        self.url = url or getattr(settings, "GEOCODER_BAN_URL", BAN_URL)
        self.timeout = timeout or getattr(settings, "GEOCODER_TIMEOUT", 3)
        self.cache_seconds = cache_seconds or getattr(settings, "GEOCODER_CACHE_SECONDS", 7 * 24 * 3600)
        self.min_score = getattr(settings, "GEOCODER_BAN_MIN_SCORE", 0.4)

    def geocode(self, *, line, postcode, city):
        import requests

        query = " ".join(part.strip() for part in (line, postcode, city) if part and part.strip())
        key = "geocode:ban:" + hashlib.sha256(f"{self.url}|{query}|{postcode}".encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            return Place(*cached) if cached else self._not_found(postcode)
        try:
            response = requests.get(
                self.url, params={"q": query, "postcode": postcode, "limit": 1}, timeout=self.timeout
            )
            response.raise_for_status()
            features = response.json().get("features") or []
        except (requests.RequestException, ValueError):
            raise GeocoderUnavailable(
                _("Le service de localisation des adresses ne répond pas. Réessayez dans quelques instants ou choisissez le retrait en pizzeria.")
            ) from None
        feature = features[0] if features else None
        if not feature or feature.get("properties", {}).get("score", 1) < self.min_score:
            cache.set(key, (), self.cache_seconds)
            return self._not_found(postcode)
        longitude, latitude = feature["geometry"]["coordinates"][:2]
        props = feature.get("properties", {})
        place = Place(
            Decimal(str(latitude)).quantize(Decimal("0.000001")),
            Decimal(str(longitude)).quantize(Decimal("0.000001")),
            props.get("postcode") or postcode,
            props.get("city") or city,
        )
        cache.set(key, (place.latitude, place.longitude, place.postcode, place.city), self.cache_seconds)
        return place

    @staticmethod
    def _not_found(postcode):
        raise AddressNotFound(
            _("Adresse introuvable dans le code postal %(postcode)s : vérifiez le numéro, la rue et la ville.")
            % {"postcode": postcode}
        )


GEOCODERS = {"offline": "pizzeria.geocoding.OfflineGeocoder", "ban": "pizzeria.geocoding.BanGeocoder"}


def get_geocoder():
    name = getattr(settings, "GEOCODER", "offline")
    return import_string(GEOCODERS.get(name, name))()
