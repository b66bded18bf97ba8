"""Paint a :class:`TimelineLayout` with QPainter: one code path for screen and export.

The layout (Qt-free) decided every position; this module only chooses pens,
brushes and fonts.  Text is measured with the same fonts (:func:`qt_measure`)
so a label the layout placed is exactly as wide as the one painted: no clipping.
Fonts are unhinted so widths scale linearly into high-dpi PNG, SVG and PDF.
"""

from __future__ import annotations

import atexit
import math
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPaintEngine,
    QPixmap,
    QPolygonF,
    QStaticText,
    QTransform,
)

from viewer.show import palette
from viewer.show.timeline_layout import (
    MARKER,
    SMALL_PX,
    TEXT_PX,
    TITLE_PX,
    Badge,
    ConflictLink,
    Lane,
    Mark,
    Rect,
    TextMeasure,
    TimelineLayout,
)

FONT_FAMILY = "DejaVu Sans"  # installed with Qt's fontconfig set-ups; Qt falls back otherwise
INK = QColor("#222222")
MUTED = QColor("#5f5f5f")
GRID = QColor("#e4e4e4")
LANE_TINT = QColor("#f6f6f6")
BADGE_FILL = QColor("#4d4d4d")
WHITE = QColor("#ffffff")
LANE_CHIP = QColor(246, 246, 246, 225)
WHITE_CHIP = QColor(255, 255, 255, 225)


@lru_cache(maxsize=16)
def make_font(size: int, bold: bool = False) -> QFont:
    """A pixel-sized, unhinted font: the same widths on screen, PNG, SVG and PDF."""
    font = QFont(FONT_FAMILY)
    font.setPixelSize(size)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(False)  # widths of a string are then the sum of its parts, as measured
    return font


@lru_cache(maxsize=16)
def _metrics(size: int, bold: bool) -> QFontMetricsF:
    return QFontMetricsF(make_font(size, bold))


@lru_cache(maxsize=65536)
def _width(text: str, size: int, bold: bool) -> float:
    # a hair of slack so PDF/SVG engines with slightly different advances never clip
    return _metrics(size, bold).horizontalAdvance(text) * 1.02 + 1.0


def qt_measure() -> TextMeasure:
    """The text measure to give :class:`LayoutOptions` when painting with Qt."""
    return _width


@lru_cache(maxsize=256)
def _colour(name: str, alpha: int = 255) -> QColor:
    colour = QColor(name)
    colour.setAlpha(alpha)
    return colour


def clear_caches() -> None:
    """Drop cached Qt objects; run at exit so none outlives the QApplication (PySide crash)."""
    for cached in (make_font, _metrics, _width, _colour, _pill_stamp, _badge_text, _static_text, _point_stamp):
        cached.cache_clear()


atexit.register(clear_caches)


class _RasterFlag:
    """Whether the frame being painted goes to a raster device at 1:1 scale.

    Set by :func:`paint_timeline` for the duration of one paint (GUI thread only):
    there, cached stamps and static text are used; SVG, PDF and scaled exports
    keep real vectors and text.
    """

    fast = False


_raster = _RasterFlag()


def _qrect(rect: Rect) -> QRectF:
    return QRectF(rect.x, rect.y, rect.w, rect.h)


# ------------------------------------------------------------------------ entry


def paint_timeline(painter: QPainter, layout: TimelineLayout, *, hover: str | None = None,
                   background: bool = True) -> None:
    """Draw the whole timeline in logical coordinates (scale the painter for exports)."""
    painter.save()
    was_fast, _raster.fast = _raster.fast, _pixel_exact(painter)
    try:
        _paint_all(painter, layout, hover, background)
    finally:
        _raster.fast = was_fast
        painter.restore()


def _paint_all(painter: QPainter, layout: TimelineLayout, hover: str | None, background: bool) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    if background:
        painter.fillRect(QRectF(0, 0, layout.width, layout.height), WHITE)
    _paint_header(painter, layout)
    _paint_lanes(painter, layout)
    _paint_axis(painter, layout)
    painter.save()
    painter.setClipRect(_qrect(layout.plot))
    _paint_links(painter, layout, labels=False)
    _paint_marks(painter, layout, hover)
    _paint_badges(painter, layout.badges)
    _paint_links(painter, layout, labels=True)
    painter.restore()
    _paint_legend(painter, layout)


