"""The SQLite workspace: round trips, one transaction per article, schema versions, kills."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from viewer.model import (Article, Conflict, ConflictSide, Correction, Event, EventCluster, Place,
                          ReadError, TimeSpan)
from viewer.store import SCHEMA_VERSION, Workspace, WorkspaceError

ROOT = Path(__file__).resolve().parent.parent


def make_article(n: int, published: dt.date | None = None) -> Article:
    text = f"Article number {n}. Fighting was reported in Hajin on 10 January."
    return Article(id=f"a{n:015d}", path=f"/tmp/{n}.txt", text=text, title=f"Title {n}",
                   outlet="Outlet", published=published, published_from="text" if published else None,
                   content_hash=f"{n:064d}")


def make_event(article: Article, n: int = 0) -> Event:
    when = TimeSpan("10 January", 46, 56, "DATE", "2019-01-10", dt.date(2019, 1, 10),
                    dt.date(2019, 1, 10), "day")
    where = Place("Hajin", 34, 39, "Hajin", 34.695, 40.831, None, "city", "SY",
                  "geonames:170063", "point")
    return Event(id=f"{article.id}:0:{n}", article_id=article.id, sentence=article.text[19:],
                 start=19, end=len(article.text), what="fighting in Hajin", trigger="fight",
                 who=["SDF"], when=when, where=where)


def test_articles_and_events_round_trip(tmp_path):
    path = tmp_path / "w.crosscheck"
    article = make_article(1, dt.date(2019, 2, 8))
    event = make_event(article)
    with Workspace(path) as ws:
        assert ws.add_article(article, [event]) is True
    with Workspace(path) as ws:
        (loaded,) = ws.articles()
        assert (loaded.id, loaded.text, loaded.published) == (article.id, article.text, article.published)
        (loaded_event,) = ws.events()
        assert loaded_event.when == event.when
        assert loaded_event.where == event.where
        assert loaded_event.who == ["SDF"]


def test_the_same_content_is_not_stored_twice(tmp_path):
    with Workspace(tmp_path / "w.crosscheck") as ws:
        article = make_article(1)
        assert ws.add_article(article, [make_event(article)])
        duplicate = make_article(1)
        duplicate.path = "/elsewhere/copy.txt"
        assert ws.add_article(duplicate, []) is False
        assert ws.article_count() == 1
        assert len(ws.events()) == 1


def test_a_failing_ingest_leaves_nothing_half_written(tmp_path):
    with Workspace(tmp_path / "w.crosscheck") as ws:
        article = make_article(1)
        broken = make_event(article)
        clash = make_event(article)  # same id: the second insert violates the primary key
        with pytest.raises(sqlite3.IntegrityError):
            ws.add_article(article, [broken, clash])
        assert ws.article_count() == 0
        assert ws.events() == []


def test_analysis_is_kept_apart_from_extraction(tmp_path):
    with Workspace(tmp_path / "w.crosscheck") as ws:
        article = make_article(1)
        event = make_event(article)
        ws.add_article(article, [event])
        moved = Event(**{**event.__dict__, "when": None, "cluster_id": "c1", "corrected": True})
        conflict = Conflict("c1:time", "c1", "time", [ConflictSide("September 2018", [event.id], [article.id])],
                            gap_days=102.0, explanation="x")
        ws.save_analysis({article.id: (dt.date(2019, 2, 8), "estimated")}, [moved],
                         [EventCluster("c1", "fighting", [event.id], [article.id])], [conflict])
        (analysed,) = ws.events()
        assert analysed.when is None and analysed.cluster_id == "c1" and analysed.corrected
        (raw,) = ws.events(analysed=False)
        assert raw.when == event.when and raw.cluster_id is None
        assert ws.articles()[0].published_from == "estimated"
        assert ws.articles(analysed=False)[0].published is None
        assert ws.conflicts()[0].sides[0].value == "September 2018"
        assert ws.load_story().clusters[0].label == "fighting"


def test_corrections_pins_errors_and_meta_persist(tmp_path):
    path = tmp_path / "w.crosscheck"
    with Workspace(path) as ws:
        stored = ws.add_correction(Correction("set_published", "a1", {"date": "2019-02-08"}))
        ws.add_correction(Correction("not_conflict", "c1:place", {"kind": "place"}))
        ws.remove_correction(stored.id)
        ws.pin_place("keshma", "al-Keshma", 34.47, 40.93)
        ws.record_error(ReadError("/x/bad.txt", "binary data, not text"))
        ws.set_meta("view", "{}")
    with Workspace(path) as ws:
        assert [c.kind for c in ws.corrections()] == ["not_conflict"]
        assert ws.user_places() == {"keshma": (34.47, 40.93)}
        assert ws.read_errors() == [ReadError("/x/bad.txt", "binary data, not text")]
        assert ws.get_meta("view") == "{}"


def test_a_newer_schema_gives_a_clear_message(future_workspace):
    path = future_workspace
    with pytest.raises(WorkspaceError, match="newer version"):
        Workspace(path)


@pytest.mark.parametrize("content", [b"hello, not a database", b"\x00" * 100])
def test_a_file_that_is_not_a_workspace_is_refused(tmp_path, content):
    path = tmp_path / "notes.crosscheck"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError, match="not a Crosscheck workspace"):
        Workspace(path)
    assert path.read_bytes() == content


def test_another_sqlite_database_is_not_taken_over(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(WorkspaceError, match="not a Crosscheck workspace"):
        Workspace(path)


def test_save_copy_writes_a_complete_workspace(tmp_path):
    with Workspace(tmp_path / "a.crosscheck") as ws:
        article = make_article(3)
        ws.add_article(article, [make_event(article)])
        ws.save_copy(tmp_path / "b.crosscheck")
    with Workspace(tmp_path / "b.crosscheck") as copy:
        assert copy.article_count() == 1 and len(copy.events()) == 1


def test_killing_the_writer_mid_batch_keeps_every_finished_article(tmp_path):
    """A process stores articles one transaction each and is SIGKILLed mid-batch."""
    path = tmp_path / "killed.crosscheck"
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_workspace import make_article, make_event
        from viewer.store import Workspace
        ws = Workspace({str(path)!r})
        for n in range(100000):
            article = make_article(n)
            ws.add_article(article, [make_event(article, k) for k in range(20)])
            print(n, flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    finished = -1
    deadline = time.monotonic() + 60
    while finished < 30 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip():
            finished = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert finished >= 30
    with Workspace(path) as ws:
        count = ws.article_count()
        assert count >= finished + 1  # every article reported as stored is there
        events = ws.events()
        assert len(events) == 20 * count  # and none is half-written


def test_the_stored_analysis_is_current_until_something_changes(tmp_path):
    with Workspace(tmp_path / "w.crosscheck") as ws:
        article = make_article(1)
        ws.add_article(article, [make_event(article)])
        assert not ws.analysis_is_current()
        ws.save_analysis({}, ws.events(analysed=False), [], [])
        assert ws.analysis_is_current()
        stored = ws.add_correction(Correction("set_published", article.id, {"date": "2019-02-08"}))
        assert not ws.analysis_is_current()
        ws.save_analysis({}, ws.events(analysed=False), [], [])
        ws.remove_correction(stored.id)
        assert not ws.analysis_is_current()
        ws.save_analysis({}, ws.events(analysed=False), [], [])
        ws.pin_place("keshma", "al-Keshma", 34.4, 40.9)
        assert not ws.analysis_is_current()


def test_several_corrections_are_stored_all_or_none(tmp_path):
    with Workspace(tmp_path / "w.crosscheck") as ws:
        stored = ws.add_corrections([Correction("merge", "", {"event_ids": ["a", "b"]}),
                                     Correction("split", "", {"event_ids": ["c"]})])
        assert [c.kind for c in ws.corrections()] == ["merge", "split"]
        with pytest.raises(TypeError):
            ws.add_corrections([Correction("merge", "", {"event_ids": ["x"]}),
                                Correction("split", "", {"unserialisable": object()})])
        assert len(ws.corrections()) == 2  # the first of the failed pair was rolled back
        ws.remove_corrections([c.id for c in stored])
        assert ws.corrections() == []


def test_workspace_files_are_recognised_by_their_content(tmp_path):
    from viewer.store import is_workspace_file

    Workspace(tmp_path / "a.crosscheck").close()
    (tmp_path / "notes.crosscheck").write_text("hello", encoding="utf-8")
    assert is_workspace_file(tmp_path / "a.crosscheck")
    assert not is_workspace_file(tmp_path / "notes.crosscheck")
    assert not is_workspace_file(tmp_path / "missing.crosscheck")
    assert not is_workspace_file(tmp_path)  # a folder, not an error


def test_closing_does_not_wait_for_another_writer_and_loses_nothing(tmp_path):
    """Closing (when the window closes) must not sit out sqlite's busy timeout behind another
    connection's write lock; the skipped checkpoint is replayed by the next connection."""
    path = tmp_path / "w.crosscheck"
    workspace = Workspace(path, busy_timeout_ms=5000)
    workspace.set_meta("kept", "yes")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    try:
        workspace.close()
    finally:
        elapsed = time.monotonic() - started
        other.rollback()
        other.close()
    assert elapsed < 2.0  # not the 5 s busy timeout
    with Workspace(path) as reopened:
        assert reopened.get_meta("kept") == "yes"
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
