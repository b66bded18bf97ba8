"""The map page: a folium/Leaflet page that works offline, fed with one JSON blob of events.

Why this shape:

* folium builds the page skeleton (map, borders layer, optional tiles), but its
  CDN links are replaced per map instance by the local assets in
  ``resources/map`` (see ../shared/STACK.md), so the page works with no network.
* Events are not folium markers: 10,000 of them would be 10,000 script
  statements.  They travel as one JSON document (:func:`map_data`) read by the
  hand-written ``crosscheck_map.js``, which also takes later updates
  (``crosscheck.setData(json)``) without rebuilding the page.
* Article text is untrusted.  It reaches the page only inside that JSON, which
  sits in a non-executed ``<script type="application/json">`` with ``<``, ``>``
  and ``&`` escaped, and the JS inserts it with ``textContent`` only.  A
  Content-Security-Policy allows just the page's own scripts (by hash) and local
  files, so even an injected tag could not run or phone home.

Qt-free: the Qt view (``viewer/ui/map_view.py``) loads the file this writes.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from geopy.distance import geodesic
from jinja2 import Template

from viewer.labels import distance_in_words, place_in_words, source_label, time_detail
from viewer.model import Article, Conflict, Event, Place, Story, TimeSpan
from viewer.paths import resources_dir
from viewer.show import palette

DATA_ELEMENT_ID = "crosscheck-data"
ASSETS_FOLDER = "assets"
BORDERS_FILE = "borders/ne_110m_countries.geojson"
QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ORIGIN = "https://tile.openstreetmap.org"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
#: An area ("eastern Syria") without its own radius is drawn as a circle this big.
AREA_DEFAULT_RADIUS_KM = 50.0
#: Where the map opens before the events are fitted (the sample story's region).
DEFAULT_CENTRE = (34.7, 40.8)

_CSP_PLACEHOLDER = "__CROSSCHECK_SCRIPT_HASHES__"
_DATA_PLACEHOLDER = "__CROSSCHECK_DATA__"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
#: Chromium understands a CSP in a <meta> tag; it must precede every script.
_CSP_TEMPLATE = (
    "default-src 'none'; script-src file: qrc: {hashes}; style-src file: 'unsafe-inline'; "
    "img-src file: data:{tiles}; font-src file: data:; connect-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


def map_assets_dir() -> Path:
    """The bundled Leaflet/jQuery/Supercluster/borders files."""
    return resources_dir() / "map"


# --------------------------------------------------------------------- labels


# ----------------------------------------------------------------------- data


def _extent_km(place: Place) -> float | None:
    """Radius of the translucent circle drawn around a "near" place or an area, if any."""
    if place.precision == "near":
        return place.radius_km or None
    if place.precision == "area":
        return place.radius_km or AREA_DEFAULT_RADIUS_KM
    return None


def _event_record(event: Event) -> dict[str, Any]:
    where, bounds = event.where, event.when.bounds_days() if event.when else None
    resolved = where is not None and where.is_resolved
    return {
        "id": event.id,
        "source": event.article_id,
        "what": event.what,
        "when": time_detail(event.when),
        "where": place_in_words(where),
        "place_name": where.name if where else None,
        "lat": where.lat if resolved else None,  # type: ignore[union-attr]
        "lon": where.lon if resolved else None,  # type: ignore[union-attr]
        "radius_km": _extent_km(where) if resolved else None,  # type: ignore[arg-type]
        "precision": where.precision if where else None,
        "lo": bounds[0] if bounds else None,
        "hi": bounds[1] if bounds else None,
        "sentence": event.sentence,
        "cluster": event.cluster_id,
    }


def _side_place(event_ids: list[str], events: dict[str, Event]) -> Place | None:
    """The place one side of a conflict names: its first resolved one, else its first one."""
    places = [events[i].where for i in event_ids if i in events and events[i].where is not None]
    return next((p for p in places if p.is_resolved), places[0] if places else None)  # type: ignore[union-attr]


def _sources_label(article_ids: list[str], articles: dict[str, Article]) -> str:
    names = dict.fromkeys(source_label(articles[a]) if a in articles else a for a in article_ids)
    return ", ".join(names)


def _place_conflicts(story: Story) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Lines between the two sides' places, and the conflicts with an unresolved side."""
    events, articles = story.event_index(), story.article_index()
    lines, unresolved = [], []
    for conflict in story.conflicts:
        if conflict.kind != "place" or conflict.dismissed or len(conflict.sides) < 2:
            continue
        a_side, b_side = conflict.sides[0], conflict.sides[1]
        a, b = _side_place(a_side.event_ids, events), _side_place(b_side.event_ids, events)
        if a is not None and b is not None and a.is_resolved and b.is_resolved:
            km = geodesic((a.lat, a.lon), (b.lat, b.lon)).km
            lines.append({
                "id": conflict.id, "km": round(km, 3), "label": distance_in_words(km),
                "explanation": conflict.explanation,
                "a": {"name": a_side.value or a.name, "lat": a.lat, "lon": a.lon,
                      "sources": _sources_label(a_side.article_ids, articles)},
                "b": {"name": b_side.value or b.name, "lat": b.lat, "lon": b.lon,
                      "sources": _sources_label(b_side.article_ids, articles)},
            })
        else:
            unresolved.append(_unresolved_conflict(conflict, [a, b]))
    return lines, unresolved


