"""Ingest: read -> extract -> store per article, in-process and on both cores; cancel; opt-in online."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from viewer.pipeline import (ONLINE_GEOCODING_ENV, Extractor, default_workers, ingest, make_place_finder,
                             refresh_analysis)
from viewer.store import Workspace

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.for_workspace(Workspace())


def _batch(tmp_path: Path, copies: int) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(copies):
        for source in sorted(SAMPLES.glob("*.txt")):
            text = source.read_text(encoding="utf-8") + f"\n\nCopy {n}.\n"
            (folder / f"{n:02d}_{source.name}").write_text(text, encoding="utf-8")
    return folder


def test_in_process_ingest_stores_every_article_and_reports_progress(tmp_path, extractor):
    seen = []
    with Workspace(tmp_path / "w.crosscheck") as ws:
        report = ingest([SAMPLES], ws, extractor, progress=seen.append, workers=0)
        assert len(report.added) == 5 and not report.errors
        assert [p.done for p in seen] == [1, 2, 3, 4, 5] and {p.total for p in seen} == {5}
        assert ws.article_count() == 5 and len(ws.events()) > 10


def test_dropping_the_same_files_twice_adds_nothing_and_extracts_nothing(tmp_path, extractor, monkeypatch):
    with Workspace(tmp_path / "w.crosscheck") as ws:
        ingest([SAMPLES], ws, extractor, workers=0)
        extracted = []
        real_extract = extractor.extract
        monkeypatch.setattr(extractor, "extract", lambda article: extracted.append(article) or real_extract(article))
        again = ingest([SAMPLES], ws, extractor, workers=0)
        assert again.added == [] and len(again.duplicates) == 5
        assert ws.article_count() == 5
        assert extracted == []  # recognised by content before the language model ran


def test_worker_processes_give_the_same_result_as_in_process(tmp_path, extractor):
    folder = _batch(tmp_path, copies=2)
    with Workspace(tmp_path / "serial.crosscheck") as serial, \
            Workspace(tmp_path / "parallel.crosscheck") as parallel:
        ingest([folder], serial, extractor, workers=0)
        report = ingest([folder], parallel, workers=2)
        assert len(report.added) == 10 and not report.errors
        assert [a.id for a in parallel.articles()] == [a.id for a in serial.articles()]
        assert [(e.id, e.what, e.when, e.where) for e in parallel.events()] == \
               [(e.id, e.what, e.when, e.where) for e in serial.events()]


def test_bad_files_cost_only_themselves(tmp_path, extractor):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(next(SAMPLES.glob("003_*.txt")), folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 1000)
    with Workspace(tmp_path / "w.crosscheck") as ws:
        report = ingest([folder, tmp_path / "missing.txt"], ws, extractor, workers=0)
        assert len(report.added) == 1
        assert sorted(Path(e.path).name for e in report.errors) == ["binary.txt", "empty.txt", "missing.txt"]
        assert sorted(Path(e.path).name for e in ws.read_errors()) == ["binary.txt", "empty.txt", "missing.txt"]


def test_cancel_keeps_the_articles_that_finished(tmp_path, extractor):
    cancel = threading.Event()

    def stop_after_two(progress):
        if progress.done == 2:
            cancel.set()

    with Workspace(tmp_path / "w.crosscheck") as ws:
        report = ingest([SAMPLES], ws, extractor, progress=stop_after_two, cancel=cancel, workers=0)
        assert report.cancelled
        assert ws.article_count() == 2
        story = refresh_analysis(ws)
        assert len(story.articles) == 2


def test_small_batches_stay_in_process_and_large_ones_use_both_cores(monkeypatch):
    monkeypatch.delenv(ONLINE_GEOCODING_ENV, raising=False)
    assert default_workers(3) == 0
    assert default_workers(50) >= 1
    assert default_workers(10, pipeline_loaded=True) == 0  # a loaded pipeline is worth reusing
    monkeypatch.setenv(ONLINE_GEOCODING_ENV, "1")
    assert default_workers(500) == 0  # one process keeps Nominatim's one request a second


def test_a_correction_made_while_analysing_is_not_lost(tmp_path, extractor, monkeypatch):
    """Another connection corrects a date while the analysis runs: the stale result is not kept."""
    import viewer.analyse
    from viewer.model import Correction

    path = tmp_path / "w.crosscheck"
    with Workspace(path) as ws:
        ingest([SAMPLES], ws, extractor, workers=0)
        event = next(e for e in ws.events(analysed=False) if e.when is not None)
        real_analyse = viewer.analyse.analyse
        calls = []

        def analyse_while_the_user_corrects(*args):
            result = real_analyse(*args)
            if not calls:
                with Workspace(path) as gui:
                    gui.add_correction(Correction("set_when", event.id, {
                        "text": "1 May 2001", "value": "2001-05-01", "earliest": "2001-05-01",
                        "latest": "2001-05-01", "precision": "day"}))
            calls.append(1)
            return result

        monkeypatch.setattr(viewer.analyse, "analyse", analyse_while_the_user_corrects)
        story = refresh_analysis(ws)
        assert len(calls) == 2  # the first result was stale and thrown away
        corrected = next(e for e in story.events if e.id == event.id)
        assert corrected.when.value == "2001-05-01" and corrected.corrected
        assert ws.analysis_is_current()


def test_online_geocoding_is_off_unless_turned_on(monkeypatch):
    monkeypatch.delenv(ONLINE_GEOCODING_ENV, raising=False)
    assert make_place_finder({}).online is None
    monkeypatch.setenv(ONLINE_GEOCODING_ENV, "1")
    assert make_place_finder({}).online is not None  # constructed, and it has not connected anywhere


def test_a_worker_that_cannot_load_its_tools_reports_each_file(tmp_path, monkeypatch):
    """A broken pipeline name must give per-file messages, not a pool that restarts forever."""
    from viewer.extract import language

    monkeypatch.setenv("CROSSCHECK_SPACY_MODEL", "no_such_pipeline")
    monkeypatch.setattr(language, "FALLBACK_PIPELINES", ())
    monkeypatch.setattr(language, "DEFAULT_PIPELINE", "no_such_pipeline_either")
    from viewer import pipeline

    pipeline._worker_extractor, pipeline._worker_failure = None, None
    pipeline._init_worker({}, "no_such_pipeline")
    assert pipeline._worker_extractor is None and "no_such_pipeline" in pipeline._worker_failure
    result, events = pipeline._worker_task(next(SAMPLES.glob("003_*.txt")))
    assert events == [] and "failed to load" in result.message
    pipeline._worker_failure = None


def test_a_cancelled_analysis_stores_nothing_and_the_next_one_finishes(tmp_path, extractor):
    """Stopping at the first, a middle or the last poll raises Cancelled and leaves the stored analysis alone."""
    from viewer.analyse import analyse
    from viewer.cancellation import Cancelled
    from viewer.model import Correction

    with Workspace(tmp_path / "w.crosscheck") as ws:
        ingest([_batch(tmp_path, 3)], ws, extractor, workers=0)
        refresh_analysis(ws)
        stored = {e.id: e.cluster_id for e in ws.load_story().events}
        article = ws.articles()[0]
        ws.add_correction(Correction("set_published", article.id, {"date": "2019-02-08"}))
        polls: list[int] = []
        analyse(ws.articles(analysed=False), ws.events(analysed=False), ws.corrections(),
                should_stop=lambda: bool(polls.append(1)))  # counts the polls, never stops
        assert len(polls) >= 3
        for stop_at in sorted({1, len(polls) // 2, len(polls)}):
            asked = iter(range(1, 10**6))
            with pytest.raises(Cancelled):
                refresh_analysis(ws, should_stop=lambda: next(asked) >= stop_at)
            assert not ws.analysis_is_current()
            assert {e.id: e.cluster_id for e in ws.load_story().events} == stored
        story = refresh_analysis(ws)
        assert ws.analysis_is_current()
        assert next(a for a in story.articles if a.id == article.id).published.isoformat() == "2019-02-08"


def test_every_analysis_stage_can_be_stopped(tmp_path, extractor):
    from viewer.analyse import analyse
    from viewer.cancellation import Cancelled
    from viewer.conflicts.detect import detect_conflicts
    from viewer.match.clusters import cluster_events
    from viewer.resolve.pubdates import estimate_published

    with Workspace(tmp_path / "w.crosscheck") as ws:
        ingest([SAMPLES], ws, extractor, workers=0)
        articles, events = ws.articles(analysed=False), ws.events(analysed=False)
    result = analyse(articles, events, [], should_stop=lambda: False)
    assert any(len(c.article_ids) > 1 for c in result.clusters)  # so every stage below has work to stop
    assert any(a.published is None for a in articles)

    def stop() -> bool:
        return True

    with pytest.raises(Cancelled):
        estimate_published(articles, events, [], stop)
    with pytest.raises(Cancelled):
        cluster_events(result.events, [], stop)
    with pytest.raises(Cancelled):
        detect_conflicts(result.clusters, result.events, [], stop)
    with pytest.raises(Cancelled):
        analyse(articles, events, [], stop)
