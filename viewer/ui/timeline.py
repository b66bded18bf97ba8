"""The timeline widget: lanes of events over an adaptive time axis, bound to the shared selection.

All geometry comes from :mod:`viewer.show.timeline_layout` (Qt-free) and all
drawing from :mod:`viewer.ui.timeline_painter` (shared with image export); this
widget only holds the view state (visible range, lane mode, hover) and turns
input into view changes and selections.

Mouse: wheel zooms around the cursor; Shift+wheel or a horizontal wheel pans;
drag pans; Shift/Ctrl+drag selects with a rubber band; click selects, Ctrl+click
toggles; double-click emits ``eventActivated``; click a count badge to open it.
Keys: +/- zoom, arrows pan, Home fit all, F fit selection, N/P next/previous
event, C next conflict, Esc clears the selection.
"""

from __future__ import annotations

import html
import weakref
from typing import Callable

import shiboken6
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QNativeGestureEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGestureEvent, QPinchGesture, QSizePolicy, QToolTip, QWidget

from viewer.labels import place_in_words, source_label, time_detail
from viewer.model import Story
from viewer.show.selection import SelectionModel
from viewer.show.timeline_layout import (
    Hit,
    LayoutOptions,
    Rect,
    TimelineIndex,
    TimelineLayout,
    clamp_range,
    layout_timeline,
)
from viewer.ui.throttle import Throttle
from viewer.ui.timeline_painter import paint_rubber_band, paint_timeline, qt_measure

WHEEL_STEP = 0.8  # visible span multiplier per wheel notch (120 units)
KEY_ZOOM = 0.7
PAN_FRACTION = 0.1
DRAG_THRESHOLD = 4  # pixels before a press becomes a drag
RANGE_SIGNAL_MS = 50


