"""Render the README screenshot: the window on the sample articles with the coup-attempt conflict selected.

    python docs/make_screenshot.py [OUT.png]

Runs headless (offscreen) with a throw-away workspace and settings.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, QTimer  # noqa: E402

from viewer.ui.app import create_application  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"


def main() -> None:
    app = create_application()
    scratch = Path(tempfile.mkdtemp(prefix="crosscheck-shot-"))
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(scratch))
    from viewer.ui.main_window import MainWindow

    window = MainWindow(str(scratch / "shot.crosscheck"), paths=[str(ROOT / "sample_data")])
    window.show()
    window.resize(1400, 900)

    def when_loaded() -> None:
        if window.is_busy() or not window.story.articles or window.map is None or not window.map.is_ready:
            QTimer.singleShot(300, when_loaded)
            return
        time_conflicts = [c for c in window.story.conflicts if c.kind == "time"]
        conflict = max(time_conflicts, key=lambda c: sum(len(side.article_ids) for side in c.sides))
        window.apply_default_layout()
        window.selection.select([e for side in conflict.sides for e in side.event_ids])
        QTimer.singleShot(2500, take)

    def take() -> None:
        window.grab().save(str(OUT))
        print(OUT)
        app.quit()

    QTimer.singleShot(500, when_loaded)
    QTimer.singleShot(180_000, app.quit)
    app.exec()
    window.close()


if __name__ == "__main__":
    main()
