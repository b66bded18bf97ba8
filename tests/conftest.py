"""Test set-up: headless Qt and no network.

The gazetteer index is built once per machine in the default data dir (as for a
user), so only the first test run pays its build time.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

# Qt must see these before any QApplication exists (see ../shared/STACK.md).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-background-networking")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "sample_data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Fail any test that tries to reach a host other than this machine."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or sock.family == socket.AF_UNIX
        ):
            raise AssertionError(f"test tried to reach the internet: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DATA


@pytest.fixture(scope="session")
def gold() -> dict:
    import json

    path = SHARED / "gold" / "seed_events.json"
    if not path.exists():
        path = ROOT / "tests" / "data" / "seed_events.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def nlp():
    from viewer.extract.language import load_pipeline

    return load_pipeline()


@pytest.fixture
def isolated_qt_settings(tmp_path, qapp):
    """QSettings in tmp under a test organisation: tests never touch the user's own settings."""
    from PySide6.QtCore import QSettings

    saved = (QSettings.defaultFormat(), qapp.organizationName(), qapp.applicationName())
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    qapp.setOrganizationName("CrosscheckTests")
    qapp.setApplicationName("Crosscheck")
    QSettings().clear()
    yield
    QSettings().clear()
    QSettings.setDefaultFormat(saved[0])
    qapp.setOrganizationName(saved[1])
    qapp.setApplicationName(saved[2])


@pytest.fixture(scope="session", autouse=True)
def _delete_qt_widgets_before_exit():
    """Delete every widget (and so every WebEngine page) while the application still exists.

    A QWebEnginePage that outlives its profile until interpreter exit makes
    Chromium crash in its own teardown, after every test has passed.
    """
    yield
    import gc
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
        gc.collect()


@pytest.fixture
def future_workspace(tmp_path) -> Path:
    """A workspace file as a newer Crosscheck (a higher schema version) would leave it."""
    import sqlite3

    from viewer.store import SCHEMA_VERSION, Workspace

    path = tmp_path / "future.crosscheck"
    Workspace(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    return path
