"""Rate-limit a callback: at most one call per interval, and the last call always lands.

Used for ``visibleRangeChanged``: a drag produces a paint per mouse move, but
the map only needs to follow every ~50 ms, and must end on the final range.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer


class Throttle:
    """Call ``callback`` immediately if idle, else once more at the end of the interval.

    A plain object owning a QTimer (not a QObject subclass): nothing for Python
    and Qt to disagree about when either side is torn down.
    """

    def __init__(self, interval_ms: int, callback: Callable[..., Any], parent: QObject | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_ms = interval_ms
        self._callback = callback
        self._clock = clock
        self._last = -float("inf")
        self._pending: tuple[Any, ...] | None = None
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def __call__(self, *args: Any) -> None:
        self._pending = args
        if self._timer.isActive():
            return  # the trailing call will carry these (latest) arguments
        waited_ms = (self._clock() - self._last) * 1000.0
        if waited_ms >= self.interval_ms:
            self._fire()
        else:
            self._timer.start(max(int(self.interval_ms - waited_ms), 1))

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def flush(self) -> None:
        """Deliver a pending call now (e.g. before the widget goes away)."""
        self._timer.stop()
        if self._pending is not None:
            self._fire()

    def _fire(self) -> None:
        args, self._pending = self._pending, None
        if args is None:
            return
        self._last = self._clock()
        self._callback(*args)