# ---------------------------------------------------------------------- header


def _text(painter: QPainter, rect: Rect | None, text: str, size: int, bold: bool = False,
          colour: QColor = INK, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
    if rect is None or not text:
        return
    painter.setFont(make_font(size, bold))
    painter.setPen(colour)
    if _raster.fast and align == Qt.AlignmentFlag.AlignLeft:
        # cached glyph layout: drawText(rect, flags) lays the string out again every frame
        static = _static_text(text, size, bold)
        painter.drawStaticText(QPointF(rect.x, rect.y + (rect.h - static.size().height()) / 2), static)
        return
    painter.drawText(_qrect(rect), int(align | Qt.AlignmentFlag.AlignVCenter), text)


@lru_cache(maxsize=8192)
def _static_text(text: str, size: int, bold: bool) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.prepare(QTransform(), make_font(size, bold))
    return static


def _paint_header(painter: QPainter, layout: TimelineLayout) -> None:
    _text(painter, layout.title_rect, layout.title, TITLE_PX, True)
    _text(painter, layout.subtitle_rect, layout.subtitle, SMALL_PX, False, MUTED)


# ----------------------------------------------------------------------- lanes


def _paint_lanes(painter: QPainter, layout: TimelineLayout) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    for i, lane in enumerate(layout.lanes):
        if i % 2 == 0:
            painter.fillRect(_qrect(lane.rect), LANE_TINT)
    painter.setPen(QPen(GRID, 1))
    with _crisp(painter):
        painter.drawLines([QPointF(x, lane.rect.bottom) for lane in layout.lanes
                           for x in (lane.rect.x, lane.rect.right)])
    for lane in layout.lanes:
        _paint_lane_label(painter, lane)


def _paint_lane_label(painter: QPainter, lane: Lane) -> None:
    if lane.label_rect is None:
        return
    swatch = QRectF(lane.rect.x + 4, lane.label_rect.y + (lane.label_rect.h - MARKER) / 2,
                    MARKER, MARKER)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_colour(lane.colour))
    painter.drawRoundedRect(swatch, 2, 2)
    _text(painter, lane.label_rect, lane.label_text, TEXT_PX, True)
    _text(painter, lane.sublabel_rect, lane.sublabel_text, SMALL_PX, False, MUTED)


# ------------------------------------------------------------------------ axis


def _paint_axis(painter: QPainter, layout: TimelineLayout) -> None:
    plot, axis = layout.plot, layout.axis_rect
    grid = _grid_lines(layout)
    with _crisp(painter):
        if grid:
            painter.setPen(QPen(GRID, 1))
            painter.drawLines(grid)
        painter.setPen(QPen(MUTED, 1))
        ticks = [QPointF(plot.x, axis.bottom), QPointF(plot.right, axis.bottom)]
        for tick in layout.ticks:
            ticks += [QPointF(tick.x, axis.bottom - 5), QPointF(tick.x, axis.bottom)]
        painter.drawLines(ticks)
    for tick in layout.ticks:
        _text(painter, tick.label_rect, tick.label, SMALL_PX, False, MUTED)
    for context in layout.context:
        _text(painter, context.label_rect, context.label, SMALL_PX, True, INK)


@contextmanager
def _crisp(painter: QPainter) -> Iterator[None]:
    """Horizontal and vertical hairlines without antialiasing on screen: sharper and faster."""
    if not _raster.fast:
        yield
        return
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    try:
        yield
    finally:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)


def _grid_lines(layout: TimelineLayout) -> list[QPointF]:
    top, bottom = layout.plot.y, layout.plot.bottom
    points: list[QPointF] = []
    for tick in layout.ticks:
        points += [QPointF(tick.x, top), QPointF(tick.x, bottom)]
    return points


# ----------------------------------------------------------------------- marks


