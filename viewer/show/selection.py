"""The shared selection: one Qt-free model that the timeline, map and event list bind to.

Like glue's state classes, the state lives outside the widgets; each widget
subscribes and sets it.  Callbacks get the new selection and the origin (the
object that changed it) so a widget can ignore echoes of its own change.
"""

from __future__ import annotations

from typing import Callable, Iterable

Listener = Callable[[frozenset[str], object], None]


class SelectionModel:
    """A set of selected event ids with change notification."""

    def __init__(self) -> None:
        self._selected: frozenset[str] = frozenset()
        self._listeners: list[Listener] = []

    @property
    def selected(self) -> frozenset[str]:
        return self._selected

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register ``listener``; returns a function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def select(self, event_ids: Iterable[str], origin: object = None) -> None:
        """Replace the selection; listeners are told only when it changes."""
        new = frozenset(event_ids)
        if new == self._selected:
            return
        self._selected = new
        for listener in list(self._listeners):
            listener(new, origin)

    def clear(self, origin: object = None) -> None:
        self.select((), origin)