def _unresolved_conflict(conflict: Conflict, places: list[Place | None]) -> dict[str, Any]:
    sides = [{"name": side.value or (p.name if p else "?"), "place_name": p.name if p else None,
              "resolved": bool(p and p.is_resolved)}
             for side, p in zip(conflict.sides, places)]
    return {"id": conflict.id, "explanation": conflict.explanation, "sides": sides}


def _unresolved_places(story: Story) -> list[dict[str, Any]]:
    """Named places without coordinates, with how many events name them (for pinning)."""
    counts: dict[str, int] = {}
    for event in story.events:
        if event.where is not None and not event.where.is_resolved and event.where.name:
            counts[event.where.name] = counts.get(event.where.name, 0) + 1
    return [{"name": name, "events": n} for name, n in sorted(counts.items(), key=lambda kv: kv[0].casefold())]


def map_data(story: Story) -> dict[str, Any]:
    """Everything the page draws, as one JSON-able dict (used at build time and by setData)."""
    colours = palette.colours_for([a.id for a in story.articles])
    sources = {a.id: {"name": source_label(a), "colour": colours[a.id]} for a in story.articles}
    for event in story.events:  # events of an article the story does not list still get a colour
        sources.setdefault(event.article_id, {"name": event.article_id, "colour": palette.NEUTRAL_COLOUR})
    lines, unresolved_conflicts = _place_conflicts(story)
    return {
        "version": 1,
        "style": {"conflict": palette.CONFLICT_COLOUR, "selection": palette.SELECTION_COLOUR,
                  "neutral": palette.NEUTRAL_COLOUR},
        "sources": sources,
        "events": [_event_record(e) for e in story.events],
        "conflict_lines": lines,
        "unresolved_conflicts": unresolved_conflicts,
        "unresolved": _unresolved_places(story),
    }


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element and in a JS string literal.

    ``ensure_ascii`` turns U+2028/U+2029 (line terminators in old JS) into escapes;
    ``<``, ``>`` and ``&`` only ever occur inside JSON strings, where ``\\u003c``
    etc. mean the same, so no ``</script>`` or ``<!--`` can close the element.
    """
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def with_pinned_place(story: Story, name: str, lat: float, lon: float) -> Story:
    """The story with every mention of ``name`` placed at ``lat``/``lon`` by the user.

    The workspace stores the pin and the pipeline re-resolves; this gives the map
    the same result at once, so the user sees the pin (and any conflict line) land.
    """
    key = name.casefold()

    def pinned(place: Place) -> Place:
        if place.is_resolved:
            return dataclasses.replace(place, lat=lat, lon=lon, source="user")
        return dataclasses.replace(place, lat=lat, lon=lon, source="user", precision="point")

    events = [dataclasses.replace(e, where=pinned(e.where))
              if e.where is not None and e.where.name.casefold() == key else e
              for e in story.events]
    return dataclasses.replace(story, events=events)


# ----------------------------------------------------------------------- page


@functools.lru_cache(maxsize=1)
def _borders() -> dict[str, Any]:
    return json.loads((map_assets_dir() / BORDERS_FILE).read_text(encoding="utf-8"))


class _CrosscheckInit(MacroElement):
    """Starts crosscheck_map.js once folium has created the map."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "crosscheck.init({{ this._parent.get_name() }}, {{ this.data_id|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, data_id: str) -> None:
        super().__init__()
        self._name = "CrosscheckInit"
        self.data_id = data_id


def _asset(path: str) -> str:
    return f"{ASSETS_FOLDER}/{path}"


def _new_map(online_tiles: bool, bridge: bool) -> folium.Map:
    """A folium map whose script/style links point at the local assets (per instance, see STACK.md)."""
    m = folium.Map(location=list(DEFAULT_CENTRE), zoom_start=6, tiles=None, control_scale=True,
                   world_copy_jump=True)
    m.default_js = [
        ("leaflet", _asset("leaflet/leaflet.js")),
        ("jquery", _asset("jquery/jquery.min.js")),
        ("supercluster", _asset("supercluster/supercluster.min.js")),
        *([("qwebchannel", QWEBCHANNEL_JS)] if bridge else []),
        ("crosscheck", _asset("crosscheck_map.js")),
    ]
    m.default_css = [
        ("leaflet_css", _asset("leaflet/leaflet.css")),
        ("crosscheck_css", _asset("crosscheck_map.css")),
    ]
    if online_tiles:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19).add_to(m)
    return m


def _add_borders(m: folium.Map) -> None:
    folium.GeoJson(
        _borders(), name="borders", interactive=False,
        style_function=lambda _feature: {"color": "#8a8a8a", "weight": 0.8, "fillColor": "#f4f1ea",
                                         "fillOpacity": 1.0},
    ).add_to(m)


def _with_csp(html: str, online_tiles: bool) -> str:
    """Fill the CSP placeholder with the hashes of the page's own inline scripts."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    policy = _CSP_TEMPLATE.format(hashes=hashes, tiles=f" {OSM_ORIGIN}" if online_tiles else "")
    return html.replace(_CSP_PLACEHOLDER, policy, 1)


def render_map_html(story: Story, online_tiles: bool = False, bridge: bool = True) -> str:
    """The page's HTML; asset links are relative to ``assets/`` beside it."""
    m = _new_map(online_tiles, bridge)
    root = m.get_root()
    root.header.add_child(Element(f'<meta http-equiv="Content-Security-Policy" content="{_CSP_PLACEHOLDER}">'),
                          name="csp", index=0)
    _add_borders(m)
    # The blob goes in after rendering: as a branca Element it would be parsed as a jinja template.
    root.html.add_child(Element(f'<script type="application/json" id="{DATA_ELEMENT_ID}">{_DATA_PLACEHOLDER}</script>'),
                        name="crosscheck_data")
    m.add_child(_CrosscheckInit(DATA_ELEMENT_ID))
    html = _with_csp(root.render(), online_tiles)
    return html.replace(_DATA_PLACEHOLDER, json_for_script(map_data(story)), 1)


def install_assets(out_dir: Path) -> Path:
    """Copy the scripts, styles and licences beside the page (the borders are embedded instead)."""
    target = out_dir / ASSETS_FOLDER
    shutil.copytree(map_assets_dir(), target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.geojson", "ASSETS.md"))
    return target


def build_map_page(story: Story, out_dir: Path, online_tiles: bool = False, bridge: bool = True) -> Path:
    """Write ``out_dir/index.html`` and its assets; return the html path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    install_assets(out_dir)
    page = out_dir / "index.html"
    page.write_text(render_map_html(story, online_tiles, bridge), encoding="utf-8")
    return page
