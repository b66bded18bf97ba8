"""Ingest throughput against the spaCy floor, in the same run.

    python benchmarks/bench_ingest.py [--words 500000] [--workers 2] [--corpus sample|lgl|geovirus|timeml]

The floor is the raw ``nlp.pipe`` NER pass over the same texts with the same
number of processes; end-to-end ingest (read, extract, resolve, store, then
match and find conflicts) should reach at least 70% of its throughput.
Prints words/s for both and the ratio.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"


def corpus_texts(name: str) -> list[str]:
    """The texts of one corpus (the development corpora are read from ../shared/data)."""
    if name == "sample":
        return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "sample_data").glob("*.txt"))]
    if name in ("lgl", "geovirus"):
        folder = SHARED / "geo" / ("LGL" if name == "lgl" else "GeoVirus")
        files = sorted(folder.iterdir(), key=lambda p: int(p.name)) if folder.exists() else []
        return [p.read_text(encoding="utf-8") for p in files]
    if name == "timeml":
        files = sorted((SHARED / "timeml").glob("*/*.tml"))
        return [re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8")) for p in files]
    raise SystemExit(f"unknown corpus {name!r}")


def write_batch(texts: list[str], target_words: int, folder: Path) -> tuple[list[Path], int]:
    """Repeat the corpus until it holds ``target_words``; each copy made unique (no dedup)."""
    paths, words, n = [], 0, 0
    while words < target_words:
        text = texts[n % len(texts)]
        path = folder / f"{n:05d}.txt"
        path.write_text(f"{text}\n\nCopy {n}.\n", encoding="utf-8")
        paths.append(path)
        words += len(text.split())
        n += 1
    return paths, words


def raw_ner_pass(paths: list[Path], workers: int) -> float:
    from viewer.extract.language import load_pipeline

    nlp = load_pipeline()
    texts = [p.read_text(encoding="utf-8") for p in paths]
    start = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=max(1, workers), batch_size=8):
        pass
    return time.perf_counter() - start


def end_to_end(paths: list[Path], workers: int, folder: Path) -> tuple[float, float, int]:
    from viewer.pipeline import ingest, refresh_analysis
    from viewer.store import Workspace

    with Workspace(folder / "bench.crosscheck") as workspace:
        start = time.perf_counter()
        report = ingest(paths, workspace, workers=workers)
        ingested = time.perf_counter() - start
        story = refresh_analysis(workspace)
        total = time.perf_counter() - start
    assert not report.errors, report.errors[:3]
    return ingested, total, len(story.events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", default="sample", choices=("sample", "lgl", "geovirus", "timeml"))
    args = parser.parse_args()
    texts = corpus_texts(args.corpus)
    if not texts:
        print(f"corpus {args.corpus} not found under {SHARED}; skipped")
        return
    from viewer.resolve.gazetteer import Gazetteer

    Gazetteer.open_default()  # built once beforehand: not part of ingest
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        paths, words = write_batch(texts, args.words, folder)
        raw = raw_ner_pass(paths, args.workers)
        ingested, total, n_events = end_to_end(paths, args.workers, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"corpus={args.corpus} files={len(paths)} words={words} workers={args.workers}")
    print(f"raw nlp.pipe NER pass : {raw:7.1f} s  {words / raw:8.0f} words/s")
    print(f"ingest (read..store)  : {ingested:7.1f} s  {words / ingested:8.0f} words/s")
    print(f"ingest + analysis     : {total:7.1f} s  {words / total:8.0f} words/s  ({n_events} events)")
    print(f"ratio end-to-end / raw: {raw / total:6.2f}  (goal >= 0.70)")


if __name__ == "__main__":
    main()
