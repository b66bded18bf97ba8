"""Start-up time to a usable window (target: 1.5 s), and when the background work is done.

    python benchmarks/bench_startup.py [--runs 5] [--timeout 60] [--empty] [--rebuild]

Each run spawns a fresh Python that imports ``viewer.ui.app`` and the main
window, opens a copy of a workspace holding the five sample articles (what a
user sees when the app reopens the last workspace; ``--empty``: a new, empty
workspace, where the map page is not loaded at all), shows it on Qt's
offscreen platform and reports, measured from the moment the parent started
the process (``time.time()`` passed in argv):

* ``imported``: Python, Qt, the QApplication and the window's modules are loaded;
* ``constructed``: ``MainWindow(workspace)`` has returned (the stored story is in it);
* ``window``: the first paint of the main window;
* ``usable``: the event loop's first idle turn after that paint (the window
  answers input from here on) -- this is the figure the target is about;
* ``map``: the map page loaded (``QtMap.ready``), if the window has a map;
* ``nlp``: the spaCy pipeline loaded in the background (``pipelineReady``).

Prints every run and the median of each.  Runs use a private Qt settings
folder and the usual data dir (the gazetteer is not rebuilt), so they
measure a warm start, not the very first one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKS = ("imported", "constructed", "window", "usable", "map", "nlp")
TARGET_USABLE_S = 1.5
CACHE = Path(tempfile.gettempdir()) / "crosscheck-bench-startup"


# ------------------------------------------------------------------ the child


def child(t0: float, workspace: str, timeout: float, expected: tuple[str, ...]) -> None:
    """Runs in the spawned process: open the window and print one JSON line of timestamps."""
    sys.path.insert(0, str(ROOT))
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks.setdefault(name, time.time() - t0)

    from viewer.ui.app import create_application

    app = create_application([sys.argv[0]])
    from PySide6.QtCore import QEvent, QObject, QTimer

    from viewer.ui.main_window import MainWindow

    mark("imported")

    class FirstPaint(QObject):
        """Notes the window's first paint, then the first idle turn of the event loop after it."""

        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and "window" not in marks:
                mark("window")
                QTimer.singleShot(0, lambda: (mark("usable"), finish_when_done()))
            return False

    def finish_when_done() -> None:
        """Quit once everything is measured (a view that never gets ready ends at the timeout)."""
        if all(name in marks for name in expected):
            app.quit()

    def watch_map() -> None:
        """The map is created on the first event-loop turn; connect to it once it exists."""
        view = getattr(window, "map", None)
        if view is None:
            QTimer.singleShot(20, watch_map)
        elif getattr(view, "is_ready", False):
            mark("map")
            finish_when_done()
        else:
            view.ready.connect(lambda: (mark("map"), finish_when_done()))

    window = MainWindow(workspace)
    mark("constructed")
    window.controller.pipelineReady.connect(lambda: (mark("nlp"), finish_when_done()))
    window.controller.pipelineFailed.connect(lambda _m: (mark("nlp"), finish_when_done()))
    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    QTimer.singleShot(0, watch_map)
    QTimer.singleShot(int(timeout * 1000), app.quit)
    app.exec()
    print(json.dumps(marks), flush=True)
    # Leave at once: tearing down WebEngine and the worker thread is not part of start-up.
    os._exit(0)


# ----------------------------------------------------------------- the parent


def child_environment(settings_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    env["XDG_CONFIG_HOME"] = settings_dir  # QSettings: do not touch the user's recent files
    return env


def ensure_gazetteer() -> None:
    """Build the gazetteer index now if it is missing or outdated: a one-off, not start-up."""
    sys.path.insert(0, str(ROOT))
    from viewer.resolve.gazetteer import Gazetteer

    Gazetteer.open_default().close()


def sample_workspace(rebuild: bool = False) -> Path:
    """A workspace with the five sample articles, analysed (built once, then cached)."""
    target = CACHE / "sample.crosscheck"
    if rebuild or not target.exists():
        sys.path.insert(0, str(ROOT))
        from viewer.pipeline import ingest, refresh_analysis
        from viewer.store import Workspace

        CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with Workspace(str(partial)) as workspace:
            ingest([ROOT / "sample_data"], workspace)
            refresh_analysis(workspace)
        os.replace(partial, target)
    return target


def one_run(timeout: float, template: Path | None) -> dict[str, float]:
    """Start a fresh interpreter and return its timestamps (seconds from spawn)."""
    with tempfile.TemporaryDirectory(prefix="crosscheck-startup-") as tmp:
        workspace = Path(tmp) / "story.crosscheck"
        if template is not None:  # a copy: the window stores its analysis and view state in it
            shutil.copyfile(template, workspace)
        expected = ",".join(m for m in MARKS if template is not None or m != "map")
        t0 = time.time()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", repr(t0), str(workspace), str(timeout), expected],
            env=child_environment(tmp), capture_output=True, text=True, timeout=timeout + 60,
        )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"child failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def format_row(label: str, marks: dict[str, float]) -> str:
    cells = [f"{marks[m]:7.2f}" if m in marks else "      -" for m in MARKS]
    return f"{label:>8} " + " ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--empty", action="store_true", help="open a new, empty workspace")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached sample workspace")
    args = parser.parse_args(argv)
    ensure_gazetteer()
    template = None if args.empty else sample_workspace(args.rebuild)
    what = "an empty workspace" if args.empty else "the 5 sample articles"
    print(f"opening {what}")
    print(f"seconds from process spawn, {args.runs} runs (target: usable <= {TARGET_USABLE_S} s)")
    print(f"{'run':>8} " + " ".join(f"{m:>7}" for m in MARKS))
    runs = []
    for n in range(args.runs):
        runs.append(one_run(args.timeout, template))
        print(format_row(str(n + 1), runs[-1]), flush=True)
    medians = {m: statistics.median(r[m] for r in runs) for m in MARKS if all(m in r for r in runs)}
    print(format_row("median", medians))
    usable = medians.get("usable")
    if usable is not None:
        verdict = "meets" if usable <= TARGET_USABLE_S else "MISSES"
        print(f"usable window: median {usable:.2f} s, {verdict} the {TARGET_USABLE_S} s target")
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        child(float(sys.argv[2]), sys.argv[3], float(sys.argv[4]), tuple(sys.argv[5].split(",")))
    else:
        sys.exit(main())
