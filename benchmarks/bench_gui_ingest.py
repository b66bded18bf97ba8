"""Longest GUI-thread stall while the real window reads N articles (target: none over 100 ms).

    python benchmarks/bench_gui_ingest.py [N]

A 10 ms QTimer ticks on the GUI thread while the window ingests N copies of the
sample articles; the longest gap between ticks is the longest stall a user
would feel.  Start-up (WebEngine's first load) is reported apart.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from viewer.ui.app import create_application

    app = create_application()
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    from viewer.ui.main_window import MainWindow

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    folder = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    sources = sorted((ROOT / "sample_data").glob("*.txt"))
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        (folder / f"c{i:03d}.txt").write_text(f"{text}\n\nCopy {i}.\n", encoding="utf-8")

    window = MainWindow(str(folder / "w.crosscheck"))
    window.show()
    clock = QElapsedTimer()
    clock.start()
    gaps: list[tuple[int, str]] = []
    state = {"last": 0, "phase": "start-up"}

    def tick() -> None:
        now = clock.elapsed()
        gaps.append((now - state["last"], state["phase"]))
        state["last"] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()

    def begin() -> None:
        if not window.controller.pipeline_loaded or window.map is None:
            QTimer.singleShot(200, begin)
            return
        state["phase"] = "ingest"
        window.add_paths([str(folder)])
        QTimer.singleShot(500, wait)

    def wait() -> None:
        if window.is_busy():
            QTimer.singleShot(100, wait)
            return
        timer.stop()
        during = [gap for gap, phase in gaps if phase == "ingest"]
        start = [gap for gap, phase in gaps if phase == "start-up"]
        print(f"{n} articles, {len(window.story.events)} events: longest GUI stall while reading "
              f"{max(during)} ms ({sum(g > 100 for g in during)} of {len(during)} ticks over 100 ms); "
              f"longest during start-up {max(start)} ms")
        app.quit()

    QTimer.singleShot(500, begin)
    QTimer.singleShot(600_000, app.quit)
    app.exec()
    window.close()


if __name__ == "__main__":  # spawned ingest workers import this module again
    main()
