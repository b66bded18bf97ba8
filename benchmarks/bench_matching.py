"""Clustering speed on synthetic event mentions (1k / 10k / 100k).

Each synthetic happening (an actor, a kind, a date, a town) is told by 2-6
articles, some disagreeing on the date or the town, mixed with anonymous
happenings of the same kinds.  Target: 10k mentions in < 10 s on 2 cores.

    python benchmarks/bench_matching.py [1000 10000 100000]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viewer.match.clusters import cluster_events  # noqa: E402
from viewer.model import Event, Place, TimeSpan  # noqa: E402

KINDS = ["coup", "attack", "earthquake", "flee", "election", "protest", "arrest", "rehab"]
FIRST = ["Ali", "Maria", "John", "Chen", "Fatima", "Ivan", "Amara", "Lars", "Sofia", "Omar"]


def _day(d: dt.date) -> TimeSpan:
    return TimeSpan(d.isoformat(), 0, 1, value=d.isoformat(), earliest=d, latest=d, precision="day")


def synthetic_events(n: int, seed: int = 7) -> list[Event]:
    rng = random.Random(seed)
    towns = [(f"Town{i}", rng.uniform(-60, 60), rng.uniform(-150, 150)) for i in range(max(50, n // 20))]
    events: list[Event] = []
    happening = 0
    while len(events) < n:
        happening += 1
        kind = rng.choice(KINDS)
        actor = f"{rng.choice(FIRST)} Person{rng.randrange(n // 5 + 10)}" if rng.random() < 0.7 else None
        day = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(365 * 20))
        town = rng.choice(towns)
        for k in range(rng.randint(2, 6)):
            when = _day(day + dt.timedelta(days=rng.choice([0, 0, 0, 1, 90])))
            name, lat, lon = town if rng.random() < 0.8 else rng.choice(towns)
            where = Place(name, 0, 1, name, lat, lon, precision="point")
            article = f"a{happening}-{k}"
            events.append(Event(id=f"{article}:0:0", article_id=article, sentence="s", start=0, end=1,
                                what=f"{kind} of {actor or 'people'}", trigger=kind,
                                who=[actor] if actor else [], when=when, where=where))
    return events[:n]


def main(sizes: list[int]) -> None:
    for n in sizes:
        events = synthetic_events(n)
        started = time.perf_counter()
        clusters = cluster_events(events)
        took = time.perf_counter() - started
        print(f"{n:>7} mentions -> {len(clusters):>7} clusters in {took:6.2f} s "
              f"({n / took:,.0f} mentions/s)", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
