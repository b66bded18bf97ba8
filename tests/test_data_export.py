"""The data exporters: each format parses with a standard reader and keeps the facts."""

from __future__ import annotations

import csv
import dataclasses
import json
import xml.etree.ElementTree as ET

import pytest

from story_factory import sample_story
from viewer.export.data_formats import EXPORTERS, export_data

KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def story():
    return sample_story()


def test_every_suffix_has_an_exporter():
    assert set(EXPORTERS) == {".csv", ".geojson", ".kml", ".json"}


def test_csv_has_one_row_per_event(story, tmp_path):
    out = export_data(story, tmp_path / "events.csv")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(story.events)
    coup = [r for r in rows if r["cluster_id"] == "c-coup"]
    assert len(coup) == 5
    assert all("time" in r["conflict"] and "place" in r["conflict"] for r in coup)
    september = next(r for r in coup if r["article_id"] == "000")
    assert (september["earliest"], september["latest"], september["precision"]) == (
        "2018-09-01", "2018-09-30", "month")
    assert september["outlet"] == "Windsor Star"


def test_csv_survives_quotes_and_newlines(story, tmp_path):
    story.events[0].sentence = 'He said "yes",\nthen left; <b>&'
    out = export_data(story, tmp_path / "tricky.csv")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["sentence"] == 'He said "yes",\nthen left; <b>&'


def test_geojson_holds_only_resolved_events_lon_first(story, tmp_path):
    out = export_data(story, tmp_path / "events.geojson")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    resolved = [e for e in story.events if e.where is not None and e.where.is_resolved]
    assert len(data["features"]) == len(resolved)
    hajin = next(f for f in data["features"] if f["properties"]["article_id"] == "003"
                 and f["properties"]["cluster_id"] == "c-coup")
    lon, lat = hajin["geometry"]["coordinates"]
    assert (round(lat, 3), round(lon, 3)) == (34.695, 40.831)
    assert hajin["properties"]["when_value"] == "2019-01-10"


def test_kml_parses_with_timespan_for_a_month(story, tmp_path):
    out = export_data(story, tmp_path / "events.kml")
    root = ET.parse(out).getroot()
    assert root.tag == f"{KML}kml"
    marks = root.findall(f".//{KML}Placemark")
    assert len(marks) == sum(1 for e in story.events if e.where is not None and e.where.is_resolved)
    july = next(m for m in marks if m.findtext(f"{KML}description", "").find("July 2014") >= 0)
    assert july.findtext(f"{KML}TimeSpan/{KML}begin") == "2014-07-01"
    assert july.findtext(f"{KML}TimeSpan/{KML}end") == "2014-07-31"
    day = next(m for m in marks if "10 January" in m.findtext(f"{KML}description", ""))
    assert day.findtext(f"{KML}TimeStamp/{KML}when") == "2019-01-10"


def test_kml_escapes_markup(story, tmp_path):
    event = next(e for e in story.events if e.where is not None and e.where.is_resolved)
    event.what = "attack <script>alert(1)</script> & more"
    out = export_data(story, tmp_path / "escaped.kml")
    assert "<script>" not in out.read_text(encoding="utf-8")
    names = [m.findtext(f"{KML}name") for m in ET.parse(out).getroot().iter(f"{KML}Placemark")]
    assert "attack <script>alert(1)</script> & more" in names


def test_timelinejs_structure(story, tmp_path):
    out = export_data(story, tmp_path / "timeline.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    dated = [e for e in story.events if e.when is not None and e.when.is_anchored]
    assert len(data["events"]) == len(dated)
    for item in data["events"]:
        assert isinstance(item["start_date"]["year"], int)
        assert item["text"]["headline"]
        assert item["group"]
    month = next(i for i in data["events"] if i["group"] == "Middle East Eye"
                 and i["text"]["headline"].startswith("coup"))
    assert month["start_date"] == {"year": 2018, "month": 9}
    assert month["end_date"] == {"year": 2018, "month": 9}
    day = next(i for i in data["events"] if i["group"] == "The Sun" and i["text"]["headline"].startswith("coup"))
    assert day["start_date"] == {"year": 2019, "month": 1, "day": 10}
    assert "end_date" not in day


def test_unknown_suffix_is_refused(story, tmp_path):
    with pytest.raises(ValueError, match="unknown extension"):
        export_data(story, tmp_path / "events.xlsx")
    assert not (tmp_path / "events.xlsx").exists()


# ------------------------------------------- untrusted article text in other programs

HOSTILE = 'attacked <img src="file:///etc/passwd" onerror="alert(1)"> Hajin & more'


def test_csv_cells_never_start_a_formula(tmp_path):
    story = sample_story()
    coup = [e for e in story.events if e.cluster_id == "c-coup"]
    coup[0].sentence = '=HYPERLINK("http://evil.example","click")'
    coup[1].what = "+1+2"
    coup[2].sentence = "@SUM(A1:A9)"
    story.articles[0].title = "-2+3"
    out = export_data(story, tmp_path / "formulas.csv")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = {r["event_id"]: r for r in csv.DictReader(handle)}
    assert rows[coup[0].id]["sentence"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[coup[1].id]["what"] == "'+1+2"
    assert rows[coup[2].id]["sentence"] == "'@SUM(A1:A9)"
    assert all(r["title"] != "-2+3" for r in rows.values())
    for row in rows.values():
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values()), row


def test_csv_keeps_negative_coordinates_as_numbers(tmp_path):
    story = sample_story()
    event = next(e for e in story.events if e.where is not None and e.where.is_resolved)
    event.where = dataclasses.replace(event.where, lon=-3.7)
    out = export_data(story, tmp_path / "west.csv")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["event_id"] == event.id)
    assert row["lon"] == "-3.7"


def test_timelinejs_headline_and_text_are_escaped_html(tmp_path):
    story = sample_story()
    event = next(e for e in story.events if e.when is not None and e.when.is_anchored)
    event.what = event.sentence = HOSTILE
    data = json.loads(export_data(story, tmp_path / "t.json").read_text(encoding="utf-8"))
    item = next(i for i in data["events"] if i["unique_id"] == event.id.replace(":", "-"))
    for field in (item["text"]["headline"], item["text"]["text"]):
        assert "<img" not in field and "&lt;img src=&quot;file:///etc/passwd&quot;" in field
        assert "Hajin &amp; more" in field


def test_kml_description_is_escaped_html(tmp_path):
    story = sample_story()
    event = next(e for e in story.events if e.where is not None and e.where.is_resolved)
    event.sentence = HOSTILE
    root = ET.parse(export_data(story, tmp_path / "e.kml")).getroot()
    mark = next(m for m in root.iter(f"{KML}Placemark") if m.get("id") == event.id.replace(":", "_"))
    description = mark.findtext(f"{KML}description")  # what Google Earth renders as HTML
    assert "<img" not in description and "&lt;img src=&quot;file:///etc/passwd&quot;" in description
    assert "Hajin &amp; more" in description
