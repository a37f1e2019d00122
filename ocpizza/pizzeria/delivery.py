"""The delivery zone rule (F-ORD-3).

A pizzeria serves an address when the great-circle distance from the shop to the address is
at most `delivery_radius_km` and, when the shop lists served postcodes, the address's postcode
is one of them (an empty list means the whole radius is served).

    latitude, longitude = check_delivery_address(pizzeria=shop, line=..., postcode=..., city=...)

raises django.core.exceptions.ValidationError with a French message when the postcode is
malformed or unknown, the geocoding service is down, or the address is outside the zone.
Checkout calls it again on submit: the zone may have changed since the cart page.
"""
import math
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pizzeria.geocoding import get_geocoder

EARTH_RADIUS_KM = 6371.0088
POSTCODE_RE = re.compile(r"^\d{5}$")


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def zone_error(*, pizzeria, latitude, longitude, postcode):
    """The French reason why `pizzeria` does not deliver there, or None when it does."""
    served = pizzeria.served_postcode_list
    if served and postcode not in served:
        return _("%(name)s ne livre pas le code postal %(postcode)s (codes desservis : %(served)s). Choisissez le retrait en pizzeria ou une autre pizzeria.") % {
            "name": pizzeria.name,
            "postcode": postcode,
            "served": ", ".join(served),
        }
    distance = distance_km(pizzeria.latitude, pizzeria.longitude, latitude, longitude)
    if distance > float(pizzeria.delivery_radius_km):
        return _("Cette adresse est à %(distance)s km de %(name)s, hors de sa zone de livraison (%(radius)s km). Choisissez le retrait en pizzeria ou une autre pizzeria.") % {
            "distance": f"{distance:.1f}".replace(".", ","),
            "name": pizzeria.name,
            "radius": f"{pizzeria.delivery_radius_km.normalize():f}".replace(".", ","),
        }
    return None


def check_delivery_address(*, pizzeria, line, postcode, city):
    """(latitude, longitude) of the address when `pizzeria` delivers there; ValidationError otherwise."""
    line, postcode, city = (line or "").strip(), (postcode or "").strip().replace(" ", ""), (city or "").strip()
    errors = {}
    if not line:
        errors["line"] = _("Indiquez le numéro et la rue.")
    if not POSTCODE_RE.match(postcode):
        errors["postcode"] = _("Le code postal doit comporter 5 chiffres.")
    if not city:
        errors["city"] = _("Indiquez la ville.")
    if errors:
        raise ValidationError(errors)
    place = get_geocoder().geocode(line=line, postcode=postcode, city=city)
    error = zone_error(pizzeria=pizzeria, latitude=place.latitude, longitude=place.longitude, postcode=postcode)
    if error:
        raise ValidationError(error, code="outside_zone")
    return Decimal(place.latitude), Decimal(place.longitude)
