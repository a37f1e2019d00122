"""F-ORD-3: the delivery zone (radius and served postcodes) with the offline geocoder."""
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from pizzeria.delivery import check_delivery_address, distance_km
from tests.factories import PizzeriaFactory


@pytest.fixture
def shops(db):
    """Three zones: a 20 km radius (Bastille), an 8 km radius (Boulogne), a list of served
    postcodes (Vincennes), at the demo shops' places."""
    return {
        "bastille": PizzeriaFactory(latitude=D("48.853400"), longitude=D("2.372200"), delivery_radius_km=D("20")),
        "boulogne": PizzeriaFactory(
            postcode="92100", city="Boulogne-Billancourt", latitude=D("48.839700"), longitude=D("2.239900"),
            delivery_radius_km=D("8"),
        ),
        "vincennes": PizzeriaFactory(
            postcode="94300", city="Vincennes", latitude=D("48.847400"), longitude=D("2.437300"),
            delivery_radius_km=D("20"), served_postcodes="94300, 94160, 94220, 75012, 75020",
        ),
    }


def test_distance_paris_versailles_is_about_17_km():
    # Notre-Dame to the Château de Versailles: 17.1 km as the crow flies.
    assert 16.5 < distance_km(48.8530, 2.3499, 48.8049, 2.1204) < 17.8


@override_settings(GEOCODER="offline")
def test_served_address_inside_radius_returns_coordinates(shops):
    lat, lon = check_delivery_address(pizzeria=shops["bastille"], line="5 rue Oberkampf", postcode="75011", city="Paris")
    assert 48.8 < lat < 48.9 and 2.3 < lon < 2.4


@override_settings(GEOCODER="offline")
def test_address_30_km_away_is_refused_with_distance(shops):
    # Cergy is about 30 km from Bastille, beyond its 20 km radius.
    with pytest.raises(ValidationError) as error:
        check_delivery_address(pizzeria=shops["bastille"], line="1 rue de la Gare", postcode="95000", city="Cergy")
    message = " ".join(error.value.messages)
    assert "hors de sa zone de livraison" in message and "20 km" in message


@override_settings(GEOCODER="offline")
def test_smaller_radius_of_boulogne(shops):
    # Boulogne serves 8 km: Vincennes (about 14 km away) is out.
    with pytest.raises(ValidationError):
        check_delivery_address(pizzeria=shops["boulogne"], line="1 rue du Midi", postcode="94300", city="Vincennes")
    check_delivery_address(pizzeria=shops["boulogne"], line="1 rue de Sèvres", postcode="92130", city="Issy-les-Moulineaux")


@override_settings(GEOCODER="offline")
def test_served_postcode_list_limits_the_zone(shops):
    vincennes = shops["vincennes"]
    check_delivery_address(pizzeria=vincennes, line="3 rue de Picpus", postcode="75012", city="Paris")
    # Montreuil is 2 km away but not in Vincennes' list.
    with pytest.raises(ValidationError) as error:
        check_delivery_address(pizzeria=vincennes, line="1 rue de Paris", postcode="93100", city="Montreuil")
    assert "ne livre pas le code postal 93100" in error.value.messages[0]


@override_settings(GEOCODER="offline")
def test_unknown_or_malformed_postcode_is_refused(shops):
    with pytest.raises(ValidationError) as error:
        check_delivery_address(pizzeria=shops["bastille"], line="1 place Bellecour", postcode="69002", city="Lyon")
    assert "Code postal 69002 inconnu" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        check_delivery_address(pizzeria=shops["bastille"], line="1 rue X", postcode="7501", city="Paris")
    assert error.value.message_dict["postcode"] == ["Le code postal doit comporter 5 chiffres."]


def test_offline_table_covers_paris_and_inner_ring():
    from pizzeria.geocoding import _load_postcodes
    from django.conf import settings

    table = _load_postcodes(str(settings.REPO_DIR / "fixtures" / "postcodes_idf.csv"))
    paris = [f"750{n:02d}" for n in range(1, 21)] + ["75116"]
    assert all(code in table for code in paris)
    for department in ("92", "93", "94"):
        assert len([c for c in table if c.startswith(department)]) >= 30
    for department in ("77", "78", "91", "95"):
        assert len([c for c in table if c.startswith(department)]) >= 20
