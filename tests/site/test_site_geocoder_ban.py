"""The production geocoder (api-adresse.data.gouv.fr) against a small local HTTP server standing in
for it: query sent, coordinates read, results cached, timeouts and errors turned into French messages."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings

from pizzeria.delivery import check_delivery_address
from pizzeria.geocoding import AddressNotFound, BanGeocoder, GeocoderUnavailable, get_geocoder

ROQUETTE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.374389, 48.855318]},
            "properties": {"label": "12 Rue de la Roquette 75011 Paris", "score": 0.96, "postcode": "75011", "city": "Paris"},
        }
    ],
}


class FakeBan(BaseHTTPRequestHandler):
    requests = []
    mode = "ok"

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        FakeBan.requests.append(query)
        if FakeBan.mode == "slow":
            threading.Event().wait(1.5)
        if FakeBan.mode == "error":
            self.send_response(503)
            self.end_headers()
            return
        body = ROQUETTE if "Roquette" in query.get("q", [""])[0] else {"type": "FeatureCollection", "features": []}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def ban_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBan)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeBan.requests, FakeBan.mode = [], "ok"
    cache.clear()
    yield f"http://127.0.0.1:{server.server_port}/search/"
    server.shutdown()
    server.server_close()


def test_geocodes_and_caches(ban_url):
    geocoder = BanGeocoder(url=ban_url, timeout=2)
    place = geocoder.geocode(line="12 rue de la Roquette", postcode="75011", city="Paris")
    assert (float(place.latitude), float(place.longitude)) == (48.855318, 2.374389)
    assert FakeBan.requests[0]["q"] == ["12 rue de la Roquette 75011 Paris"] and FakeBan.requests[0]["postcode"] == ["75011"]
    again = geocoder.geocode(line="12 rue de la Roquette", postcode="75011", city="Paris")
    assert again == place and len(FakeBan.requests) == 1


def test_unknown_address_is_refused_clearly(ban_url):
    with pytest.raises(AddressNotFound) as error:
        BanGeocoder(url=ban_url, timeout=2).geocode(line="1 rue Imaginaire", postcode="75011", city="Paris")
    assert "Adresse introuvable dans le code postal 75011" in error.value.messages[0]


@pytest.mark.parametrize("mode", ["slow", "error"])
def test_service_down_or_slow_gives_a_clear_message(ban_url, mode):
    FakeBan.mode = mode
    with pytest.raises(GeocoderUnavailable) as error:
        BanGeocoder(url=ban_url, timeout=0.5).geocode(line="12 rue de la Roquette", postcode="75011", city="Paris")
    assert "ne répond pas" in error.value.messages[0]


def test_nothing_listening_gives_a_clear_message(db):
    with pytest.raises(GeocoderUnavailable):
        BanGeocoder(url="http://127.0.0.1:9/search/", timeout=0.5).geocode(line="1 rue X", postcode="75011", city="Paris")


def test_setting_selects_ban_for_the_delivery_check(ban_url, shops):
    with override_settings(GEOCODER="ban", GEOCODER_BAN_URL=ban_url):
        assert isinstance(get_geocoder(), BanGeocoder)
        lat, lon = check_delivery_address(pizzeria=shops["bastille"], line="12 rue de la Roquette", postcode="75011", city="Paris")
        assert float(lat) == 48.855318
        with pytest.raises(ValidationError):
            check_delivery_address(pizzeria=shops["bastille"], line="1 rue Imaginaire", postcode="75011", city="Paris")
