"""Timeline images: PNG size, dpi and content; SVG vectors with text; PDF with text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QColor, QImage

from tests.story_factory import sample_story
from viewer.show.timeline_layout import LayoutOptions, TimelineIndex, layout_timeline
from viewer.ui.export_timeline import export_timeline

OUTLETS = ["Windsor Star", "Middle East Eye", "The People's Voice", "Middle East Monitor", "The Sun"]


@pytest.fixture(scope="module")
def story():
    return sample_story()


def export_layout(story, width: int, dpi: int):
    """The layout export_timeline paints, to know where marks land in the image."""
    from viewer.ui.timeline_painter import qt_measure

    scale = dpi / 96
    options = LayoutOptions(width=width / scale, height=None, measure=qt_measure())
    return layout_timeline(TimelineIndex(story), options), scale


def close_to(colour: QColor, hex_colour: str, tolerance: int = 40) -> bool:
    want = QColor(hex_colour)
    return all(abs(a - b) <= tolerance for a, b in
               ((colour.red(), want.red()), (colour.green(), want.green()), (colour.blue(), want.blue())))


def test_png_has_the_requested_size_dpi_and_marks_where_events_are(story, tmp_path, qapp):
    out = export_timeline(story, tmp_path / "timeline.png", width=2400, dpi=150)
    image = QImage(str(out))
    assert image.width() == 2400 and image.height() > 300
    assert round(image.dotsPerMeterX() * 0.0254) == 150
    layout, scale = export_layout(story, 2400, 150)
    assert image.height() == pytest.approx(layout.height * scale, abs=1)
    points = [m for m in layout.marks if m.kind == "point" and m.event_id and not m.selected]
    assert len(points) >= 5
    for mark in points:
        x, y = mark.centre
        pixel = image.pixelColor(round(x * scale), round(y * scale))
        assert close_to(pixel, mark.colour), (mark.event_id, pixel.name(), mark.colour)
    empty_y = layout.lanes[0].rect.bottom - 2  # a lane row far from any event: background only
    pixel = image.pixelColor(round((layout.plot.x + 3) * scale), round(empty_y * scale))
    assert pixel.lightness() > 230


def test_png_8000_wide_at_300_dpi(story, tmp_path, qapp):
    out = export_timeline(story, tmp_path / "big.png", width=8000, dpi=300)
    image = QImage(str(out))
    assert image.width() == 8000 and round(image.dotsPerMeterX() * 0.0254) == 300
    layout, scale = export_layout(story, 8000, 300)
    mark = next(m for m in layout.marks if m.kind == "point" and m.event_id)
    assert close_to(image.pixelColor(round(mark.centre[0] * scale), round(mark.centre[1] * scale)), mark.colour)


def test_png_with_fixed_height_and_range(story, tmp_path, qapp):
    out = export_timeline(story, tmp_path / "range.png", width=1200, height=500, dpi=96,
                          time_range=("2018-08", "2019-03"), lanes="cluster", title="Coup attempt")
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 500)


def test_svg_is_xml_with_lane_labels_as_text_and_event_marks(story, tmp_path, qapp):
    out = export_timeline(story, tmp_path / "timeline.svg")
    root = ET.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    texts = ["".join(t.itertext()).strip() for t in root.iter(f"{ns}text")]
    for outlet in OUTLETS:
        assert outlet in texts
    assert "~4 months apart" in texts
    shapes = [e for e in root.iter() if e.tag in (f"{ns}path", f"{ns}ellipse", f"{ns}circle",
                                                 f"{ns}rect", f"{ns}polygon")]
    layout, _ = export_layout(story, 2400, 150)
    assert len(shapes) >= len(layout.marks)
    assert not list(root.iter(f"{ns}image"))


def test_pdf_is_a_pdf_with_the_lane_labels_in_its_text(story, tmp_path, qapp):
    from pypdf import PdfReader

    out = export_timeline(story, tmp_path / "timeline.pdf")
    assert out.read_bytes()[:4] == b"%PDF"
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())  # Qt places words apart: tabs
    for outlet in OUTLETS:
        assert outlet in text
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(2400 * 72 / 150, rel=0.01)


@pytest.mark.parametrize("name", ["timeline.jpg", "timeline", "timeline.PNG.txt"])
def test_unknown_extension_is_a_clear_error(story, tmp_path, name, qapp):
    with pytest.raises(ValueError, match="unknown image format"):
        export_timeline(story, tmp_path / name)


def test_bad_range_is_a_clear_error(story, tmp_path, qapp):
    with pytest.raises(ValueError, match="date"):
        export_timeline(story, tmp_path / "x.png", time_range=("last week", "2019"))
    with pytest.raises(ValueError, match="end after"):
        export_timeline(story, tmp_path / "x.png", time_range=("2019", "2018"))


def test_badges_are_painted_on_screen_as_in_vector_output(qapp):
    """The widget's fast path (cached pill stamps, static text) must draw the same pills."""
    from PySide6.QtGui import QImage, QPainter

    from tests.story_factory import make_large_story
    from viewer.ui.timeline_painter import paint_timeline, qt_measure

    layout = layout_timeline(TimelineIndex(make_large_story(5_000, 4, seed=2)),
                             LayoutOptions(width=1000, height=500, measure=qt_measure()))
    assert layout.badges
    image = QImage(1000, 500, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    paint_timeline(painter, layout)
    painter.end()
    for badge in layout.badges[:20]:
        r = badge.rect  # the pill's left cap, clear of the count text
        assert close_to(image.pixelColor(round(r.x + 3), round(r.y + r.h / 2)), "#4d4d4d", 30)
