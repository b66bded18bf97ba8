"""Gazetteer build time, index size and lookup latency.

    python benchmarks/bench_gazetteer.py          # builds into a temp dir, then times lookups
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viewer.resolve.gazetteer import GAZETTEER_FILE, Gazetteer, build_gazetteer  # noqa: E402

NAMES = ["Hajin", "Mosul", "Deir Ezzor", "Al-Darbasiyah", "Alexandria", "Springfield", "Syria", "Keshma",
         "Baghouz", "Xqzvbnmw"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / GAZETTEER_FILE
        started = time.perf_counter()
        build_gazetteer(path, progress=lambda d, n: print(f"  stage {d}/{n} at {time.perf_counter() - started:.1f} s"))
        print(f"build: {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
        gaz = Gazetteer(path)
        for name in NAMES:
            gaz.lookup(name)  # warm the connection and page cache
            n = 500
            t0 = time.perf_counter()
            for _ in range(n):
                found = gaz.lookup(name)
            micro = (time.perf_counter() - t0) / n * 1e6
            top = f"{found[0].name} ({found[0].country}, {found[0].match})" if found else "-"
            print(f"lookup {name!r:16s} {micro:8.0f} us  {len(found):3d} candidates  top: {top}")
        gaz.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