def _paint_marks(painter: QPainter, layout: TimelineLayout, hover: str | None) -> None:
    for mark in layout.marks:
        if mark.kind == "soft":
            _soft_bar(painter, mark.rect, mark.colour)
        elif mark.kind == "range":
            _range_bar(painter, mark.rect, mark.colour)
    for mark in layout.marks:
        if mark.kind == "point" and mark.x1 - mark.x0 > 3 * MARKER:  # the day, zoomed in
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_colour(mark.colour, 55))
            r = mark.rect
            painter.drawRect(QRectF(mark.x0, r.y + r.h * 0.3, mark.x1 - mark.x0, r.h * 0.4))
    for mark in layout.marks:
        if mark.kind == "point":
            if _raster.fast:
                _stamp_point(painter, mark.rect, mark.colour)
            else:
                _point(painter, mark.rect, mark.colour)
        elif mark.kind.startswith("pub_"):
            _diamond(painter, mark.rect, mark.colour, hollow=mark.kind == "pub_estimated")
    for mark in layout.marks:
        if mark.in_conflict:
            _outline(painter, mark, palette.CONFLICT_COLOUR, 2.0)
        if mark.selected or (hover is not None and mark.event_id == hover):
            colour = palette.SELECTION_COLOUR if mark.selected else palette.NEUTRAL_COLOUR
            _outline(painter, mark, colour, 3.0, grow=3.0)
    painter.setPen(Qt.PenStyle.NoPen)
    for mark in layout.marks:  # a chip of lane colour keeps labels readable over spokes and bars
        if mark.label and mark.label_rect is not None:
            r = mark.label_rect
            painter.setBrush(LANE_CHIP if mark.lane % 2 == 0 else WHITE_CHIP)
            painter.drawRoundedRect(QRectF(r.x - 1, r.y + 1, r.w + 2, r.h - 2), 3, 3)
    for mark in layout.marks:
        if mark.label and mark.label_rect is not None:
            _text(painter, mark.label_rect, mark.label, TEXT_PX, mark.selected, INK)


def _soft_bar(painter: QPainter, rect: Rect, colour: str) -> None:
    """A bar that fades in and out: the date lies somewhere in the interval."""
    fade = min(rect.w * 0.3, 3 * MARKER)
    gradient = QLinearGradient(rect.x, 0, rect.right, 0)
    solid, clear = _colour(colour, 200), _colour(colour, 30)
    edge = fade / rect.w if rect.w > 0 else 0.0
    gradient.setColorAt(0.0, clear)
    gradient.setColorAt(edge, solid)
    gradient.setColorAt(1.0 - edge, solid)
    gradient.setColorAt(1.0, clear)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(_qrect(rect), MARKER / 2, MARKER / 2)


def _range_bar(painter: QPainter, rect: Rect, colour: str) -> None:
    painter.setPen(QPen(_colour(colour), 1.2))
    painter.setBrush(_colour(colour, 150))
    painter.drawRect(_qrect(rect))


def _point(painter: QPainter, rect: Rect, colour: str) -> None:
    painter.setPen(QPen(WHITE, 1.0))
    painter.setBrush(_colour(colour))
    painter.drawEllipse(_qrect(rect))


def _stamp_point(painter: QPainter, rect: Rect, colour: str) -> None:
    """A cached pre-rendered point marker: hundreds per frame, one blit each."""
    dpr = painter.device().devicePixelRatioF()
    stamp = _point_stamp(colour, rect.w, rect.h, dpr)
    pad = POINT_STAMP_PAD
    painter.drawPixmap(QPointF(round((rect.x - pad) * dpr) / dpr, round((rect.y - pad) * dpr) / dpr), stamp)


POINT_STAMP_PAD = 1.0  # room for the white outline around the disc


