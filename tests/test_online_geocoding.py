"""Opt-in online geocoding against a fake Nominatim on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from viewer.resolve.online import OnlineGeocoder
from viewer.resolve.places import PlaceFinder

ANSWERS = {
    "baghouz": [{"lat": "34.4850", "lon": "40.9500", "name": "Al Baghuz Fawqani",
                 "display_name": "Al Baghuz Fawqani, Deir ez-Zor, Syria", "address": {"country_code": "sy"}}],
}


class FakeNominatim(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        FakeNominatim.requests.append({"path": url.path, **query, "agent": self.headers.get("User-Agent")})
        body = json.dumps(ANSWERS.get(query.get("q", "").lower(), [])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    FakeNominatim.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def geocoder(server, tmp_path):
    return OnlineGeocoder(domain=server, scheme="http", cache_path=tmp_path / "cache.sqlite", min_delay_seconds=0)


def test_geocode_asks_the_server_and_caches(geocoder):
    hit = geocoder.geocode("Baghouz", country_codes=["SY"])
    assert hit is not None and hit.country == "SY" and abs(hit.lat - 34.485) < 1e-6
    assert len(FakeNominatim.requests) == 1
    request = FakeNominatim.requests[0]
    assert request["path"] == "/search" and request["q"] == "Baghouz" and request["countrycodes"] == "sy"
    assert "Crosscheck" in request["agent"]
    assert geocoder.geocode("Baghouz", country_codes=["SY"]) == hit
    assert len(FakeNominatim.requests) == 1  # answered from the cache


def test_not_found_is_cached_too(geocoder):
    assert geocoder.geocode("Nowhereville") is None
    assert geocoder.geocode("Nowhereville") is None
    assert len(FakeNominatim.requests) == 1


def test_cache_survives_a_new_geocoder(server, tmp_path):
    first = OnlineGeocoder(domain=server, scheme="http", cache_path=tmp_path / "c.sqlite", min_delay_seconds=0)
    first.geocode("Baghouz")
    second = OnlineGeocoder(domain=server, scheme="http", cache_path=tmp_path / "c.sqlite", min_delay_seconds=0)
    assert second.geocode("Baghouz") is not None
    assert len(FakeNominatim.requests) == 1


def test_unreachable_server_gives_none(tmp_path):
    dead = OnlineGeocoder(domain="127.0.0.1:9", scheme="http", cache_path=tmp_path / "d.sqlite",
                          min_delay_seconds=0, timeout=2)
    assert dead.geocode("Baghouz") is None


def test_place_finder_uses_online_only_for_names_the_gazetteer_lacks(geocoder, nlp):
    from viewer.resolve.gazetteer import Gazetteer

    finder = PlaceFinder(Gazetteer.open_default(), online=geocoder)
    places = finder.find_text("Fighters fled Hajin for Baghouz in eastern Syria.", nlp)
    by_text = {p.text: p for p in places}
    assert by_text["Baghouz"].source == "nominatim" and by_text["Baghouz"].country == "SY"
    assert by_text["Hajin"].source.startswith("geonames:")
    asked = [r["q"] for r in FakeNominatim.requests]
    assert asked == ["Baghouz"]
