"""Timeline speed: 100,000 events x 20 lanes, layout + paint into a 1600x900 QImage.

Run from the repository root:  python benchmarks/bench_timeline.py [n_events] [n_lanes]
Prints the index build time, the first paint and the median / 95th-percentile
frame time over 100 zoom and pan steps (target: first paint <= 1 s, median <= 16 ms).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402

from tests.story_factory import make_large_story  # noqa: E402
from viewer.show.timeline_layout import LayoutOptions, TimelineIndex, layout_timeline  # noqa: E402
from viewer.ui.export_timeline import ensure_gui_application  # noqa: E402
from viewer.ui.timeline_painter import paint_timeline, qt_measure  # noqa: E402

WIDTH, HEIGHT, STEPS = 1600, 900, 100


CPU_MS: list[float] = []  # process CPU time per frame: less skewed than wall time on a busy machine


def frame(index: TimelineIndex, image: QImage, time_range: tuple[float, float] | None) -> float:
    """One frame as the widget does it: lay out, then paint; returns wall milliseconds."""
    start, cpu = time.perf_counter(), time.process_time()
    layout = layout_timeline(index, LayoutOptions(width=WIDTH, height=HEIGHT, time_range=time_range,
                                                  title="", measure=qt_measure()))
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_timeline(painter, layout)
    painter.end()
    CPU_MS.append((time.process_time() - cpu) * 1000)
    return (time.perf_counter() - start) * 1000


def steps(lo: float, hi: float) -> list[tuple[float, float]]:
    """Zoom in around a point in 50 steps (x0.9 each), then pan 50 steps of 5% of the view."""
    ranges, mid, span = [], lo + (hi - lo) * 0.55, hi - lo
    for _ in range(STEPS // 2):
        span *= 0.9
        ranges.append((mid - span / 2, mid + span / 2))
    t0 = mid - span / 2
    for _ in range(STEPS - STEPS // 2):
        t0 += span * 0.05
        ranges.append((t0, t0 + span))
    return ranges


def main(n_events: int = 100_000, n_lanes: int = 20) -> None:
    ensure_gui_application()
    t = time.perf_counter()
    story = make_large_story(n_events, n_lanes, seed=0)
    made = time.perf_counter() - t
    t = time.perf_counter()
    index = TimelineIndex(story)
    indexed = time.perf_counter() - t
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    first = frame(index, image, None)
    times = [frame(index, image, r) for r in steps(*index.fit_range())]
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"story: {n_events:,} events x {n_lanes} lanes (generated in {made:.2f} s)")
    print(f"index build:            {indexed * 1000:8.1f} ms")
    print(f"first paint (fit all):  {first:8.1f} ms   (index + first paint: {indexed * 1000 + first:.1f} ms)")
    print(f"frames over {len(times)} zoom/pan steps at {WIDTH}x{HEIGHT}:")
    print(f"  wall: median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   max {times[-1]:6.1f} ms")
    cpu = sorted(CPU_MS[1:])
    print(f"  cpu:  median {statistics.median(cpu):6.1f} ms   p95 {cpu[int(len(cpu) * 0.95) - 1]:6.1f} ms")
    print(f"  (load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