@lru_cache(maxsize=1024)
def _point_stamp(colour: str, w: float, h: float, dpr: float) -> QPixmap:
    pad = POINT_STAMP_PAD
    pixmap = QPixmap(math.ceil((w + 2 * pad) * dpr), math.ceil((h + 2 * pad) * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _point(painter, Rect(pad, pad, w, h), colour)
    painter.end()
    return pixmap


def _diamond(painter: QPainter, rect: Rect, colour: str, hollow: bool) -> None:
    cx, cy, r = rect.x + rect.w / 2, rect.y + rect.h / 2, rect.h / 2 + 1
    polygon = QPolygonF([QPointF(cx, cy - r), QPointF(cx + r, cy), QPointF(cx, cy + r), QPointF(cx - r, cy)])
    painter.setPen(QPen(_colour(colour), 1.6))
    painter.setBrush(WHITE if hollow else _colour(colour))
    painter.drawPolygon(polygon)


def _outline(painter: QPainter, mark: Mark, colour: str, width: float, grow: float = 1.5) -> None:
    r = mark.rect
    painter.setPen(QPen(_colour(colour), width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    box = QRectF(r.x - grow, r.y - grow, r.w + 2 * grow, r.h + 2 * grow)
    if mark.kind == "point":
        painter.drawEllipse(box)
    else:
        painter.drawRoundedRect(box, 3, 3)


# ---------------------------------------------------------------------- badges


def _paint_badges(painter: QPainter, badges: list[Badge]) -> None:
    if not badges:
        return
    if _pixel_exact(painter):
        _stamp_badges(painter, badges)
    else:
        _vector_badges(painter, badges)
    selected = [b for b in badges if b.selected]
    if selected:
        painter.setPen(QPen(_colour(palette.SELECTION_COLOUR), 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for badge in selected:
            painter.drawRoundedRect(_qrect(badge.rect), badge.rect.h / 2, badge.rect.h / 2)


def _pixel_exact(painter: QPainter) -> bool:
    """Raster device, no scaling: pre-rendered stamps look the same as vectors there.

    SVG and PDF (and scaled high-dpi PNG exports) keep real vectors and text.
    """
    engine = painter.paintEngine()
    raster = engine is not None and engine.type() == QPaintEngine.Type.Raster
    return raster and painter.worldTransform().type().value <= QTransform.TransformationType.TxTranslate.value


def _stamp_badges(painter: QPainter, badges: list[Badge]) -> None:
    """Pills blitted from one cached pixmap per size, counts as cached static text.

    Antialiased pill fills were the main cost of a frame (~600 badges at 100k
    events); a blit is a memory copy, and a prepared QStaticText skips text layout.
    The loops are kept lean on purpose: they run for every badge of every frame.
    """
    dpr = painter.device().devicePixelRatioF()
    if dpr == 1.0:  # the integer overloads skip QPointF wrappers
        for badge in badges:
            r = badge.rect
            painter.drawPixmap(round(r.x), round(r.y), _pill_stamp(round(r.w * 4) / 4, round(r.h * 4) / 4, 1.0))
    else:
        for badge in badges:
            r = badge.rect
            painter.drawPixmap(QPointF(round(r.x * dpr) / dpr, round(r.y * dpr) / dpr),
                               _pill_stamp(round(r.w * 4) / 4, round(r.h * 4) / 4, dpr))
    painter.setFont(make_font(SMALL_PX, True))
    painter.setPen(WHITE)
    draw = painter.drawStaticText
    for badge in badges:
        r = badge.rect
        static, w, h = _badge_text(badge.text)
        draw(QPointF(round(r.x * dpr) / dpr + (r.w - w) / 2, round(r.y * dpr) / dpr + (r.h - h) / 2), static)


@lru_cache(maxsize=4096)
def _badge_text(text: str) -> tuple[QStaticText, float, float]:
    static = _static_text(text, SMALL_PX, True)
    size = static.size()
    return static, size.width(), size.height()


@lru_cache(maxsize=64)
def _pill_stamp(w: float, h: float, dpr: float) -> QPixmap:
    pixmap = QPixmap(max(1, math.ceil(w * dpr)), max(1, math.ceil(h * dpr)))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BADGE_FILL)
    painter.drawRoundedRect(QRectF(0, 0, w, h), h / 2, h / 2)
    painter.end()
    return pixmap


def _vector_badges(painter: QPainter, badges: list[Badge]) -> None:
    # one path for all pills and plain point-positioned text
    pills = QPainterPath()
    for badge in badges:
        r = badge.rect
        pills.addRoundedRect(r.x, r.y, r.w, r.h, r.h / 2, r.h / 2)
    painter.fillPath(pills, BADGE_FILL)
    painter.setFont(make_font(SMALL_PX, True))
    painter.setPen(WHITE)
    metrics = _metrics(SMALL_PX, True)
    baseline = (metrics.ascent() - metrics.descent()) / 2
    for badge in badges:
        r = badge.rect
        w = metrics.horizontalAdvance(badge.text)
        painter.drawText(QPointF(r.x + (r.w - w) / 2, r.y + r.h / 2 + baseline), badge.text)


# ------------------------------------------------------------------- conflicts


CURVED_LINK_LIMIT = 40  # beyond this many links, straight spokes (one batched call) keep frames fast


def _paint_links(painter: QPainter, layout: TimelineLayout, labels: bool) -> None:
    if labels:
        for link in layout.links:
            _link_label(painter, link)
    elif len(layout.links) > CURVED_LINK_LIMIT:
        _straight_spokes(painter, layout.links)
    else:
        for link in layout.links:
            _link_spokes(painter, link)


def _straight_spokes(painter: QPainter, links: list[ConflictLink]) -> None:
    painter.setPen(QPen(_colour(palette.CONFLICT_COLOUR, 150), 1.2))
    points: list[QPointF] = []
    for link in links:
        hx, hy = _hub(link)
        for x, y, _side in link.ends:
            points += [QPointF(x, y), QPointF(hx, hy)]
    painter.drawLines(points)


def _link_spokes(painter: QPainter, link: ConflictLink) -> None:
    """Curved spokes from each placement to the gap label: one event, told differently."""
    hx, hy = _hub(link)
    width = 3.0 if link.selected else 1.8
    painter.setPen(QPen(_colour(palette.CONFLICT_COLOUR, 230 if link.selected else 170), width,
                        Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for x, y, _side in link.ends:
        path = QPainterPath(QPointF(x, y))
        path.cubicTo(QPointF((x + hx) / 2, y), QPointF((x + hx) / 2, hy), QPointF(hx, hy))
        painter.drawPath(path)


def _hub(link: ConflictLink) -> tuple[float, float]:
    if link.label_rect is None:
        return link.hub
    return link.label_rect.x + link.label_rect.w / 2, link.label_rect.y + link.label_rect.h / 2


def _link_label(painter: QPainter, link: ConflictLink) -> None:
    if link.label_rect is None:
        return
    rect = _qrect(link.label_rect)
    painter.setPen(QPen(_colour(palette.CONFLICT_COLOUR), 2.0 if link.selected else 1.2))
    painter.setBrush(_colour(palette.CONFLICT_COLOUR) if link.selected else WHITE)
    painter.drawRoundedRect(rect, 4, 4)
    painter.setFont(make_font(SMALL_PX, True))
    painter.setPen(WHITE if link.selected else _colour(palette.CONFLICT_COLOUR))
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), link.label)


# ---------------------------------------------------------------------- legend


def _paint_legend(painter: QPainter, layout: TimelineLayout) -> None:
    colour = palette.source_colour(0)
    for entry in layout.legend:
        s = entry.swatch
        if entry.kind == "point":
            _point(painter, Rect(s.x + s.w / 2 - MARKER / 2, s.y, MARKER, MARKER), colour)
        elif entry.kind == "soft":
            _soft_bar(painter, s, colour)
        elif entry.kind == "range":
            _range_bar(painter, s, colour)
        elif entry.kind == "badge":
            _paint_legend_badge(painter, s)
        elif entry.kind == "conflict":
            painter.setPen(QPen(_colour(palette.CONFLICT_COLOUR), 2.0))
            painter.drawLine(QPointF(s.x, s.y + s.h / 2), QPointF(s.right, s.y + s.h / 2))
        elif entry.kind.startswith("pub_"):
            _diamond(painter, Rect(s.x + s.w / 2 - MARKER / 2, s.y, MARKER, MARKER), colour,
                     hollow=entry.kind == "pub_estimated")
        elif entry.kind == "selected":
            painter.setPen(QPen(_colour(palette.SELECTION_COLOUR), 3.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QRectF(s.x + s.w / 2 - MARKER / 2 - 2, s.y - 2, MARKER + 4, MARKER + 4))
        _text(painter, entry.text_rect, entry.text, SMALL_PX, False, INK)


def _paint_legend_badge(painter: QPainter, s: Rect) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BADGE_FILL)
    rect = QRectF(s.x, s.y - 2, s.w, s.h + 4)
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setFont(make_font(SMALL_PX - 2, True))
    painter.setPen(WHITE)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), "12")


def paint_rubber_band(painter: QPainter, rect: Rect) -> None:
    """The selection rectangle while dragging (widget only)."""
    painter.save()
    painter.setPen(QPen(_colour(palette.SELECTION_COLOUR), 1.0, Qt.PenStyle.DashLine))
    painter.setBrush(_colour(palette.SELECTION_COLOUR, 40))
    painter.drawRect(_qrect(rect))
    painter.restore()
