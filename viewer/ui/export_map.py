"""Export the map of a story as a PNG, headless (``viewer export-map PATH... -o map.png``).

Why a real browser engine: the map is a Leaflet page, so the only faithful
picture of it is the page rendered by Qt WebEngine; the widget is rendered
offscreen (no window appears) and grabbed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from viewer.model import Story
from viewer.show.selection import SelectionModel
from viewer.ui.map_view import QtMap

READY_TIMEOUT_MS = 30_000
#: Leaflet draws on animation frames; give the compositor a moment after the last one.
SETTLE_MS = 150


def ensure_app() -> QApplication:
    """The running QApplication, or a new headless one (offscreen when there is no display)."""
    app = QApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root (see ../shared/STACK.md).
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    return QApplication(sys.argv[:1])


def _wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait_for_frames(view: QtMap) -> None:
    """Wait until the page has painted two frames after the last change."""
    view.run_js_sync("window.__ccFrames = 0; requestAnimationFrame(function () {"
                     " requestAnimationFrame(function () { window.__ccFrames = 2; }); }); 1")
    for _ in range(100):
        if view.run_js_sync("window.__ccFrames || 0") == 2:
            break
        _wait(10)
    _wait(SETTLE_MS)


def export_map(story: Story, out_path: str | Path, width: int = 1600, height: int = 1000) -> Path:
    """Render the map of ``story`` at ``width`` x ``height`` pixels and save it as PNG."""
    ensure_app()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    view = QtMap(SelectionModel())
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    view.resize(width, height)
    view.show()
    try:
        view.set_story(story)
        if not view.wait_until_ready(READY_TIMEOUT_MS):
            raise RuntimeError("the map page did not become ready: " + "; ".join(view.page.console_errors()))
        view.call("crosscheck.fitAll()")
        view.call("crosscheck.showUnclustered()")  # a still image shows every source's marker
        _wait_for_frames(view)
        image = view.grab_image()
        if image.isNull() or not image.save(str(out), "PNG"):
            raise OSError(f"could not write {out}")
    finally:
        view.close()
        view.deleteLater()
        # Delete now, page before profile, so Qt does not warn about the order at exit.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return out
