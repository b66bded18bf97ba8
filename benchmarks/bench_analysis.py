"""The analysis of a big workspace: how long it takes, and how soon Cancel stops it.

    python benchmarks/bench_analysis.py [--articles 1000] [--rebuild]

Uses bench_memory's cached workspace (the sample story repeated ``--articles``
times, built once under /tmp/crosscheck-bench-memory/).  Prints:

1. the full analysis (``refresh_analysis(force=True)``: dating, re-anchoring,
   matching, conflicts, storing) and the stored story's size;
2. the cancel latency: the analysis is asked to stop at several moments during
   its run, and the time from that request until ``Cancelled`` is raised is
   the figure (goal: well under a second, so Esc and closing the window feel
   immediate).  The workspace's stored analysis is left untouched by them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_memory import cached_workspace, ensure_gazetteer  # noqa: E402

from viewer.cancellation import Cancelled  # noqa: E402
from viewer.pipeline import refresh_analysis  # noqa: E402
from viewer.store import Workspace  # noqa: E402

GOAL_S = 0.5


def stop_after(seconds: float) -> tuple[Callable[[], bool], list[float]]:
    """A should_stop that turns true ``seconds`` after its first call (the press of Cancel).

    The recorded moment is the press itself, not the poll that noticed it, so
    the latency includes the wait for the next poll."""
    asked: list[float] = []
    started: list[float] = []

    def should_stop() -> bool:
        now = time.perf_counter()
        if not started:
            started.append(now)
        if not asked and now - started[0] >= seconds:
            asked.append(started[0] + seconds)
        return bool(asked)

    return should_stop, asked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    ensure_gazetteer()
    path = cached_workspace(args.articles, workers=2, rebuild=args.rebuild)
    with Workspace(str(path)) as workspace:
        start = time.perf_counter()
        story = refresh_analysis(workspace, force=True)
        full = time.perf_counter() - start
        print(f"full analysis: {full:.1f} s ({len(story.articles)} articles, {len(story.events)} events, "
              f"{len(story.clusters)} clusters, {len(story.conflicts)} conflicts)")
        latencies = []
        for share in (0.05, 0.25, 0.5, 0.75, 0.95):
            should_stop, asked = stop_after(full * share)
            try:
                refresh_analysis(workspace, force=True, should_stop=should_stop)
            except Cancelled:
                latency = time.perf_counter() - asked[0]
                latencies.append(latency)
                print(f"  stop asked at {share:4.0%} of the run: stopped {latency * 1000:6.1f} ms later")
            else:
                print(f"  stop asked at {share:4.0%} of the run: the analysis had finished")
        assert workspace.analysis_is_current(), "a cancelled analysis must leave the stored one alone"
    if latencies:
        worst = max(latencies)
        print(f"cancel latency: worst {worst * 1000:.0f} ms (goal < {GOAL_S * 1000:.0f} ms): "
              f"{'OK' if worst < GOAL_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
