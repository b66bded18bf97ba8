"""Start the application: environment for Qt WebEngine, QApplication, the main window.

Order matters: WebEngine's sandbox switch and the shared OpenGL context must
be set before the QApplication exists, and nothing heavy (spaCy, the
gazetteer) is imported before the window is shown: it loads in the worker
thread, so the window is usable at once.
"""

from __future__ import annotations

import os
import sys
from typing import Sequence

from viewer import APP_NAME, __version__

ORGANISATION = "Crosscheck"


def prepare_environment() -> None:
    """Qt WebEngine refuses to start as root unless its sandbox is disabled (see STACK.md)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def create_application(argv: Sequence[str] | None = None):
    """The QApplication (reused if one exists, as under pytest-qt)."""
    prepare_environment()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from viewer.ui.main_window import icon_path

    app = QApplication.instance()
    if app is None:
        QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setDesktopFileName("crosscheck")  # matches packaging/crosscheck.desktop (Wayland task bars)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION)
    app.setOrganizationDomain("crosscheck.invalid")
    app.setWindowIcon(QIcon(str(icon_path())))
    return app


def run_app(paths: list[str], workspace: str | None = None) -> int:
    """Open the window (with ``paths`` being read) and run the event loop; returns the exit code."""
    app = create_application()
    from viewer.ui.errors import install_excepthook
    from viewer.ui.main_window import MainWindow

    from viewer.ui.ingest_worker import stop_all_workers

    window = MainWindow(workspace, paths=list(paths) or None)
    install_excepthook(lambda: window)
    window.show()
    code = app.exec()
    stop_all_workers()  # never leave a QThread running when Python tears the objects down
    return code


if __name__ == "__main__":
    sys.exit(run_app(sys.argv[1:]))
