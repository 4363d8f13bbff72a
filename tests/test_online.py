"""The online fallback against a real, local fake Nominatim (no mocks of geopy, no internet)."""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from gazetteer.model import ADMIN1, CITY, COUNTRY
from gazetteer.online import OnlineGeocoder

# Nominatim /search results (format=json, addressdetails=1), trimmed to what we read.
RESULTS = {
    "tapachula": {
        "lat": "14.9031", "lon": "-92.2573", "name": "Tapachula",
        "display_name": "Tapachula, Chiapas, México",
        "class": "place", "type": "city", "addresstype": "city", "importance": 0.61,
        "address": {"city": "Tapachula", "state": "Chiapas", "country": "México",
                    "country_code": "mx"},
    },
    "chiapas": {
        "lat": "16.5", "lon": "-92.5", "name": "Chiapas",
        "display_name": "Chiapas, México",
        "class": "boundary", "type": "administrative", "addresstype": "state",
        "importance": 0.7,
        "address": {"state": "Chiapas", "country": "México", "country_code": "mx"},
    },
    "honduras": {
        "lat": "15.2572", "lon": "-86.0755", "name": "Honduras",
        "display_name": "Honduras",
        "class": "boundary", "type": "administrative", "addresstype": "country",
        "importance": 0.8,
        "address": {"country": "Honduras", "country_code": "hn"},
    },
}


class FakeNominatim(BaseHTTPRequestHandler):
    # State lives on the server: `requests` (parsed query of each request), `status`.
    def do_GET(self):
        url = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.requests.append({"path": url.path, **params})
        if self.server.status != 200:
            self.send_error(self.server.status)
            return
        hit = RESULTS.get(params.get("q", "").split(",")[0].strip().lower())
        body = json.dumps([hit] if hit and url.path == "/search" else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    httpd.requests = []
    httpd.status = 200
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def make(server_or_port, tmp_path, **kw):
    port = server_or_port if isinstance(server_or_port, int) else server_or_port.server_address[1]
    kw.setdefault("min_delay_seconds", 0)
    return OnlineGeocoder(domain=f"127.0.0.1:{port}", scheme="http",
                          cache_path=tmp_path / "cache.sqlite", timeout=5, **kw)


def test_hit_returns_place(server, tmp_path):
    place = make(server, tmp_path).geocode("Tapachula")
    assert place is not None
    assert place.name == "Tapachula"
    assert (place.lat, place.lon) == pytest.approx((14.9031, -92.2573))
    assert place.country_code == "MX"
    assert place.admin1 == "Chiapas"
    assert place.kind == CITY
    assert place.source == "nominatim"
    req = server.requests[0]
    assert req["path"] == "/search"
    assert req["addressdetails"] == "1"


def test_kinds_mapped(server, tmp_path):
    geo = make(server, tmp_path)
    assert geo.geocode("Chiapas").kind == ADMIN1
    honduras = geo.geocode("Honduras")
    assert honduras.kind == COUNTRY
    assert honduras.country_code == "HN"
    assert honduras.admin1 is None


def test_second_query_served_from_cache_across_instances(server, tmp_path):
    first = make(server, tmp_path).geocode("Tapachula")
    assert len(server.requests) == 1
    # Same question, differently spelled: still one request.
    assert make(server, tmp_path).geocode("  TAPACHULA ") == first
    geo = make(server, tmp_path)
    assert geo.geocode("Tapachula") == first
    assert len(server.requests) == 1


def test_miss_is_none_and_cached(server, tmp_path):
    geo = make(server, tmp_path)
    assert geo.geocode("Nowhere At All") is None
    assert geo.geocode("nowhere at all") is None
    assert make(server, tmp_path).geocode("Nowhere at all") is None
    assert len(server.requests) == 1


def test_country_filter_sent_and_part_of_cache_key(server, tmp_path):
    geo = make(server, tmp_path)
    assert geo.geocode("Tapachula", country="MX").country_code == "MX"
    assert server.requests[-1]["countrycodes"] == "mx"
    geo.geocode("Tapachula")  # no filter: a different question
    assert "countrycodes" not in server.requests[-1]
    assert len(server.requests) == 2


def test_http_500_gives_none_and_is_not_cached(server, tmp_path, caplog):
    server.status = 500
    geo = make(server, tmp_path)
    assert geo.geocode("Tapachula") is None
    assert any(r.levelname == "WARNING" for r in caplog.records)
    server.status = 200  # the server recovers: the error was not remembered as a miss
    assert geo.geocode("Tapachula") is not None


def test_closed_port_gives_none(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens there now: connection refused.
    assert make(port, tmp_path).geocode("Tapachula") is None


def test_rate_limiter_delays_requests(server, tmp_path):
    geo = make(server, tmp_path, min_delay_seconds=0.2)
    start = time.monotonic()
    geo.geocode("Tapachula")
    geo.geocode("Chiapas")
    assert time.monotonic() - start >= 0.19  # small slack for clock granularity
    assert len(server.requests) == 2
