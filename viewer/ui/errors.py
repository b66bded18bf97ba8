"""The last line of defence: unexpected errors become a log entry and a non-modal message.

Nothing a user does may crash the app; an exception escaping a slot would
otherwise abort PySide6's event loop or vanish silently.  The message says
what happened and what to do, and the traceback goes to a log file.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from viewer.paths import data_dir

log = logging.getLogger("crosscheck")


def log_path() -> Path:
    return data_dir() / "crosscheck.log"


def configure_logging() -> None:
    """Log to a file in the data folder (once)."""
    if any(isinstance(h, logging.FileHandler) for h in log.handlers):
        return
    try:
        handler = logging.FileHandler(log_path(), encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def is_busy_error(exc: BaseException) -> bool:
    """SQLite's "database is locked": another thread holds the write lock past our busy timeout."""
    for error in (exc, exc.__cause__, exc.__context__):
        if isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error)):
            return True
    return False


BUSY_MESSAGE = ("The workspace is busy (articles are being read or analysed). "
                "Nothing was changed; try again in a moment.")


def user_message(exc: BaseException) -> str:
    """A sentence a user can act on, for the exceptions we can foresee."""
    from viewer.store import WorkspaceError

    if is_busy_error(exc):
        return BUSY_MESSAGE
    if isinstance(exc, WorkspaceError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return f"Permission denied: {exc.filename or exc}. Choose a folder you can write to."
    if isinstance(exc, FileNotFoundError):
        return f"File not found: {exc.filename or exc}. It may have been moved or deleted."
    if isinstance(exc, OSError):
        return f"The file could not be read or written: {exc}. Check the disk and the path."
    if isinstance(exc, MemoryError):
        return "Not enough memory. Close other programs or load fewer articles at once."
    return (f"Something went wrong: {type(exc).__name__}: {exc}. Your workspace is saved; "
            f"details are in {log_path()}.")


class ErrorReporter(QObject):
    """Shows error messages without blocking (one box, updated, never a stack of modals)."""

    reported = Signal(str)

    def __init__(self, parent_widget: Callable[[], QWidget | None]) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self._box: QMessageBox | None = None
        self.last_message = ""
        self.reported.connect(self._show, Qt.QueuedConnection)

    def report(self, message: str) -> None:
        """Thread-safe: the box is shown from the GUI thread."""
        self.last_message = message
        log.error(message)
        self.reported.emit(message)

    def _show(self, message: str) -> None:
        parent = self._parent_widget()
        if self._box is None:
            self._box = QMessageBox(QMessageBox.Warning, "Crosscheck", "", QMessageBox.Ok, parent)
            self._box.setTextFormat(Qt.PlainText)  # messages quote file names and article text
            self._box.setWindowModality(Qt.NonModal)
            self._box.setAttribute(Qt.WA_DeleteOnClose, False)
        self._box.setText(message)
        self._box.show()

    def close_box(self) -> None:
        if self._box is not None:
            self._box.hide()

    def excepthook(self, kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("Unhandled exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        self.report(user_message(exc))


_reporter: ErrorReporter | None = None


def install_excepthook(parent_widget: Callable[[], QWidget | None]) -> ErrorReporter:
    """Route uncaught exceptions to a non-modal message and the log file."""
    global _reporter
    configure_logging()
    _reporter = ErrorReporter(parent_widget)
    sys.excepthook = _reporter.excepthook
    return _reporter


def reporter() -> ErrorReporter | None:
    return _reporter


def defer(callback: Callable[[], None]) -> None:
    """Run ``callback`` on the next event-loop turn (so a message never interrupts a drop)."""
    QTimer.singleShot(0, callback)
