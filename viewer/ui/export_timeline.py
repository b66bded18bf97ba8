"""Timeline images for reports: PNG, SVG and PDF, painted by the same code as the widget.

Sizes: ``width``/``height`` are output pixels; ``dpi`` sets the physical size
and the scale of text and marks (96 dpi = 1 logical pixel per pixel), so a
2400 px PNG at 150 dpi reads like a 1536 px wide screen at 1.56x.  With
``height=None`` the image is as tall as its lanes need, so nothing is squeezed.
Works headless: a QGuiApplication on the offscreen platform is created if needed.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Union

from viewer.model import Story
from viewer.show.timeline_layout import LayoutOptions, TimelineIndex, TimelineLayout, layout_timeline

TimeValue = Union[str, dt.date, dt.datetime, float, int]
FORMATS = (".png", ".svg", ".pdf")
MAX_PIXELS = 16_000  # per side: a QImage far beyond this needs gigabytes

_app = None  # keeps the QGuiApplication we created alive


def ensure_gui_application():
    """A QGuiApplication for fonts and painting; offscreen when there is no display."""
    global _app
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is not None:
        return app
    if not os.environ.get("QT_QPA_PLATFORM") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and os.name != "nt":
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QGuiApplication([])
    return _app


def to_day(value: TimeValue) -> float:
    """A date, datetime, ISO string ("2018-09", "2019-01-10") or day number -> fractional days."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.toordinal() + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.date):
        return float(value.toordinal())
    text = str(value).strip()
    for pattern in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return to_day(dt.datetime.strptime(text, pattern))
        except ValueError:
            continue
    raise ValueError(f"cannot read {value!r} as a date: use YYYY, YYYY-MM or YYYY-MM-DD")


def _time_range(time_range) -> tuple[float, float] | None:
    if time_range is None:
        return None
    start, end = (to_day(v) for v in time_range)
    if end <= start:
        raise ValueError(f"the time range must end after it starts: {time_range!r}")
    return start, end


def export_timeline(story: Story, out_path: str | os.PathLike, width: int = 2400,
                    height: int | None = None, dpi: int = 150, time_range=None,
                    lanes: str = "source", title: str | None = None) -> Path:
    """Write the timeline of ``story`` to ``out_path`` (.png, .svg or .pdf); return the path."""
    path = Path(out_path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"unknown image format {path.suffix or '(none)'!r} for {path.name}: "
                         f"use one of {', '.join(FORMATS)}")
    if not 16 <= width <= MAX_PIXELS or (height is not None and not 16 <= height <= MAX_PIXELS):
        raise ValueError(f"width and height must be between 16 and {MAX_PIXELS} pixels")
    if not 24 <= dpi <= 1200:
        raise ValueError("dpi must be between 24 and 1200")
    ensure_gui_application()
    from viewer.ui.timeline_painter import qt_measure

    scale = dpi / 96.0
    options = LayoutOptions(width=width / scale, height=None if height is None else height / scale,
                            time_range=_time_range(time_range), title=title, measure=qt_measure())
    layout = layout_timeline(TimelineIndex(story, lanes), options)  # type: ignore[arg-type]
    pixel_h = height if height is not None else min(math.ceil(layout.height * scale), MAX_PIXELS)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = {".png": _write_png, ".svg": _write_svg, ".pdf": _write_pdf}[suffix]
    writer(layout, path, width, pixel_h, dpi, scale)
    return path


def _paint(device, layout: TimelineLayout, scale: float) -> None:
    from PySide6.QtGui import QPainter

    from viewer.ui.timeline_painter import paint_timeline

    painter = QPainter()
    if not painter.begin(device):
        raise OSError("could not start painting the timeline image")
    try:
        painter.scale(scale, scale)
        paint_timeline(painter, layout)
    finally:
        painter.end()


def _write_png(layout: TimelineLayout, path: Path, width: int, height: int, dpi: int,
               scale: float) -> None:
    from PySide6.QtGui import QColor, QImage

    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise MemoryError(f"cannot allocate a {width}x{height} image")
    image.fill(QColor("white"))
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    _paint(image, layout, scale)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def _write_svg(layout: TimelineLayout, path: Path, width: int, height: int, dpi: int,
               scale: float) -> None:
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRect(0, 0, width, height))
    generator.setResolution(dpi)
    generator.setTitle(layout.title or "Timeline")
    generator.setDescription("Crosscheck timeline: " + layout.subtitle)
    _paint(generator, layout, scale)


def _write_pdf(layout: TimelineLayout, path: Path, width: int, height: int, dpi: int,
               scale: float) -> None:
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setResolution(dpi)
    size = QPageSize(QSizeF(width * 72.0 / dpi, height * 72.0 / dpi), QPageSize.Unit.Point,
                     "Timeline", QPageSize.SizeMatchPolicy.ExactMatch)
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setTitle(layout.title or "Timeline")
    writer.setCreator("Crosscheck")
    # the page is width x height device units at this resolution, as for the PNG
    _paint(writer, layout, scale * writer.width() / width)
