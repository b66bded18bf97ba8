"""The timeline widget under pytest-qt: zoom, pan, select, keyboard, signals, tooltips."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.story_factory import sample_story
from viewer.show.selection import SelectionModel
from viewer.ui.throttle import Throttle
from viewer.ui.timeline import QtTimeline


@pytest.fixture
def timeline(qtbot):
    selection = SelectionModel()
    widget = QtTimeline(selection)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_story(sample_story())
    return widget


def day(y: int, m: int, d: int) -> float:
    return float(dt.date(y, m, d).toordinal())


def wheel(widget, x: float, y: float, angle_y: int = 0, angle_x: int = 0,
          modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    pos = QPointF(x, y)
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                        QPoint(angle_x, angle_y), Qt.MouseButton.NoButton, modifiers,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def mouse(widget, kind, x: float, y: float, buttons=Qt.MouseButton.LeftButton,
          modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    pos = QPointF(x, y)
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, QPointF(widget.mapToGlobal(pos.toPoint())), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def click_at(qtbot, widget, x: float, y: float) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))


def test_wheel_zoom_keeps_the_time_under_the_cursor(timeline):
    layout = timeline.current_layout()
    x = layout.plot.x + layout.plot.w * 0.8
    before_time, (t0, t1) = layout.day_at(x), timeline.visible_range()
    wheel(timeline, x, layout.plot.y + 20, angle_y=240)
    after = timeline.current_layout()
    assert (after.t1 - after.t0) < (t1 - t0) * 0.7
    assert after.day_at(x) == pytest.approx(before_time, abs=1e-6 * (t1 - t0))
    wheel(timeline, x, layout.plot.y + 20, angle_y=-240)
    assert timeline.visible_range() == pytest.approx((t0, t1))


def test_shift_wheel_and_horizontal_wheel_pan(timeline):
    t0, t1 = timeline.visible_range()
    wheel(timeline, 700, 300, angle_y=-120, modifiers=Qt.KeyboardModifier.ShiftModifier)
    s0, s1 = timeline.visible_range()
    assert s1 - s0 == pytest.approx(t1 - t0) and s0 > t0
    wheel(timeline, 700, 300, angle_x=120)
    assert timeline.visible_range()[0] < s0


def test_drag_pans_and_the_range_signal_is_throttled_with_a_trailing_call(timeline, qtbot):
    emitted: list[tuple[float, float]] = []
    timeline.visibleRangeChanged.connect(lambda a, b: emitted.append((a, b)))
    layout = timeline.current_layout()
    y = layout.plot.bottom - 3
    x = layout.plot.x + 400
    mouse(timeline, QEvent.Type.MouseButtonPress, x, y)
    for step in range(1, 41):
        mouse(timeline, QEvent.Type.MouseMove, x + step * 5, y)
    mouse(timeline, QEvent.Type.MouseButtonRelease, x + 200, y, buttons=Qt.MouseButton.NoButton)
    final = timeline.visible_range()
    # the trailing call brings the last position, however slow the machine
    qtbot.waitUntil(lambda: bool(emitted) and emitted[-1] == pytest.approx(final), timeout=2000)
    assert final[0] < layout.t0  # content moved right: earlier times came into view
    assert len(emitted) <= 10, emitted  # 40 moves, a handful of signals


def test_click_selects_the_event_in_the_shared_selection(timeline, qtbot):
    timeline.set_visible_range(day(2018, 8, 1), day(2019, 2, 20))
    layout = timeline.current_layout()
    mark = next(m for m in layout.marks if m.event_id and m.event_id.startswith("003:") and m.kind == "point"
                and m.label == "coup attempt against al-Baghdadi")
    click_at(qtbot, timeline, *mark.centre)
    assert timeline.selection.selected == {mark.event_id}
    assert timeline.current_layout().mark_of(mark.event_id).selected
    click_at(qtbot, timeline, layout.plot.x + 2, layout.plot.bottom - 2)
    assert timeline.selection.selected == frozenset()


def test_rubber_band_selects_several(timeline):
    timeline.set_visible_range(day(2018, 8, 1), day(2019, 2, 20))
    layout = timeline.current_layout()
    x0, x1 = layout.x_of(day(2019, 1, 5)), layout.x_of(day(2019, 1, 15))
    shift = Qt.KeyboardModifier.ShiftModifier
    mouse(timeline, QEvent.Type.MouseButtonPress, x0, layout.plot.y + 1, modifiers=shift)
    mouse(timeline, QEvent.Type.MouseMove, (x0 + x1) / 2, layout.plot.bottom / 2, modifiers=shift)
    mouse(timeline, QEvent.Type.MouseMove, x1, layout.plot.bottom - 1, modifiers=shift)
    mouse(timeline, QEvent.Type.MouseButtonRelease, x1, layout.plot.bottom - 1,
          buttons=Qt.MouseButton.NoButton, modifiers=shift)
    coup_late = {e.id for e in timeline.story.events if e.cluster_id == "c-coup" and e.when.precision == "day"}
    assert coup_late <= timeline.selection.selected
    assert timeline.visible_range() == pytest.approx((day(2018, 8, 1), day(2019, 2, 20)))  # no pan


def test_selection_from_elsewhere_repaints_the_highlight(timeline):
    event_id = timeline.story.events[0].id
    timeline.selection.select({event_id}, origin="map")
    assert timeline.current_layout().mark_of(event_id).selected


def test_key_n_and_p_step_through_events_in_time(timeline, qtbot):
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_N)
    [first] = timeline.selection.selected
    qtbot.keyClick(timeline, Qt.Key.Key_N)
    [second] = timeline.selection.selected
    centre = timeline.index.centre_of
    assert second != first and centre(second) >= centre(first)
    assert first == timeline.index.order_ids[0]
    qtbot.keyClick(timeline, Qt.Key.Key_P)
    assert timeline.selection.selected == {first}


def test_key_c_selects_the_conflict_and_zooms_to_it(timeline, qtbot):
    qtbot.keyClick(timeline, Qt.Key.Key_C)
    coup = {e.id for e in timeline.story.events if e.cluster_id == "c-coup"}
    assert timeline.selection.selected == coup
    t0, t1 = timeline.visible_range()
    assert t0 < day(2018, 9, 1) and t1 > day(2019, 1, 11) and t1 - t0 < 400


def test_clicking_the_conflict_selects_all_five_placements(timeline, qtbot):
    layout = timeline.current_layout()
    [link] = layout.links
    rect = link.label_rect
    click_at(qtbot, timeline, rect.x + rect.w / 2, rect.y + rect.h / 2)
    coup = {e.id for e in timeline.story.events if e.cluster_id == "c-coup"}
    assert timeline.selection.selected == coup and len(coup) == 5
    assert timeline.current_layout().links[0].selected


def test_keyboard_zoom_and_fit(timeline, qtbot):
    full = timeline.visible_range()
    qtbot.keyClick(timeline, Qt.Key.Key_Plus)
    zoomed = timeline.visible_range()
    assert zoomed[1] - zoomed[0] < full[1] - full[0]
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.visible_range()[0] > zoomed[0]
    qtbot.keyClick(timeline, Qt.Key.Key_Home)
    assert timeline.visible_range() == pytest.approx(full)
    timeline.selection.select({timeline.story.events[2].id})
    timeline.fit_selection()
    t0, t1 = timeline.visible_range()
    assert t1 - t0 < 3 and t0 < day(2019, 1, 10) < t1


def test_double_click_activates_the_event(timeline, qtbot):
    timeline.set_visible_range(day(2018, 8, 1), day(2019, 2, 20))
    mark = next(m for m in timeline.current_layout().marks if m.kind == "point" and m.event_id)
    with qtbot.waitSignal(timeline.eventActivated, timeout=1000) as blocker:
        qtbot.mouseDClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(*map(round, mark.centre)))
    assert blocker.args == [mark.event_id]


def test_tooltip_shows_what_when_where_source_and_evidence_escaped(timeline):
    story = timeline.story
    story.events[2].what = "attack <script>"
    timeline.set_story(story)
    timeline.set_visible_range(day(2018, 8, 1), day(2019, 2, 20))
    layout = timeline.current_layout()
    mark = layout.mark_of(story.events[2].id)
    text = timeline.tooltip_html(layout.item_at(*mark.centre))
    assert "attack &lt;script&gt;" in text and "<script>" not in text
    for part in ("on January 10", "Hajin", "The People&#x27;s Voice", "attacked in a village near Hajin"):
        assert part in text


def test_lanes_by_cluster(timeline):
    timeline.set_lanes("cluster")
    labels = [lane.label for lane in timeline.current_layout().lanes]
    assert labels[0] == "coup attempt against al-Baghdadi" and labels[-1] == "Other events"
    with pytest.raises(ValueError):
        timeline.set_lanes("planet")


def test_throttle_calls_at_once_then_once_more_with_the_latest_arguments(qtbot):
    now = [0.0]
    calls: list[int] = []
    throttle = Throttle(50, calls.append, clock=lambda: now[0])
    throttle(1)
    throttle(2)
    throttle(3)
    assert calls == [1] and throttle.pending
    qtbot.waitUntil(lambda: calls == [1, 3], timeout=1000)
    now[0] = 10.0
    throttle(4)
    assert calls == [1, 3, 4]

