"""Reads for the public site: which pizzerias to offer, nearest first."""
from dataclasses import dataclass

from pizzeria.models import Pizzeria
from pizzeria.delivery import distance_km


@dataclass(frozen=True)
class ShopChoice:
    pizzeria: Pizzeria
    distance_km: float | None

    @property
    def distance_label(self):
        return None if self.distance_km is None else f"{self.distance_km:.1f}".replace(".", ",")


def shops_for_customer(*, latitude=None, longitude=None):
    """Open and soon-to-open pizzerias; nearest first when a position is known, else by name."""
    shops = list(Pizzeria.objects.exclude(status=Pizzeria.Status.CLOSED).order_by("name"))
    if latitude is None or longitude is None:
        return [ShopChoice(shop, None) for shop in shops]
    choices = [ShopChoice(shop, distance_km(shop.latitude, shop.longitude, latitude, longitude)) for shop in shops]
    # Open shops first, then by distance: a shop that opens soon cannot take the order yet.
    return sorted(choices, key=lambda c: (c.pizzeria.status != Pizzeria.Status.OPEN, c.distance_km))
