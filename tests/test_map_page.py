"""The map page builder (Qt-free): offline assets, data, safety of untrusted text."""

from __future__ import annotations

import base64
import datetime as dt
import dataclasses
import hashlib
import json
import re
from pathlib import Path

import pytest
from geopy.distance import geodesic

from story_factory import HAJIN, make_large_story, sample_story
from viewer.model import Article, Event, Place, Story, TimeSpan
from viewer.show import palette
from viewer.labels import distance_in_words, time_detail
from viewer.show.map_page import (
    build_map_page,
    json_for_script,
    map_assets_dir,
    map_data,
    render_map_html,
    with_pinned_place,
)

HOSTILE_PLACE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_SENTENCE = "<script>window.__pwned=1</script>\u2028 & <!-- done"


@pytest.fixture(scope="module")
def story() -> Story:
    return sample_story()


@pytest.fixture(scope="module")
def page(story, tmp_path_factory) -> Path:
    return build_map_page(story, tmp_path_factory.mktemp("map"))


def hostile_story() -> Story:
    article = Article(id="evil", path="evil.txt", text=HOSTILE_SENTENCE, outlet="</script><b>Outlet</b>")
    where = Place(HOSTILE_PLACE, 0, 1, HOSTILE_PLACE, 35.0, 40.0, precision="point")
    event = Event(id="evil:0:0", article_id="evil", sentence=HOSTILE_SENTENCE, start=0, end=5,
                  what="javascript:window.__pwned=1", where=where)
    return Story(articles=[article], events=[event])


# ------------------------------------------------------------------ offline page


def test_page_has_no_http_reference_when_offline(page):
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)
    assert "qrc:///qtwebchannel/qwebchannel.js" in html


def test_online_tiles_add_osm_with_attribution_only_when_asked(story):
    online = render_map_html(story, online_tiles=True)
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in online
    assert "OpenStreetMap" in online and "contributors" in online
    assert "tile.openstreetmap.org" not in render_map_html(story, online_tiles=False)


def test_page_without_bridge_does_not_load_qwebchannel(story):
    assert "qwebchannel" not in render_map_html(story, bridge=False)


def test_every_local_asset_the_page_links_exists(page):
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', html)
    local = [link for link in links if not link.startswith("qrc:")]
    assert len(local) >= 6  # leaflet, jquery, supercluster, crosscheck (js); leaflet, crosscheck (css)
    assert any(link.endswith("supercluster/supercluster.min.js") for link in local)
    for link in local:
        assert (page.parent / link).is_file(), link


def test_csp_allows_only_the_pages_own_inline_scripts(page):
    html = page.read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert "connect-src 'none'" in policy
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert inline
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert html.index("Content-Security-Policy") < html.index("<script")


# -------------------------------------------------------------------- the data


def test_map_data_has_one_record_per_event_and_coordinates_only_when_resolved(story):
    data = map_data(story)
    assert len(data["events"]) == len(story.events)
    resolved = {e.id for e in story.events if e.where is not None and e.where.is_resolved}
    assert {r["id"] for r in data["events"] if r["lat"] is not None} == resolved
    assert len(resolved) == 10


def test_sources_use_the_timeline_palette_in_article_order(story):
    data = map_data(story)
    for i, article in enumerate(story.articles):
        assert data["sources"][article.id]["colour"] == palette.source_colour(i)
        assert data["sources"][article.id]["name"] == article.outlet


def test_time_bounds_are_bounds_days(story):
    records = {r["id"]: r for r in map_data(story)["events"]}
    for event in story.events:
        bounds = event.when.bounds_days() if event.when else None
        assert (records[event.id]["lo"], records[event.id]["hi"]) == (bounds or (None, None))


def test_near_and_area_places_get_an_extent_points_do_not(story):
    records = {r["id"]: r for r in map_data(story)["events"]}
    near = [e for e in story.events if e.where and e.where.precision == "near"]
    point = [e for e in story.events if e.where and e.where.precision == "point" and e.where.is_resolved]
    assert near and point
    assert all(records[e.id]["radius_km"] == e.where.radius_km for e in near)
    assert all(records[e.id]["radius_km"] is None for e in point)


