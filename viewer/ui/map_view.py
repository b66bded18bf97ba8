"""The map widget: the offline folium/Leaflet page in a QWebEngineView, linked to the selection.

Why these pieces:

* The page is built once per widget (``viewer.show.map_page``); afterwards data,
  selection and time-window changes go through ``runJavaScript`` so the view,
  zoom and open popups survive and a 10,000-event page is not re-parsed.
* A QWebChannel exposes one small :class:`MapBridge` object (three slots) to the
  page.  The page shows untrusted article text, so it gets nothing else, and every
  argument it sends is checked before it reaches the app.
* A :class:`NetworkGuard` refuses every http(s)/ws request unless the user turned
  online tiles on, and navigation away from the map page is refused: nothing
  leaves the machine by default, and tests can prove it.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEventLoop, QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from viewer.model import Story
from viewer.show.map_page import build_map_page, json_for_script, map_data, with_pinned_place
from viewer.show.selection import SelectionModel
from viewer.ui.throttle import Throttle

log = logging.getLogger(__name__)

#: Schemes the page may always load: its own files, Qt's qwebchannel.js, inline images.
LOCAL_SCHEMES = frozenset({"file", "qrc", "data", "blob"})
ONLINE_SCHEMES = frozenset({"https"})
TIME_WINDOW_INTERVAL_MS = 50
MAX_NAME_LENGTH = 300
MAX_ID_LENGTH = 200


class NetworkGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that would leave the machine, unless online tiles are on."""

    def __init__(self, allow_online: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allow_online = allow_online
        self.blocked: list[str] = []
        self.allowed_online: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt API)
        url = info.requestUrl()
        scheme = url.scheme().lower()
        if scheme in LOCAL_SCHEMES:
            return
        if self.allow_online and scheme in ONLINE_SCHEMES:
            self.allowed_online.append(url.toString())
            return
        self.blocked.append(url.toString())
        info.block(True)


