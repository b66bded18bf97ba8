"""The map in a real QWebEngineView (headless): markers, conflicts, clicks, safety, no network.

WebEngine is slow to start, so one QtMap of the sample story is shared by the
module; each test puts it back the way it found it.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from geopy.distance import geodesic
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings

from story_factory import HAJIN, make_large_story, sample_story
from test_map_page import HOSTILE_PLACE, HOSTILE_SENTENCE, hostile_story
from viewer.model import Event, Place
from viewer.show import palette
from viewer.labels import distance_in_words
from viewer.show.map_page import with_pinned_place
from viewer.show.selection import SelectionModel
from viewer.ui.export_map import export_map
from viewer.ui.map_view import NetworkGuard, QtMap
from viewer.ui.throttle import Throttle

READY_MS = 30_000

# Chromium's start-up under the offscreen platform (no GPU) is noisy but harmless.
pytestmark = pytest.mark.qt_log_ignore(
    "QRhiGles2", "Failed to create RHI", "createPlatformVulkanInstance", "QVulkanInstance",
    "GBM is not supported", "GPUInfo not initialized", "Sandboxing disabled",
)


def resolved_ids(story) -> set[str]:
    return {e.id for e in story.events if e.where is not None and e.where.is_resolved}


def dispose(view: QtMap) -> None:
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="module")
def story():
    return sample_story()


@pytest.fixture(scope="module")
def shared(qapp, story):
    """One map of the sample story for the whole module."""
    selection = SelectionModel()
    view = QtMap(selection)
    view.resize(1000, 700)
    view.show()
    view.set_story(story)
    assert view.wait_until_ready(READY_MS), view.page.console
    yield view
    dispose(view)


@pytest.fixture
def qtmap(shared, story, qtbot):
    """The shared map, reset to the sample story, no selection and no time window."""
    shared.selection.clear()
    shared.set_time_window(None, None)
    shared._time_throttle.flush()
    if shared.story is not story:
        shared.set_story(story)
    qtbot.waitUntil(lambda: shared.call("crosscheck.markerCount()") == len(resolved_ids(story))
                    and shared.call("crosscheck.selectedIds()") == [], timeout=5000)
    yield shared
    assert shared.page.console_errors() == []


# ------------------------------------------------------------------- loading


def test_markers_equal_resolved_events_and_nothing_left_the_machine(qtmap, story):
    assert qtmap.call("crosscheck.markerCount()") == len(resolved_ids(story)) == 10
    assert set(qtmap.call("crosscheck.shownIds()")) == resolved_ids(story)
    assert qtmap.guard.blocked == []
    assert qtmap.load_count == 1


def test_unresolved_keshma_side_is_listed_and_no_line_is_drawn(qtmap):
    assert qtmap.call("crosscheck.conflictLines()") == []
    (entry,) = qtmap.call("crosscheck.unresolvedConflicts()")
    assert {s["name"]: s["resolved"] for s in entry["sides"]} == {"al-Keshma": False, "near Hajin": True}
    panel = qtmap.call("JSON.stringify(document.querySelector('.cc-panel').textContent)")
    assert "al-Keshma (unresolved)" in panel and "Place on map" in panel


def test_the_page_reaches_only_the_bridge_slots_it_needs(qtmap):
    members = qtmap.call("crosscheck.bridgeMembers()")
    methods = {m for m in members if "(" not in m and not m.startswith("__")
               and m not in ("unwrapQObject", "unwrapProperties", "propertyUpdate", "signalEmitted")}
    # deleteLater and the two QObject signals come with every QObject; nothing else is published.
    assert methods == {"markerClicked", "placePinned", "ready", "deleteLater", "destroyed", "objectNameChanged"}


# ------------------------------------------------------------------- pinning


def test_pinning_keshma_by_clicking_the_map_draws_a_labelled_conflict_line(qtmap, qtbot):
    qtmap.start_pinning("al-Keshma")
    qtbot.waitUntil(lambda: qtmap.call("JSON.stringify(document.querySelector('.cc-banner').textContent)") != "")
    target = qtmap.call("JSON.stringify(crosscheck.map.latLngToContainerPoint([34.43, 40.96]))")
    with qtbot.waitSignal(qtmap.placePinned, timeout=5000) as pinned:
        QTest.mouseClick(qtmap.view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(round(target["x"]), round(target["y"])))
    name, lat, lon = pinned.args
    assert name == "al-Keshma" and lat == pytest.approx(34.43, abs=0.05) and lon == pytest.approx(40.96, abs=0.05)
    qtbot.waitUntil(lambda: len(qtmap.call("crosscheck.conflictLines()")) == 1, timeout=5000)
    (line,) = qtmap.call("crosscheck.conflictLines()")
    assert line["label"] == distance_in_words(geodesic((lat, lon), HAJIN).km)
    assert line["to"] == pytest.approx(list(HAJIN))
    assert qtmap.call("crosscheck.unresolvedConflicts()") == []
    assert qtmap.load_count == 1  # updated in place, not reloaded


# ------------------------------------------------------------------ clicking


def test_a_marker_click_in_js_selects_the_event_in_python(qtmap, story, qtbot):
    event_id = sorted(resolved_ids(story))[0]
    with qtbot.waitSignal(qtmap.eventClicked, timeout=5000) as clicked:
        qtmap.run_js_sync(f"crosscheck.markerFor({event_id!r}).fire('click'); 1")
    assert clicked.args == [event_id]
    assert qtmap.selection.selected == {event_id}


def test_a_real_mouse_click_on_a_marker_selects_the_event(qtmap, story, qtbot):
    raqqa = next(e for e in story.events if e.where is not None and e.where.name == "Raqqa")
    qtmap.call("crosscheck.fitAll()")
    point = qtmap.call(f"crosscheck.markerPoint({raqqa.id!r})")
    assert point is not None, "the Raqqa marker should stand alone, not in a cluster"
    with qtbot.waitSignal(qtmap.eventClicked, timeout=5000):
        QTest.mouseClick(qtmap.view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(round(point["x"]), round(point["y"])))
    assert qtmap.selection.selected == {raqqa.id}


# ------------------------------------------------ selection and time window


def test_selection_from_elsewhere_highlights_and_pans_without_reloading(qtmap, story, qtbot):
    mosul = [e.id for e in story.events if e.where is not None and e.where.name == "Mosul"]
    qtmap.selection.select(mosul, origin="timeline")
    qtbot.waitUntil(lambda: sorted(qtmap.call("crosscheck.selectedIds()")) == sorted(mosul), timeout=5000)
    centre = qtmap.call("JSON.stringify(crosscheck.map.getCenter())")
    assert centre["lat"] == pytest.approx(36.335, abs=0.05) and centre["lng"] == pytest.approx(43.119, abs=0.05)
    colour = qtmap.call(f"JSON.stringify(crosscheck.markerFor({mosul[0]!r}).options.color)")
    assert colour == palette.SELECTION_COLOUR
    assert qtmap.load_count == 1


def test_time_window_shows_only_overlapping_events_without_reloading(qtmap, story, qtbot):
    january = [e for e in story.events if e.when is not None and e.when.value == "2019-01-10"][0].when
    lo, hi = january.bounds_days()
    expected = {e.id for e in story.events if e.id in resolved_ids(story) and e.when is not None
                and e.when.bounds_days() and e.when.bounds_days()[0] < hi and lo < e.when.bounds_days()[1]}
    assert 0 < len(expected) < len(resolved_ids(story))
    qtmap.set_time_window(lo, hi)
    qtbot.waitUntil(lambda: set(qtmap.call("crosscheck.shownIds()")) == expected, timeout=5000)
    qtmap.set_time_window(None, None)
    qtbot.waitUntil(lambda: qtmap.call("crosscheck.markerCount()") == len(resolved_ids(story)), timeout=5000)
    assert qtmap.load_count == 1


def test_markers_of_a_narrow_window_click_and_highlight_like_the_others(qtmap, story, qtbot):
    """A narrow window is drawn by a second cluster group with its own markers (crosscheck_map.js):
    they must click through to Python and follow the selection, also after going back to all."""
    january = [e for e in story.events if e.when is not None and e.when.value == "2019-01-10"]
    lo, hi = january[0].when.bounds_days()
    target = next(e.id for e in january if e.id in resolved_ids(story))
    qtmap.set_time_window(lo, hi)
    qtbot.waitUntil(lambda: target in set(qtmap.call("crosscheck.shownIds()")), timeout=5000)
    with qtbot.waitSignal(qtmap.eventClicked, timeout=5000) as clicked:
        qtmap.run_js_sync(f"crosscheck.markerFor({target!r}).fire('click'); 1")
    assert clicked.args == [target] and qtmap.selection.selected == {target}
    colour = f"JSON.stringify(crosscheck.markerFor({target!r}).options.color)"
    qtbot.waitUntil(lambda: qtmap.call(colour) == palette.SELECTION_COLOUR, timeout=5000)
    qtmap.set_time_window(None, None)
    qtbot.waitUntil(lambda: qtmap.call("crosscheck.markerCount()") == len(resolved_ids(story)), timeout=5000)
    assert set(qtmap.call("crosscheck.shownIds()")) == resolved_ids(story)
    assert qtmap.call(colour) == palette.SELECTION_COLOUR  # the all-events marker was restyled too
    qtmap.selection.select([], origin="test")
    qtbot.waitUntil(lambda: qtmap.call(colour) != palette.SELECTION_COLOUR, timeout=5000)
    assert qtmap.load_count == 1


def _hajin_ids(story) -> list[str]:
    return sorted(e.id for e in story.events if e.where is not None and e.where.is_resolved
                  and (e.where.lat, e.where.lon) == pytest.approx(HAJIN, abs=0.05))


def test_a_selected_event_inside_a_bubble_highlights_the_bubble(qtmap, story, qtbot):
    qtmap.call("crosscheck.fitAll()")
    inside = [i for i in _hajin_ids(story) if qtmap.call(f"crosscheck.clusterOf({i!r})") is not None]
    assert inside, "the Hajin events should share a bubble at the fitted zoom"
    bubble = qtmap.call(f"crosscheck.clusterOf({inside[0]!r})")
    assert bubble["highlighted"] is False and bubble["selected"] == 0
    qtmap.selection.select([inside[0]], origin="timeline")
    qtbot.waitUntil(lambda: qtmap.call("crosscheck.selectedIds()") == [inside[0]], timeout=5000)
    qtmap.run_js_sync("crosscheck.setSelection([%r], false); crosscheck.fitAll(); 1" % inside[0])
    bubble = qtmap.call(f"crosscheck.clusterOf({inside[0]!r})")
    assert bubble["highlighted"] is True and bubble["selected"] == 1
    qtmap.selection.select([], origin="timeline")
    qtbot.waitUntil(lambda: qtmap.call(f"crosscheck.clusterOf({inside[0]!r})")["highlighted"] is False, timeout=5000)


def test_a_bubble_that_no_zoom_splits_lists_its_events_as_text_buttons(qtmap, story, qtbot):
    hajin = _hajin_ids(story)
    qtmap.run_js_sync(f"crosscheck.map.setView({list(HAJIN)}, crosscheck.map.getMaxZoom(), {{animate: false}}); 1")
    bubble = qtmap.call(f"crosscheck.clusterOf({hajin[0]!r})")
    assert bubble is not None and bubble["count"] >= 2
    rect = qtmap.call("JSON.stringify(crosscheck.map.getContainer().getBoundingClientRect())")
    QTest.mouseClick(qtmap.view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(round(bubble["x"] + rect["left"]), round(bubble["y"] + rect["top"])))
    qtbot.waitUntil(lambda: qtmap.call(
        "JSON.stringify(document.querySelectorAll('.cc-cluster-list .cc-list-item').length)") == bubble["count"],
        timeout=5000)
    with qtbot.waitSignal(qtmap.eventClicked, timeout=5000) as clicked:
        qtmap.run_js_sync("document.querySelector('.cc-cluster-list .cc-list-item').click(); 1")
    assert clicked.args[0] in set(hajin) and qtmap.selection.selected == {clicked.args[0]}
    qtmap.run_js_sync("crosscheck.map.closePopup(); 1")


def test_bubble_members_from_parent_links_match_getleaves_at_every_zoom(qtmap, qtbot):
    large = make_large_story(2000, 7, 1)
    qtmap.set_story(large)
    qtbot.waitUntil(lambda: qtmap.call("crosscheck.markerCount()") == 2000, timeout=10_000)
    for zoom in (2, 4, 6, 8, 9):
        qtmap.run_js_sync(f"crosscheck.map.setView([34, 41], {zoom}, {{animate: false}}); 1")
        fast, slow = qtmap.call("crosscheck.bubbleMembers(false)"), qtmap.call("crosscheck.bubbleMembers(true)")
        assert fast == slow and sum(map(len, slow)) > 0, zoom
    lo, hi = large.events[0].when.bounds_days()
    qtmap.run_js_sync(f"crosscheck.setTimeWindow({lo - 400}, {hi + 400}); crosscheck.map.setView([34, 41], 6); 1")
    fast, slow = qtmap.call("crosscheck.bubbleMembers(false)"), qtmap.call("crosscheck.bubbleMembers(true)")
    assert fast == slow and 0 < sum(map(len, slow)) < 2000


def test_conflict_lines_are_drawn_above_the_bubbles_and_let_clicks_through(qtmap, story, qtbot):
    qtmap.set_story(with_pinned_place(story, "al-Keshma", 34.43, 40.96))
    qtbot.waitUntil(lambda: len(qtmap.call("crosscheck.conflictLines()")) == 1, timeout=5000)
    panes = qtmap.call("""(function () {
        var path = document.querySelector('.leaflet-ccLines-pane path');
        var z = function (name) { return +getComputedStyle(crosscheck.map.getPane(name)).zIndex; };
        return JSON.stringify({path: !!path, lines: z('ccLines'), bubbles: z('markerPane'), points: z('ccPoints'),
                               events: getComputedStyle(crosscheck.map.getPane('ccLines')).pointerEvents});
    })()""")
    assert panes["path"] and panes["lines"] > panes["bubbles"] > panes["points"]
    assert panes["events"] == "none"


def test_set_story_updates_the_page_in_place(qtmap, story, qtbot):
    fewer = type(story)(articles=story.articles, events=story.events[:3], clusters=[], conflicts=[])
    qtmap.set_story(fewer)
    qtbot.waitUntil(lambda: qtmap.call("crosscheck.markerCount()") == len(resolved_ids(fewer)), timeout=5000)
    assert len(resolved_ids(fewer)) < len(resolved_ids(story))
    assert qtmap.load_count == 1


def test_throttle_runs_first_call_at_once_and_last_call_once_after(qtbot):
    calls: list[int] = []
    throttle = Throttle(100, calls.append)
    for i in range(20):
        throttle(i)
    assert calls == [0]
    qtbot.waitUntil(lambda: calls == [0, 19], timeout=2000)


# --------------------------------------------------------------------- safety


def _assert_hostile_text_is_inert(view: QtMap, qtbot) -> None:
    assert view.call("JSON.stringify(typeof window.__pwned)") == "undefined"
    view.run_js_sync("crosscheck.fitAll(); crosscheck.markerFor('evil:0:0').openPopup(); 1")
    qtbot.waitUntil(lambda: view.call(
        "JSON.stringify(!!document.querySelector('.leaflet-popup-content .cc-popup'))"), timeout=5000)
    popup = view.call("JSON.stringify(document.querySelector('.leaflet-popup-content').textContent)")
    assert "<script>window.__pwned=1</script>" in popup
    assert "javascript:window.__pwned=1" in popup
    assert HOSTILE_PLACE in popup
    assert view.call("JSON.stringify(document.querySelectorAll("
                     "'img[src=\"x\"], .cc-popup *:not(div):not(span):not(blockquote), .cc-panel a').length)") == 0
    panel = view.call("JSON.stringify(document.querySelector('.cc-panel').textContent)")
    assert HOSTILE_PLACE in panel
    assert view.call("JSON.stringify(typeof window.__pwned)") == "undefined"


def test_hostile_story_embedded_in_a_new_page_renders_as_text(qapp, qtbot):
    story = hostile_story()
    unresolved = Event(id="evil:9:1", article_id="evil", sentence=HOSTILE_SENTENCE, start=9, end=10,
                       what="x", where=Place(HOSTILE_PLACE, 0, 1, HOSTILE_PLACE))
    story.events.append(unresolved)
    view = QtMap(SelectionModel())
    view.resize(800, 600)
    view.show()
    try:
        view.set_story(story)
        assert view.wait_until_ready(READY_MS), view.page.console
        _assert_hostile_text_is_inert(view, qtbot)
        assert view.page.console_errors() == []
    finally:
        dispose(view)


def test_hostile_story_pushed_through_set_data_renders_as_text(qtmap, qtbot):
    story = hostile_story()
    story.events.append(Event(id="evil:9:1", article_id="evil", sentence="s", start=9, end=10, what="x",
                              where=Place(HOSTILE_PLACE, 0, 1, HOSTILE_PLACE)))
    qtmap.set_story(story)
    qtbot.waitUntil(lambda: qtmap.call("crosscheck.markerCount()") == 1, timeout=5000)
    _assert_hostile_text_is_inert(qtmap, qtbot)
    qtmap.run_js_sync("crosscheck.map.closePopup(); 1")


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _CountingHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.hits
    server.shutdown()
    server.server_close()


def _page_with_image(qtbot, profile: QWebEngineProfile, url: str) -> QWebEnginePage:
    """A local page that asks for an image from ``url``; only the profile's guard can stop it."""
    page = QWebEnginePage(profile)
    page.settings().setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
    with qtbot.waitSignal(page.loadFinished, timeout=10_000):
        page.setHtml(f'<img src="{url}/tile.png">', QUrl("file:///crosscheck-test/index.html"))
    return page


