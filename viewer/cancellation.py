"""Cooperative cancellation for long core work (the window's Cancel button, closing the window).

Core loops poll a ``ShouldStop`` callable and raise ``Cancelled``; the caller
(the GUI worker, the CLI) decides what to show instead.  Work that stops this
way stores nothing half-done: an analysis is saved only once it is complete.
"""

from __future__ import annotations

from typing import Callable

ShouldStop = Callable[[], bool]

#: Loops over many small items poll once per this many items (a poll costs a Python call).
POLL_EVERY = 512


class Cancelled(Exception):
    """The work was asked to stop before it finished."""


def check(should_stop: ShouldStop | None) -> None:
    """Raise ``Cancelled`` if the work has been asked to stop."""
    if should_stop is not None and should_stop():
        raise Cancelled()


def check_every(count: int, should_stop: ShouldStop | None) -> None:
    """``check`` on every POLL_EVERY-th item of a loop (``count`` is the item's index)."""
    if should_stop is not None and count % POLL_EVERY == 0 and should_stop():
        raise Cancelled()