class MapPage(QWebEnginePage):
    """A page that stays on the map: no navigation elsewhere, no pop-up windows; console kept."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.home: QUrl | None = None
        self.console: list[tuple[str, str, int, str]] = []
        self.refused_navigations: list[str] = []

    def acceptNavigationRequest(self, url: QUrl, nav_type: QWebEnginePage.NavigationType,  # noqa: N802
                                is_main_frame: bool) -> bool:
        if self.home is not None and url.isLocalFile() and url.toLocalFile() == self.home.toLocalFile():
            return True
        self.refused_navigations.append(url.toString())
        return False

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # noqa: N802
        return None

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel,  # noqa: N802
                                 message: str, line: int, source: str) -> None:
        name = level.name.replace("MessageLevel", "").lower()
        self.console.append((name, message, line, source))
        log.log(logging.WARNING if name == "error" else logging.DEBUG, "map js %s: %s (%s:%d)",
                name, message, source, line)

    def console_errors(self) -> list[str]:
        return [message for level, message, _line, _source in self.console if level == "error"]


class MapBridge(QObject):
    """The only object the page can call; arguments are checked since the page shows untrusted text.

    It has no signals of its own (QWebChannel would show them to the page) and
    hands calls to plain Python callbacks instead.  QWebChannel also publishes
    QObject's own ``deleteLater``: a page script could at worst cut its own link
    to Python; the CSP and textContent-only rendering keep such scripts out.
    """

    def __init__(self, on_click: Callable[[str], None], on_pin: Callable[[str, float, float], None],
                 on_ready: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_click, self._on_pin, self._on_ready = on_click, on_pin, on_ready

    @Slot(str)
    def markerClicked(self, event_id: str) -> None:  # noqa: N802 (called from JS)
        if isinstance(event_id, str) and 0 < len(event_id) <= MAX_ID_LENGTH:
            self._on_click(event_id)

    @Slot(str, float, float)
    def placePinned(self, name: str, lat: float, lon: float) -> None:  # noqa: N802
        if not (isinstance(name, str) and 0 < len(name.strip()) <= MAX_NAME_LENGTH):
            return
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            return
        self._on_pin(name, float(lat), float(lon))

    @Slot()
    def ready(self) -> None:
        self._on_ready()


def _js(value: Any) -> str:
    """A Python value as a JS literal (JSON is valid JS once U+2028/9 are escaped)."""
    return json.dumps(value, ensure_ascii=True, allow_nan=False)


class QtMap(QWidget):
    """The map of a story, linked both ways to the shared selection."""

    ready = Signal()
    eventClicked = Signal(str)
    placePinned = Signal(str, float, float)

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None,
                 online_tiles: bool = False) -> None:
        super().__init__(parent)
        self.selection = selection
        self.online_tiles = online_tiles
        self.story: Story | None = None
        self.is_ready = False
        self.load_count = 0
        self._window: tuple[float | None, float | None] = (None, None)
        self._pending_data = False
        self._page_dir = tempfile.TemporaryDirectory(prefix="crosscheck-map-")
        self.view = QWebEngineView(self)
        # Created after the view so that it is destroyed after the view's page.
        self.profile = self._make_profile(online_tiles)
        self.guard = NetworkGuard(online_tiles, self)
        self.profile.setUrlRequestInterceptor(self.guard)
        self.page = MapPage(self.profile, self.view)
        self._harden(self.page.settings())
        self.view.setPage(self.page)
        self.bridge = MapBridge(self._on_marker_clicked, self._on_place_pinned, self._on_page_ready, self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._time_throttle = Throttle(TIME_WINDOW_INTERVAL_MS, self._apply_time_window)
        self._connect()

    # ------------------------------------------------------------------ set-up

    @staticmethod
    def _harden(settings: QWebEngineSettings) -> None:
        attr = QWebEngineSettings.WebAttribute
        settings.setAttribute(attr.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(attr.LocalContentCanAccessFileUrls, True)  # needed: the page's own scripts are files
        settings.setAttribute(attr.JavascriptCanOpenWindows, False)
        settings.setAttribute(attr.JavascriptCanAccessClipboard, False)
        settings.setAttribute(attr.PluginsEnabled, False)
        settings.setAttribute(attr.DnsPrefetchEnabled, False)
        settings.setAttribute(attr.LocalStorageEnabled, False)

    def _connect(self) -> None:
        self.page.loadFinished.connect(self._on_load_finished)
        self._unsubscribe = self.selection.subscribe(self._on_selection)
        self.destroyed.connect(self._unsubscribe)

    # --------------------------------------------------------------------- API

    def set_story(self, story: Story) -> None:
        """Show ``story``: the first call builds and loads the page, later ones update it in place."""
        self.story = story
        if self.load_count == 0 and self.page.home is None:
            self._load_page(story)
        elif self.is_ready:
            self._push_data()
        else:
            self._pending_data = True

    def _make_profile(self, online_tiles: bool) -> QWebEngineProfile:
        """Offline: off the record, nothing kept.  Online tiles: a disk cache, so a tile is fetched once."""
        if not online_tiles:
            return QWebEngineProfile(self)
        from viewer.paths import cache_dir

        profile = QWebEngineProfile("crosscheck-tiles", self)
        profile.setCachePath(str(cache_dir() / "tiles"))
        profile.setPersistentStoragePath(str(cache_dir() / "tiles" / "storage"))
        profile.setHttpCacheType(QWebEngineProfile.DiskHttpCache)
        profile.setHttpCacheMaximumSize(200 * 1024 * 1024)
        profile.setPersistentCookiesPolicy(QWebEngineProfile.NoPersistentCookies)
        return profile

    def set_time_window(self, lo: float | None, hi: float | None) -> None:
        """Show only events overlapping ``[lo, hi)`` (fractional days); throttled while dragging."""
        self._window = (lo, hi)
        self._time_throttle(lo, hi)

    def call(self, expression: str, timeout_ms: int = 10_000) -> Any:
        """Evaluate a JS expression that returns a JSON string and decode it (waits for the answer)."""
        raw = self.run_js_sync(expression, timeout_ms)
        return json.loads(raw) if isinstance(raw, str) and raw != "" else raw

    def run_js_sync(self, script: str, timeout_ms: int = 10_000) -> Any:
        """``runJavaScript`` and wait for its result, keeping the event loop running."""
        loop, result = QEventLoop(), {}

        def done(value: Any) -> None:
            result["value"] = value
            loop.quit()

        self.page.runJavaScript(script, 0, done)
        QTimer.singleShot(timeout_ms, loop.quit)
        if "value" not in result:
            loop.exec()
        if "value" not in result:
            raise TimeoutError(f"no answer from the map page within {timeout_ms} ms: {script[:80]}")
        return result["value"]

    def wait_until_ready(self, timeout_ms: int = 20_000) -> bool:
        """Block (with the event loop running) until the page reports ready."""
        if self.is_ready:
            return True
        loop = QEventLoop()
        self.ready.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.ready.disconnect(loop.quit)
        return self.is_ready

    def fit_all(self) -> None:
        if self.is_ready:
            self.page.runJavaScript("crosscheck.fitAll()")

    def start_pinning(self, name: str) -> None:
        """Let the user place ``name`` by clicking the map (emits placePinned)."""
        if self.is_ready:
            self.page.runJavaScript(f"crosscheck.startPinning({_js(name)})")

    def grab_image(self) -> QImage:
        return self.view.grab().toImage()

    # ---------------------------------------------------------------- internals

    def _load_page(self, story: Story) -> None:
        html = build_map_page(story, Path(self._page_dir.name), online_tiles=self.online_tiles, bridge=True)
        url = QUrl.fromLocalFile(str(html))
        self.page.home = url
        self.is_ready = False
        self.view.load(url)

    def _push_data(self) -> None:
        if self.story is not None:
            payload = json_for_script(map_data(self.story))
            self.page.runJavaScript(f"crosscheck.setData({_js(payload)})")

    def _apply_time_window(self, lo: float | None, hi: float | None) -> None:
        if self.is_ready:
            self.page.runJavaScript(f"crosscheck.setTimeWindow({_js(lo)}, {_js(hi)})")

    def _apply_selection(self, ids: frozenset[str], pan: bool) -> None:
        if self.is_ready:
            self.page.runJavaScript(f"crosscheck.setSelection({_js(sorted(ids))}, {_js(pan)})")

    @Slot(bool)
    def _on_load_finished(self, ok: bool) -> None:
        self.load_count += 1
        if not ok:
            log.warning("the map page failed to load")

    def _on_page_ready(self) -> None:
        if self.is_ready:
            return
        self.is_ready = True
        if self._pending_data:
            self._pending_data = False
            self._push_data()
        if self._window != (None, None):
            self._apply_time_window(*self._window)
        if self.selection.selected:
            self._apply_selection(self.selection.selected, pan=False)
        self.ready.emit()

    def _on_selection(self, ids: frozenset[str], origin: object) -> None:
        # A click on the map already shows the event: highlight it but do not move the view.
        self._apply_selection(ids, pan=origin is not self)

    def _on_marker_clicked(self, event_id: str) -> None:
        if self.story is None or self.story.event(event_id) is None:
            return
        self.selection.select([event_id], origin=self)
        self.eventClicked.emit(event_id)

    def _on_place_pinned(self, name: str, lat: float, lon: float) -> None:
        if self.story is not None:
            self.story = with_pinned_place(self.story, name, lat, lon)
            self._push_data()
        self.placePinned.emit(name, lat, lon)