class QtTimeline(QWidget):
    """Events by source (or by cluster) along time; the shared selection is highlighted."""

    visibleRangeChanged = Signal(float, float)  # fractional days, as TimeSpan.bounds_days
    eventActivated = Signal(str)

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.story = Story()
        self.lanes_mode = "source"
        self.index = TimelineIndex(self.story, "source")
        self._range: tuple[float, float] = self.index.fit_range()
        self._layout: TimelineLayout | None = None
        self._layout_key: tuple | None = None
        self._hover: str | None = None
        self._press: QPointF | None = None
        self._press_range: tuple[float, float] | None = None
        self._dragging = False
        self._band: Rect | None = None
        self._conflict_cursor = -1
        self._range_throttle = Throttle(RANGE_SIGNAL_MS, self._emit_range, self)
        self._unsubscribe: Callable[[], None] | None = selection.subscribe(_weak_listener(self))
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 160)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)

    # ---------------------------------------------------------------- public API

    def set_story(self, story: Story) -> None:
        """Show ``story``; the view fits everything."""
        self.story = story
        self._rebuild_index()
        self.fit_all()

    def set_lanes(self, mode: str) -> None:
        """One lane per source ("source") or per event cluster ("cluster")."""
        if mode not in ("source", "cluster"):
            raise ValueError(f"lanes must be 'source' or 'cluster', not {mode!r}")
        if mode != self.lanes_mode:
            self.lanes_mode = mode
            self._rebuild_index()
            self.update()

    def fit_all(self) -> None:
        self.set_visible_range(*self.index.fit_range())

    def fit_selection(self) -> None:
        """Zoom to the selected events (a day around a single point event)."""
        bounds = self.index.bounds_of(self.selection.selected)
        if bounds is None:
            return
        lo, hi = bounds
        if hi - lo < 1.0:
            lo, hi = lo - 0.5, hi + 0.5
        self.set_visible_range(*self.index.fit_range((lo, hi), pad=0.15))

    def visible_range(self) -> tuple[float, float]:
        return self._range

    def set_visible_range(self, start: float, end: float) -> None:
        new = clamp_range(start, end)
        if new == self._range:
            return
        self._range = new
        self._range_throttle(*new)
        self.update()

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Multiply the visible span by ``factor`` keeping the time under ``anchor_x`` fixed."""
        layout = self.current_layout()
        x = layout.plot.x + layout.plot.w / 2 if anchor_x is None else anchor_x
        t = layout.day_at(x)
        t0, t1 = self._range
        fraction = (t - t0) / (t1 - t0)
        span = (t1 - t0) * factor
        self.set_visible_range(t - fraction * span, t - fraction * span + span)

    def pan_pixels(self, dx: float) -> None:
        """Move the view so content shifts ``dx`` pixels to the right."""
        days = dx / self.current_layout().px_per_day
        t0, t1 = self._range
        self.set_visible_range(t0 - days, t1 - days)

    def current_layout(self) -> TimelineLayout:
        """The layout of the current frame (cached until the view or the selection changes)."""
        key = (self._range, self.width(), self.height(), self.selection.selected, id(self.index))
        if self._layout is None or key != self._layout_key:
            options = LayoutOptions(width=self.width(), height=self.height(), time_range=self._range,
                                    title="", selected=self.selection.selected, measure=qt_measure())
            self._layout = layout_timeline(self.index, options)
            self._layout_key = key
        return self._layout

    # ------------------------------------------------------------------- internals

    def _rebuild_index(self) -> None:
        self.index = TimelineIndex(self.story, self.lanes_mode)  # type: ignore[arg-type]
        self._layout = None
        self._conflict_cursor = -1

    def _emit_range(self, start: float, end: float) -> None:
        self.visibleRangeChanged.emit(start, end)

    def _on_selection(self, selected: frozenset[str], origin: object) -> None:
        self.update()

    def detach(self) -> None:
        """Stop listening to the selection (also happens by itself once the widget is gone)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _select(self, event_ids) -> None:
        self.selection.select(event_ids, origin=self)

    def _reveal(self, event_ids) -> None:
        """Pan (not zoom) so the events are in view, unless they already are."""
        bounds = self.index.bounds_of(event_ids)
        if bounds is None:
            return
        t0, t1 = self._range
        span = t1 - t0
        if bounds[1] - bounds[0] > span * 0.9:
            self.set_visible_range(*self.index.fit_range(bounds, pad=0.1))
        elif bounds[0] < t0 or bounds[1] > t1:
            mid = (bounds[0] + bounds[1]) / 2
            self.set_visible_range(mid - span / 2, mid + span / 2)

    # --------------------------------------------------------------------- paint

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        try:
            paint_timeline(painter, self.current_layout(), hover=self._hover)
            if self._band is not None:
                paint_rubber_band(painter, self._band)
        finally:
            painter.end()

    def showEvent(self, event) -> None:  # noqa: N802
        # Pinch (QPinchGesture) only while shown: a grab left on a widget that is torn down
        # at interpreter exit crashes PySide6 6.12 in the garbage collector.
        self.grabGesture(Qt.GestureType.PinchGesture)
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802
        self.ungrabGesture(Qt.GestureType.PinchGesture)
        super().hideEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._layout = None
        super().resizeEvent(event)

    # --------------------------------------------------------------------- mouse

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        delta = event.angleDelta()
        horizontal = delta.x() != 0 and abs(delta.x()) > abs(delta.y())
        if horizontal or event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            amount = delta.x() if horizontal else delta.y()
            self.pan_pixels(amount / 120.0 * self.current_layout().plot.w * PAN_FRACTION)
        elif delta.y():
            self.zoom(WHEEL_STEP ** (delta.y() / 120.0), event.position().x())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self._press = event.position()
        self._press_range = self._range
        self._dragging = False
        self.setFocus()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._press is None:
            self._update_hover(pos)
            return
        moved = pos - self._press
        if not self._dragging and abs(moved.x()) + abs(moved.y()) < DRAG_THRESHOLD:
            return
        self._dragging = True
        if event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            self._band = Rect.spanning(self._press.x(), self._press.y(), pos.x(), pos.y())
            self.update()
        elif self._press_range is not None:
            days = moved.x() / self.current_layout().px_per_day
            self.set_visible_range(self._press_range[0] - days, self._press_range[1] - days)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return super().mouseReleaseEvent(event)
        if self._band is not None:
            found = self.current_layout().items_in_rect(self._band)
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                found |= self.selection.selected
            self._band = None
            self._select(found)
            self.update()
        elif not self._dragging:
            self._click(event.position(), event.modifiers())
        else:
            self._range_throttle.flush()
        self._press = None
        self._dragging = False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        hit = self.current_layout().item_at(event.position().x(), event.position().y())
        if hit is not None and hit.kind == "event":
            self.eventActivated.emit(hit.event_ids[0])

    def leaveEvent(self, event) -> None:  # noqa: N802
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)

    def _click(self, pos: QPointF, modifiers) -> None:
        hit = self.current_layout().item_at(pos.x(), pos.y())
        if hit is None:
            if not modifiers & Qt.KeyboardModifier.ControlModifier:
                self.selection.clear(origin=self)
            return
        if hit.kind == "badge":
            self.zoom(0.25, pos.x())  # a badge opens as you zoom in
            return
        ids = set(hit.event_ids)
        if hit.kind == "publication" or not ids:
            return
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            ids = set(self.selection.selected) ^ ids
        self._select(ids)

    def _update_hover(self, pos: QPointF) -> None:
        hit = self.current_layout().item_at(pos.x(), pos.y())
        hover = hit.event_ids[0] if hit is not None and hit.kind == "event" else None
        if hover != self._hover:
            self._hover = hover
            self.update()

    # ------------------------------------------------------------- gestures, keys

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._show_tooltip(event)
            return True
        if event.type() == QEvent.Type.NativeGesture and isinstance(event, QNativeGestureEvent):
            if event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                self.zoom(1.0 / max(1.0 + event.value(), 0.1), event.position().x())
                return True
        if event.type() == QEvent.Type.Gesture and isinstance(event, QGestureEvent):
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                centre = self.mapFromGlobal(pinch.centerPoint().toPoint())
                self.zoom(1.0 / max(pinch.scaleFactor(), 0.1), float(centre.x()))
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        actions = {
            Qt.Key.Key_Plus: lambda: self.zoom(KEY_ZOOM),
            Qt.Key.Key_Equal: lambda: self.zoom(KEY_ZOOM),
            Qt.Key.Key_Minus: lambda: self.zoom(1 / KEY_ZOOM),
            Qt.Key.Key_Left: lambda: self.pan_pixels(self.current_layout().plot.w * PAN_FRACTION),
            Qt.Key.Key_Right: lambda: self.pan_pixels(-self.current_layout().plot.w * PAN_FRACTION),
            Qt.Key.Key_Home: self.fit_all,
            Qt.Key.Key_F: self.fit_selection,
            Qt.Key.Key_N: lambda: self.step_event(forward=True),
            Qt.Key.Key_P: lambda: self.step_event(forward=False),
            Qt.Key.Key_C: self.next_conflict,
            Qt.Key.Key_Escape: lambda: self.selection.clear(origin=self),
        }
        action = actions.get(Qt.Key(key))
        if action is None:
            return super().keyPressEvent(event)
        action()
        event.accept()

    def step_event(self, forward: bool = True) -> str | None:
        """Select the next (or previous) dated event in time and bring it into view."""
        selected = [e for e in self.selection.selected if e in self.index.order_pos]
        if selected:  # by position, so events sharing a date are all visited
            positions = [self.index.order_pos[e] for e in selected]
            i = max(positions) + 1 if forward else min(positions) - 1
            event_id = self.index.order_ids[i] if 0 <= i < len(self.index.order_ids) else None
        else:
            anchor = self._range[0] - 1e-6 if forward else self._range[1] + 1e-6
            event_id = self.index.next_event(anchor, forward)
        if event_id is None:
            return None
        self._select({event_id})
        self._reveal([event_id])
        return event_id

    def next_conflict(self) -> str | None:
        """Select all placements of the next time conflict and fit them."""
        if not self.index.conflicts:
            return None
        self._conflict_cursor = (self._conflict_cursor + 1) % len(self.index.conflicts)
        conflict = self.index.conflicts[self._conflict_cursor]
        ids = [e for side in conflict.sides for e in side.event_ids]
        self._select(ids)
        bounds = self.index.bounds_of(ids)
        if bounds is not None:
            self.set_visible_range(*self.index.fit_range(bounds, pad=0.25))
        return conflict.id

    # ------------------------------------------------------------------ tooltips

    def _show_tooltip(self, event) -> None:
        pos = QPointF(event.pos())
        hit = self.current_layout().item_at(pos.x(), pos.y())
        text = self.tooltip_html(hit) if hit is not None else ""
        if text:
            QToolTip.showText(event.globalPos(), text, self)
        else:
            QToolTip.hideText()
            event.ignore()

    def tooltip_html(self, hit: Hit) -> str:
        """What, when, where, source and evidence sentence; every value HTML-escaped."""
        esc = html.escape
        if hit.kind == "badge":
            return f"<b>{len(hit.event_ids)} events</b><br>Click or zoom in to open."
        if hit.kind == "conflict":
            conflict = next((c for c in self.index.conflicts if c.id == hit.conflict_id), None)
            if conflict is None:
                return ""
            sides = "<br>".join(f"• {esc(s.value)}: {len(s.event_ids)} source(s)" for s in conflict.sides)
            return f"<b>Sources disagree on the date</b><br>{sides}<br>{esc(conflict.explanation)}"
        if hit.kind == "publication":
            article = self.story.article(hit.article_id or "")
            if article is None or article.published is None:
                return ""
            how = "estimated" if article.published_from == "estimated" else "stated"
            return (f"<b>{esc(source_label(article))}</b><br>"
                    f"published {esc(article.published.isoformat())} ({how})")
        event = self.index.events.get(hit.event_ids[0])
        if event is None:
            return ""
        article = self.story.article(event.article_id)
        when = time_detail(event.when) if event.when else "no date"
        where = place_in_words(event.where)
        source = source_label(article, event.article_id)
        return (f"<b>{esc(event.what)}</b><br>When: {esc(when)}<br>Where: {esc(where)}<br>"
                f"Source: {esc(source or '')}<br><i>“{esc(event.sentence)}”</i>")


def _weak_listener(widget: QtTimeline):
    """A selection listener that does not keep the widget alive and unsubscribes once it is gone.

    The SelectionModel is Qt-free and outlives widgets; a bound method would keep
    a deleted widget's wrapper reachable and repaint a destroyed C++ object.
    """
    ref = weakref.ref(widget)

    def listener(selected: frozenset[str], origin: object) -> None:
        target = ref()
        if target is None or not shiboken6.isValid(target):
            return
        target._on_selection(selected, origin)

    return listener