def test_network_guard_blocks_requests_that_an_unguarded_page_makes(qapp, qtbot, local_server):
    base, hits = local_server
    open_profile, guarded_profile = QWebEngineProfile(), QWebEngineProfile()
    guard = NetworkGuard(allow_online=False)
    guarded_profile.setUrlRequestInterceptor(guard)
    pages = [_page_with_image(qtbot, open_profile, base)]
    qtbot.waitUntil(lambda: hits == ["/tile.png"], timeout=5000)  # the set-up does see a request
    pages.append(_page_with_image(qtbot, guarded_profile, base))
    qtbot.wait(300)
    assert hits == ["/tile.png"]
    assert guard.blocked == [f"{base}/tile.png"]
    for obj in (*pages, open_profile, guarded_profile):  # pages before their profiles
        obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# --------------------------------------------------------------------- export


def test_export_map_writes_a_png_of_the_sample_story(qapp, story, tmp_path):
    out = export_map(story, tmp_path / "map.png", width=900, height=600)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())[: rgb.sizeInBytes()]
    light_blue = bytes.fromhex(palette.source_colour(1)[1:])  # Middle East Eye's marker (Raqqa)
    assert light_blue in data


def test_online_tiles_use_a_disk_cache_and_offline_keeps_nothing(qtbot, tmp_path, monkeypatch):
    """Tiles are opt-in; when on, each is fetched once (HTTP disk cache in the cache dir)."""
    from PySide6.QtWebEngineCore import QWebEngineProfile

    monkeypatch.setenv("CROSSCHECK_CACHE_DIR", str(tmp_path / "cache"))
    offline = QtMap(SelectionModel())
    qtbot.addWidget(offline)
    assert offline.profile.isOffTheRecord()
    online = QtMap(SelectionModel(), online_tiles=True)
    qtbot.addWidget(online)
    assert not online.profile.isOffTheRecord()
    assert online.profile.httpCacheType() == QWebEngineProfile.DiskHttpCache
    assert online.profile.cachePath().startswith(str(tmp_path / "cache"))
