"""Geoparsing benchmark: PlaceFinder on LGL and GeoVirus, scored by the shared score.py.

Prints geotagging P/R/F1, e2e161 (share of all gold toponyms found AND placed
within 161 km), acc161 and documents/s.  The corpora live outside the repo
(``../shared/data/geo``); without them the script says so and exits 0.

    python benchmarks/bench_geo.py [--corpus LGL] [--limit 100] [--no-nationalities]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GEO = ROOT.parent / "shared" / "data" / "geo"
CORPORA = ("LGL", "GeoVirus")
TARGETS = {"LGL": 0.55, "GeoVirus": 0.70}


def documents(corpus: str, limit: int | None) -> list[str]:
    folder = GEO / corpus
    n = len(list(folder.iterdir()))
    n = min(n, limit) if limit else n
    return [(folder / str(i)).read_text(encoding="utf-8") for i in range(n)]


def prediction_line(places) -> str:
    """One document in score.py's format; unresolved places have no coordinates to score."""
    fields = []
    for p in places:
        if p.is_resolved:
            name = p.name.replace(",,", ",").replace("||", "|")
            surface = p.text.replace(",,", ",").replace("||", "|")
            fields.append(f"{name},,{surface},,{p.lat:.5f},,{p.lon:.5f},,{p.start},,{p.end}")
    return "||".join(fields) + ("||" if fields else "")


def run_corpus(corpus: str, finder, nlp, limit: int | None, out_dir: Path) -> dict:
    texts = documents(corpus, limit)
    started = time.perf_counter()
    lines = [prediction_line(finder.find(doc)) for doc in nlp.pipe(texts, batch_size=16)]
    elapsed = time.perf_counter() - started
    pred = out_dir / f"{corpus}_pred.txt"
    pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = GEO / f"{corpus}_gold.txt"
    if limit:
        cut = out_dir / f"{corpus}_gold_{limit}.txt"
        cut.write_text("\n".join(gold.read_text(encoding="utf-8").split("\n")[:limit]) + "\n", encoding="utf-8")
        gold = cut
    scored = subprocess.run([sys.executable, str(GEO / "score.py"), str(gold), str(pred)],
                            capture_output=True, text=True, check=True)
    result = json.loads(scored.stdout)
    result["docs"] = len(texts)
    result["docs_per_s"] = round(len(texts) / elapsed, 1)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=CORPORA, action="append")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--no-nationalities", action="store_true", help="do not report 'Syrian' as Syria")
    parser.add_argument("--keep", type=Path, default=None, help="write prediction files here")
    args = parser.parse_args()
    if not (GEO / "score.py").exists():
        print(f"geo corpora not found under {GEO}: skipped")
        return 0

    from viewer.extract.language import load_pipeline
    from viewer.resolve.gazetteer import Gazetteer
    from viewer.resolve.places import PlaceFinder

    t0 = time.perf_counter()
    gazetteer = Gazetteer.open_default(progress=lambda d, n: print(f"building gazetteer {d}/{n}", file=sys.stderr))
    nlp = load_pipeline()
    finder = PlaceFinder(gazetteer, nationalities=not args.no_nationalities)
    print(f"set-up {time.perf_counter() - t0:.1f} s")
    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench-geo-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    for corpus in args.corpus or CORPORA:
        if not (GEO / corpus).is_dir():
            print(f"{corpus}: not found, skipped")
            continue
        r = run_corpus(corpus, finder, nlp, args.limit, out_dir)
        target = TARGETS[corpus]
        print(f"{corpus:9s} docs={r['docs']} gold={r['gold']} P={r['P']} R={r['R']} F1={r['F1']} "
              f"e2e161={r['e2e161']} (target {target}) acc161={r['acc161']} mean_km={r['mean_km']} "
              f"docs/s={r['docs_per_s']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
