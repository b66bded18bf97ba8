"""Max GUI-thread gap (10 ms timer) while the real window reads N articles, and where it happened."""
import os, sys, time, tempfile
from pathlib import Path
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, ".")
from viewer.ui.app import create_application
app = create_application()
from PySide6.QtCore import QElapsedTimer, QTimer, QSettings
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
from viewer.ui.main_window import MainWindow
N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
tmp = Path(tempfile.mkdtemp())
src = sorted(Path("sample_data").glob("*.txt"))
for i in range(N):
    (tmp / f"c{i:03d}.txt").write_text(src[i % 5].read_text() + f"\n\nCopy {i}.\n")
w = MainWindow(str(tmp / "w.crosscheck")); w.show(); w.resize(1400, 900)
clock = QElapsedTimer(); clock.start(); last = [0]; gaps = []; phase = ["start"]
def tick():
    now = clock.elapsed(); gaps.append((now - last[0], phase[0])); last[0] = now
t = QTimer(); t.setInterval(10); t.timeout.connect(tick); t.start()
def begin():
    if not w.controller.pipeline_loaded or w.map is None:
        QTimer.singleShot(200, begin); return
    phase[0] = "ingest"; w.add_paths([str(tmp)]); QTimer.singleShot(500, wait)
def wait():
    if w.is_busy(): QTimer.singleShot(100, wait); return
    t.stop()
    ing = [g for g, p in gaps if p == "ingest"]
    print(f"{N} articles, {len(w.story.events)} events: ingest max gap {max(ing)} ms, >100 ms: {sum(g > 100 for g in ing)} of {len(ing)} ticks; start-up max gap {max(g for g, p in gaps if p == 'start')} ms")
    app.quit()
QTimer.singleShot(100, begin)
app.exec(); w.close()
