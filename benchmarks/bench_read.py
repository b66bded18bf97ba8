"""Read-stage speed: files per second per format, and the largest allowed files.

    python benchmarks/bench_read.py [--copies 40]

Targets (not enforced, printed for comparison): reading must stay far below
the spaCy extraction cost (~3,600 words/s), i.e. > 100,000 words/s for text,
and a file at the 20 MB limit must read in well under 2 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from viewer.read import MAX_BYTES, read_paths  # noqa: E402


def build_corpus(folder: Path, copies: int) -> dict[str, list[Path]]:
    """The sample articles as .txt, .md, .html and .docx, ``copies`` times each (made unique)."""
    import docx

    samples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "sample_data").glob("*.txt"))]
    corpus: dict[str, list[Path]] = {"txt": [], "md": [], "html": [], "docx": []}
    for n in range(copies):
        for i, text in enumerate(samples):
            text = f"{text}\n\nCopy {n}."
            stem = folder / f"{n:03d}_{i}"
            corpus["txt"].append(_write(stem.with_suffix(".txt"), text))
            corpus["md"].append(_write(stem.with_suffix(".md"), "# " + text))
            paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
            html = f"<html><head><title>{text.splitlines()[0]}</title></head><body><article>{paragraphs}</article></body></html>"
            corpus["html"].append(_write(stem.with_suffix(".html"), html))
            document = docx.Document()
            for paragraph in text.split("\n\n"):
                document.add_paragraph(paragraph)
            document.save(stem.with_suffix(".docx"))
            corpus["docx"].append(stem.with_suffix(".docx"))
    return corpus


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def measure(label: str, paths: list[Path]) -> None:
    started = time.perf_counter()
    results = list(read_paths(paths))
    seconds = time.perf_counter() - started
    words = sum(len(r.text.split()) for r in results if hasattr(r, "text"))
    errors = sum(1 for r in results if not hasattr(r, "text"))
    print(f"{label:<28} {len(paths):>5} files {seconds:7.2f} s  {len(paths) / seconds:8.1f} files/s"
          f"  {words / seconds:10.0f} words/s  errors={errors}")


def import_seconds() -> float:
    """`import viewer.read` in a fresh interpreter: what every CLI start pays."""
    code = "import time; t = time.perf_counter(); import viewer.read; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="copies of each sample article per format")
    args = parser.parse_args()
    print(f"import viewer.read: {import_seconds() * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = build_corpus(folder, args.copies)
        for fmt, paths in corpus.items():
            measure(fmt, paths)
        line = "Abu Bakr al-Baghdadi fled a coup near Hajin – “café” naïve, officials said.\n"
        repeat = (MAX_BYTES - 1024) // len(line.encode("utf-8"))
        measure("20 MB UTF-8 .txt", [_write(folder / "big_utf8.txt", line * repeat)])
        repeat = (MAX_BYTES - 1024) // len(line.encode("cp1252"))
        measure("20 MB cp1252 .txt", [_write(folder / "big_cp1252.txt", line * repeat, "cp1252")])
        measure("20 MB UTF-16 .txt", [_write(folder / "big_utf16.txt", line * (repeat // 2), "utf-16")])


if __name__ == "__main__":
    main()
