"""Render the app's SVG icon to a square PNG for desktop environments that want a bitmap.

    python packaging/render_icon.py ICON.svg OUT.png [--size 256]

Uses Qt's own SVG renderer (QSvgRenderer) so no extra dependency is needed;
runs headless (offscreen platform).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def render_svg(svg: Path, out: Path, size: int = 256) -> Path:
    """Paint ``svg`` scaled to ``size`` x ``size`` on a transparent image and save it as PNG."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"not a valid SVG file: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out), "PNG"):
        raise OSError(f"could not write {out}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("svg", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--size", type=int, default=256)
    args = parser.parse_args(argv)
    print(render_svg(args.svg, args.png, args.size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
