"""The `viewer` command, run as a user runs it: a subprocess, JSON on stdout, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"


def run_viewer(*args: str, stdin: str | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewer", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def sample_report() -> dict:
    result = run_viewer("extract", str(SAMPLES))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_extract_reads_the_five_sample_articles(sample_report):
    articles = {Path(a["path"]).name[:3]: a for a in sample_report["articles"]}
    assert sorted(articles) == ["000", "001", "002", "003", "004"]
    assert all(a["title"] for a in articles.values())
    assert "Coup Attempt" in articles["002"]["title"] or "coup attempt" in articles["002"]["title"].lower()
    assert articles["000"]["outlet"] == "Windsor Star"
    assert articles["003"]["published"] == "2019-02-08"
    assert articles["003"]["published_from"] == "text"
    assert sample_report["errors"] == []


def test_extract_json_follows_the_documented_schema(sample_report):
    assert set(sample_report) == {"articles", "events", "clusters", "conflicts", "errors"}
    article_ids = {a["id"] for a in sample_report["articles"]}
    for event in sample_report["events"]:
        assert event["article"] in article_ids
        assert {"id", "text", "start", "end", "what", "who", "when", "where", "cluster"} <= set(event)
        if event["when"] is not None:
            assert {"text", "value", "earliest", "latest", "precision"} <= set(event["when"])
        if event["where"] is not None:
            assert {"text", "name", "lat", "lon", "radius_km", "country", "kind", "source"} <= set(event["where"])
    for conflict in sample_report["conflicts"]:
        assert conflict["kind"] in ("time", "place")
        assert len(conflict["sides"]) >= 2


def test_event_offsets_point_at_the_evidence_sentence(sample_report):
    texts = {a["id"]: Path(a["path"]).read_text(encoding="utf-8") for a in sample_report["articles"]}
    assert sample_report["events"], "no events found in the sample articles"
    for event in sample_report["events"][:50]:
        text = texts[event["article"]]
        assert text[event["start"]:event["end"]].split() == event["text"].split()


def test_extract_reports_bad_files_and_still_reads_the_good_ones(tmp_path):
    (tmp_path / "good.txt").write_text("Fighting broke out in Mosul on 3 March 2017, officials said.",
                                       encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    result = run_viewer("extract", str(tmp_path), str(tmp_path / "missing.txt"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [Path(a["path"]).name for a in report["articles"]] == ["good.txt"]
    failed = {Path(e["path"]).name: e["message"] for e in report["errors"]}
    assert set(failed) == {"empty.txt", "binary.txt", "missing.txt"}
    assert all(message.strip() for message in failed.values())


def test_nothing_readable_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run_viewer("extract", str(tmp_path / "empty.txt"))
    assert result.returncode == 1
    assert json.loads(result.stdout)["articles"] == []


@pytest.mark.parametrize("args", [
    ("extract",),
    ("extract", "x.txt", "--published", "8 Feb 2019"),
    ("nlp", "times", "--reference", "yesterday"),
    ("nlp", "times", "--reference", "0001-01-01"),  # too near the calendar's start to count back from
    ("export-timeline", "sample_data", "-o", "out.gif"),
    ("export-timeline", "sample_data", "-o", "out.png", "--width", "-5"),
    ("export-timeline", "sample_data", "-o", "out.png", "--range", "2019-02-01", "2018-01-01"),
    ("frobnicate-all-the-things", "--bogus-flag"),
])
def test_usage_errors_exit_2_with_a_message(args):
    result = run_viewer(*args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert result.stderr.strip()


def test_every_command_has_help():
    for args in ((), ("extract",), ("nlp",), ("nlp", "times"), ("nlp", "places"),
                 ("export-timeline",), ("export-map",), ("export-data",), ("gui",)):
        result = run_viewer(*args, "--help")
        assert result.returncode == 0, (args, result.stderr)
        assert "usage:" in result.stdout


def test_nlp_times_reads_stdin_and_prints_one_list():
    result = run_viewer("nlp", "times", "--reference", "2019-02-08",
                        stdin="The clash reportedly occurred on January 10 in a village near Hajin.")
    assert result.returncode == 0, result.stderr
    (item,) = json.loads(result.stdout)
    assert item["value"] == "2019-01-10"
    assert "January 10" in item["text"]
    assert {"start", "end", "text", "type", "value", "earliest", "latest", "precision"} <= set(item)


def test_nlp_times_prints_one_json_line_per_file(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("It happened in September.", encoding="utf-8")
    second.write_text("Nothing dated here.", encoding="utf-8")
    result = run_viewer("nlp", "times", "--reference", "2019-02-08", str(first), str(second))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["a.txt", "b.txt"]
    assert lines[0]["times"][0]["value"] == "2018-09"
    assert lines[1]["times"] == []


def test_nlp_places_resolves_offline():
    result = run_viewer("nlp", "places", stdin="The fighters fled Hajin in eastern Syria for Mosul, Iraq.")
    assert result.returncode == 0, result.stderr
    places = {p["text"]: p for p in json.loads(result.stdout)}
    hajin = next(p for text, p in places.items() if "Hajin" in text)
    assert hajin["lat"] == pytest.approx(34.695, abs=0.1) and hajin["lon"] == pytest.approx(40.83, abs=0.1)
    assert hajin["source"].startswith("geonames:")


def test_a_workspace_can_be_given_and_reopened(tmp_path):
    workspace = tmp_path / "story.crosscheck"
    first = run_viewer("extract", str(SAMPLES / "003_29de31a5087264fe.txt"), "--workspace", str(workspace))
    assert first.returncode == 0, first.stderr
    again = run_viewer("extract", str(workspace))
    assert again.returncode == 0, again.stderr
    assert [a["published"] for a in json.loads(again.stdout)["articles"]] == ["2019-02-08"]


def test_a_newer_workspace_gives_a_clear_message(future_workspace):
    path = future_workspace
    result = run_viewer("extract", str(path))
    assert result.returncode == 1
    assert "newer version" in result.stderr and "Traceback" not in result.stderr


def test_reading_a_workspace_never_changes_it(tmp_path):
    workspace = tmp_path / "story.crosscheck"
    first = run_viewer("extract", str(SAMPLES / "000_eacc128b9b235077.txt"), "--workspace", str(workspace))
    assert first.returncode == 0, first.stderr
    before = workspace.read_bytes()
    again = run_viewer("extract", str(workspace), "--published", "2019-02-08")
    assert again.returncode == 0, again.stderr
    (article,) = json.loads(again.stdout)["articles"]
    assert article["published"] == "2019-02-08" and article["published_from"] == "user"
    assert workspace.read_bytes() == before
