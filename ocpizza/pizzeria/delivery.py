"""The delivery address rule (F-ORD-3): every address a customer or the staff types goes through here.

    place = place_address(line=..., postcode=..., city=..., pizzeria=shop)   # shop=None: no zone check
    keep_address(user=customer, place=place, label=..., make_default=...)   # into the address book

`place_address` normalises the fields (trimmed, postcode without spaces), refuses missing or
malformed ones field by field, geocodes, and, for a shop, checks its zone. `keep_address` saves
a placed address in the customer's book (account.services.save_address: the first address is
the default, `make_default` moves the default). The profile page, the cart page, checkout and
the staff's phone orders all use these two; none geocodes or saves an address by itself.

The zone: a pizzeria serves an address when the great-circle distance from the shop to the address is
at most `delivery_radius_km` and, when the shop lists served postcodes, the address's postcode
is one of them (an empty list means the whole radius is served).

`place_address` (and `check_delivery_address`, its coordinates only) raises
django.core.exceptions.ValidationError with a French message when the postcode is
malformed or unknown, the geocoding service is down, or the address is outside the zone.
Checkout calls it again on submit: the zone may have changed since the cart page.
"""
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from account import services as account_services
from pizzeria.geocoding import get_geocoder

EARTH_RADIUS_KM = 6371.0088
POSTCODE_RE = re.compile(r"^\d{5}$")
MICRO_DEGREE = Decimal("0.000001")  # the coordinates' precision in the database


@dataclass(frozen=True)
class PlacedAddress:
    """An address with its fields normalised and its coordinates found."""

    line: str
    postcode: str
    city: str
    latitude: Decimal
    longitude: Decimal

    def for_order(self, **extra):
        """The dict order.placing.place_order takes as a delivery address."""
        return {
            "line": self.line, "postcode": self.postcode, "city": self.city,
            "latitude": self.latitude, "longitude": self.longitude, **extra,
        }


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


def normalise_address(*, line, postcode, city):
    """(line, postcode, city) trimmed, the postcode without spaces; ValidationError by field when
    one is missing or the postcode is not 5 digits (the one copy of these checks: forms leave the
    fields optional and show these errors on them)."""
    line, postcode, city = (line or "").strip(), (postcode or "").strip().replace(" ", ""), (city or "").strip()
    errors = {}
    if not line:
        errors["line"] = _("Indiquez le numéro et la rue.")
    if not postcode:
        errors["postcode"] = _("Indiquez le code postal.")
    elif not POSTCODE_RE.match(postcode):
        errors["postcode"] = _("Le code postal doit comporter 5 chiffres.")
    if not city:
        errors["city"] = _("Indiquez la ville.")
    if errors:
        raise ValidationError(errors)
    return line, postcode, city


def place_address(*, line, postcode, city, pizzeria=None) -> PlacedAddress:
    """The address normalised and geocoded; with a `pizzeria`, also inside its delivery zone.
    ValidationError (French) otherwise."""
    line, postcode, city = normalise_address(line=line, postcode=postcode, city=city)
    place = get_geocoder().geocode(line=line, postcode=postcode, city=city)
    if pizzeria is not None:
        error = zone_error(pizzeria=pizzeria, latitude=place.latitude, longitude=place.longitude, postcode=postcode)
        if error:
            raise ValidationError(error, code="outside_zone")
    return PlacedAddress(
        line=line, postcode=postcode, city=city,
        latitude=Decimal(place.latitude).quantize(MICRO_DEGREE),
        longitude=Decimal(place.longitude).quantize(MICRO_DEGREE),
    )


def check_delivery_address(*, pizzeria, line, postcode, city):
    """(latitude, longitude) of the address when `pizzeria` delivers there; ValidationError otherwise."""
    place = place_address(line=line, postcode=postcode, city=city, pizzeria=pizzeria)
    return place.latitude, place.longitude


def keep_address(*, user, place: PlacedAddress, label="", make_default=False, address=None):
    """Save a placed address in `user`'s address book (new, or `address` updated)."""
    return account_services.save_address(
        user=user, label=label, line=place.line, postcode=place.postcode, city=place.city,
        latitude=place.latitude, longitude=place.longitude, make_default=make_default, address=address,
    )