def test_coup_place_conflict_with_unresolved_keshma_is_listed_not_drawn(story):
    data = map_data(story)
    assert data["conflict_lines"] == []
    (entry,) = data["unresolved_conflicts"]
    assert entry["id"] == "x-coup-place"
    sides = {s["name"]: s["resolved"] for s in entry["sides"]}
    assert sides == {"al-Keshma": False, "near Hajin": True}
    assert {"name": "al-Keshma", "events": 2} in data["unresolved"]


def test_pinning_keshma_draws_the_conflict_line_with_its_geodesic_distance(story):
    keshma = (34.43, 40.96)
    pinned = with_pinned_place(story, "al-Keshma", *keshma)
    data = map_data(pinned)
    (line,) = data["conflict_lines"]
    km = geodesic(keshma, HAJIN).km
    assert line["km"] == pytest.approx(km, abs=0.01)
    assert line["label"] == distance_in_words(km)
    assert (line["a"]["lat"], line["a"]["lon"]) == keshma
    assert data["unresolved_conflicts"] == []
    assert all(u["name"] != "al-Keshma" for u in data["unresolved"])
    assert story.events[0].where.lat is None  # the original story is untouched


def test_dismissed_conflicts_are_not_drawn(story):
    pinned = with_pinned_place(story, "al-Keshma", 34.43, 40.96)
    dismissed = dataclasses.replace(
        pinned, conflicts=[dataclasses.replace(c, dismissed=True) for c in pinned.conflicts])
    assert map_data(dismissed)["conflict_lines"] == []


def test_describe_when_says_interval_precision_and_the_words():
    month = TimeSpan("in September", 0, 12, "DATE", "2018-09", dt.date(2018, 9, 1), dt.date(2018, 9, 30), "month")
    assert time_detail(month) == "2018-09-01 \u2013 2018-09-30 (month, \u201cin September\u201d)"
    assert time_detail(None) == "unknown"


# ------------------------------------------------------------ untrusted text


def test_json_for_script_cannot_close_the_script_element_and_round_trips():
    data = map_data(hostile_story())
    text = json_for_script(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == data


def test_hostile_text_never_appears_as_markup_in_the_page(tmp_path):
    html = build_map_page(hostile_story(), tmp_path).read_text(encoding="utf-8")
    assert HOSTILE_PLACE not in html
    assert "<script>window.__pwned" not in html
    assert "</script><b>" not in html
    assert "\\u003cimg src=x onerror=" in html  # it is there, as inert JSON data


# --------------------------------------------------------------- assets/size


def test_borders_are_small_and_have_no_antimeridian_bands():
    borders = json.loads((map_assets_dir() / "borders" / "ne_110m_countries.geojson").read_text("utf-8"))
    assert len(borders["features"]) == 177
    assert {tuple(sorted(f["properties"])) for f in borders["features"]} == {("iso_a3", "name")}
    for feature in borders["features"]:
        if feature["properties"]["name"] == "Antarctica":
            continue
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert all(abs(b[0] - a[0]) <= 180 for a, b in zip(ring, ring[1:])), feature["properties"]


def test_committed_assets_stay_under_one_megabyte_with_licences():
    root = map_assets_dir()
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert total < 1_000_000
    for licence in ("leaflet/LICENSE", "jquery/LICENSE.txt", "supercluster/LICENSE", "supercluster/LICENSE-kdbush",
                    "borders/LICENSE.txt"):
        assert (root / licence).is_file()


def test_ten_thousand_events_build_one_blob_not_ten_thousand_scripts(tmp_path):
    html = build_map_page(make_large_story(10_000, 20, 0), tmp_path).read_text(encoding="utf-8")
    assert html.count("L.circleMarker") == 0 and html.count("L.marker(") == 0
    blob = re.search(r'<script type="application/json" id="crosscheck-data">(.*?)</script>', html, re.S).group(1)
    assert len(json.loads(blob)["events"]) == 10_000
