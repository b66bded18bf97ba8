"""The ``viewer`` command: the window, and headless commands that use the same core.

    viewer [PATH ...] [--workspace FILE]        open the window (with these articles loaded)
    viewer extract PATH ... [--published D]     print the story as JSON
    viewer nlp times --reference D [FILE ...]   temporal expressions as JSON
    viewer nlp places [FILE ...]                place mentions as JSON
    viewer export-timeline PATH ... -o OUT      timeline image (.png, .svg, .pdf)
    viewer export-map PATH ... -o OUT.png       map image
    viewer export-data PATH ... -o OUT          data as .csv, .geojson, .kml or TimelineJS .json

Exit codes: 0 when at least one article was read (or the command worked),
1 when nothing could be read or the output could not be written, 2 for usage errors.
Heavy modules are imported inside the commands so ``--help`` and start-up stay fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Sequence

from viewer import APP_NAME, __version__

EXIT_OK, EXIT_NOTHING_READ, EXIT_USAGE = 0, 1, 2
SUBCOMMANDS = ("extract", "nlp", "export-timeline", "export-map", "export-data", "gui")


class UsageError(Exception):
    """A mistake in how the command was called (exit code 2)."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0: {text!r}")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _reference_date(text: str) -> dt.date:
    from viewer.extract.times import usable_reference

    day = _date(text)
    if usable_reference(day) is None:
        raise argparse.ArgumentTypeError(f"a reference date must lie between 0100-01-01 and 9899-12-31: {text!r}")
    return day


class _Parser(argparse.ArgumentParser):
    """argparse that exits with code 2 and a one-line hint on usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="viewer",
        description=f"{APP_NAME}: find dated, placed events in news articles and show where sources disagree.",
        epilog="Run 'viewer COMMAND --help' for a command's options. With no command, the window opens.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    gui = sub.add_parser("gui", help="open the window (the default)")
    gui.add_argument("paths", nargs="*", help="article files or folders to load")
    gui.add_argument("--workspace", help="workspace file to open or create")

    extract = sub.add_parser("extract", help="read articles and print events, clusters and conflicts as JSON")
    extract.add_argument("paths", nargs="+", help="article files or folders, or a workspace")
    extract.add_argument("--published", type=_date, metavar="YYYY-MM-DD",
                         help="publication date for articles that state none")
    extract.add_argument("--workspace", help="store the results in this workspace file")

    nlp = sub.add_parser("nlp", help="run one extraction step and print JSON")
    nlp_sub = nlp.add_subparsers(dest="step", required=True, parser_class=_Parser)
    times = nlp_sub.add_parser("times", help="temporal expressions, normalised to TimeML values")
    times.add_argument("--reference", type=_reference_date, metavar="YYYY-MM-DD",
                       help="the reference (publication) date; without it relative dates stay open")
    times.add_argument("files", nargs="*", help="text files (default: read standard input)")
    places = nlp_sub.add_parser("places", help="place mentions, resolved offline")
    places.add_argument("files", nargs="*", help="text files (default: read standard input)")

    for name, what in (("export-timeline", "a timeline image"), ("export-map", "a map image")):
        cmd = sub.add_parser(name, help=f"write {what} without opening the window")
        cmd.add_argument("paths", nargs="+", help="article files or folders, or a workspace")
        cmd.add_argument("-o", "--output", required=True, help="output file")
        cmd.add_argument("--width", type=_positive_int, default=2400 if name == "export-timeline" else 1600)
        cmd.add_argument("--height", type=_positive_int, default=None)
        if name == "export-timeline":
            cmd.add_argument("--dpi", type=_positive_int, default=150)
            cmd.add_argument("--range", nargs=2, type=_date, metavar=("START", "END"))
            cmd.add_argument("--lanes", choices=("source", "cluster"), default="source")
            cmd.add_argument("--title", default=None)

    data = sub.add_parser("export-data", help="write events as CSV, GeoJSON, KML or TimelineJS JSON")
    data.add_argument("paths", nargs="+", help="article files or folders, or a workspace")
    data.add_argument("-o", "--output", required=True, help="OUT.csv, OUT.geojson, OUT.kml or OUT.json")
    return parser


# ----------------------------------------------------------------- loading input


def load_story(paths: Sequence[str], workspace_path: str | None = None,
               published: dt.date | None = None):
    """Read ``paths`` (or a workspace) and return (story, this run's read errors, read_any).

    A workspace given as input is read from a private copy: extracting or
    exporting never changes the user's file (``--workspace`` is where results go).
    """
    import tempfile

    from viewer.pipeline import IngestReport, ingest, refresh_analysis
    from viewer.store import Workspace, is_workspace_file

    paths = list(paths)
    with tempfile.TemporaryDirectory(prefix="crosscheck-") as scratch:
        opened_existing = len(paths) == 1 and workspace_path is None and is_workspace_file(paths[0])
        if opened_existing:
            with Workspace(paths[0]) as original:
                workspace_path = str(Path(scratch) / "input.crosscheck")
                original.save_copy(workspace_path)
            paths = []
        with Workspace(workspace_path or ":memory:") as workspace:
            report = ingest(paths, workspace) if paths else IngestReport()
            if published is not None:
                _set_default_published(workspace, published)
            story = refresh_analysis(workspace)
            read_any = report.read_any or (opened_existing and bool(story.articles))
    return story, report.errors, read_any


def _set_default_published(workspace, published: dt.date) -> None:
    """Give every article without a stated date (and no date set before) the date the user passed."""
    from viewer.model import Correction

    already_set = {c.target for c in workspace.corrections() if c.kind == "set_published"}
    for article in workspace.articles(analysed=False):
        if article.published is None and article.id not in already_set:
            workspace.add_correction(
                Correction("set_published", article.id, {"date": published.isoformat()})
            )


# --------------------------------------------------------------------- commands


def cmd_extract(args: argparse.Namespace) -> int:
    from viewer.export.json_report import story_json

    story, errors, read_any = load_story(args.paths, args.workspace, args.published)
    json.dump(story_json(story, errors), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return EXIT_OK if read_any else EXIT_NOTHING_READ


def _read_text_inputs(files: Sequence[str]):
    """(name, text) pairs from files, or from standard input when there are none."""
    if not files:
        yield None, sys.stdin.read()
        return
    for name in files:
        try:
            yield name, Path(name).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            yield name, exc


def cmd_nlp(args: argparse.Namespace) -> int:
    from viewer.export.json_report import time_json

    if args.step == "times":
        from viewer.extract.times import tag_times

        def analyse_text(text: str) -> list[dict]:
            return [_with_offsets(s, time_json(s)) for s in tag_times(text, args.reference)]

        key = "times"
    else:
        from viewer.extract.language import load_pipeline
        from viewer.resolve.places import PlaceFinder

        nlp_pipeline, finder = load_pipeline(), PlaceFinder()

        def analyse_text(text: str) -> list[dict]:
            return [_place_item(p) for p in finder.find(nlp_pipeline(text))]

        key = "places"
    status = EXIT_OK
    for name, text in _read_text_inputs(args.files):
        if isinstance(text, Exception):
            print(json.dumps({"file": name, "error": str(text)}), flush=True)
            status = EXIT_NOTHING_READ
        elif name is None:
            print(json.dumps(analyse_text(text), ensure_ascii=False))
        else:
            print(json.dumps({"file": name, key: analyse_text(text)}, ensure_ascii=False), flush=True)
    return status


def _with_offsets(span, data: dict) -> dict:
    return {"start": span.start, "end": span.end, **data}


def _place_item(place) -> dict:
    from viewer.export.json_report import place_json

    return {"start": place.start, "end": place.end, **place_json(place)}


def _check_output(path: str, suffixes: tuple[str, ...]) -> Path:
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise UsageError(
            f"cannot write {out.name!r}: unknown extension {out.suffix or '(none)'!r}; use one of "
            + ", ".join(suffixes)
        )
    if not out.parent.exists():
        raise UsageError(f"cannot write {out}: the folder {out.parent} does not exist")
    return out


def _check_inputs(paths: Sequence[str]) -> None:
    missing = [p for p in paths if not Path(p).exists()]
    if missing and len(missing) == len(paths):
        raise UsageError("no such file or folder: " + ", ".join(missing))


def cmd_export_timeline(args: argparse.Namespace) -> int:
    out = _check_output(args.output, (".png", ".svg", ".pdf"))
    if args.range and args.range[0] >= args.range[1]:
        raise UsageError(f"--range must start before it ends: {args.range[0]} is not before {args.range[1]}")
    _check_inputs(args.paths)
    story, errors, read_any = load_story(args.paths)
    if not read_any:
        return _nothing_read(errors)
    from viewer.ui.export_timeline import export_timeline

    try:
        written = export_timeline(story, out, width=args.width, height=args.height, dpi=args.dpi,
                                  time_range=tuple(args.range) if args.range else None,
                                  lanes=args.lanes, title=args.title)
    except ValueError as exc:  # a size the image cannot have, a range with no room
        raise UsageError(str(exc)) from exc
    print(written)
    return EXIT_OK


def cmd_export_map(args: argparse.Namespace) -> int:
    out = _check_output(args.output, (".png",))
    _check_inputs(args.paths)
    story, errors, read_any = load_story(args.paths)
    if not read_any:
        return _nothing_read(errors)
    from viewer.ui.export_map import export_map

    written = export_map(story, out, width=args.width, height=args.height or 1000)
    print(written)
    return EXIT_OK


def cmd_export_data(args: argparse.Namespace) -> int:
    from viewer.export.data_formats import EXPORTERS, export_data

    out = _check_output(args.output, tuple(EXPORTERS))
    _check_inputs(args.paths)
    story, errors, read_any = load_story(args.paths)
    if not read_any:
        return _nothing_read(errors)
    print(export_data(story, out))
    return EXIT_OK


def _nothing_read(errors) -> int:
    for error in errors:
        print(f"{error.path}: {error.message}", file=sys.stderr)
    print("viewer: no article could be read", file=sys.stderr)
    return EXIT_NOTHING_READ


def cmd_gui(args: argparse.Namespace) -> int:
    from viewer.ui.app import run_app

    return run_app(list(args.paths), workspace=args.workspace)


COMMANDS = {
    "extract": cmd_extract,
    "nlp": cmd_nlp,
    "export-timeline": cmd_export_timeline,
    "export-map": cmd_export_map,
    "export-data": cmd_export_data,
    "gui": cmd_gui,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `viewer PATH...` opens the window: route anything that is not a command to `gui`.
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["gui", *argv]
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"viewer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: a message, not a traceback
        from viewer.store import WorkspaceError

        if isinstance(exc, WorkspaceError):
            print(f"viewer: {exc}", file=sys.stderr)
            return EXIT_NOTHING_READ
        raise


if __name__ == "__main__":
    sys.exit(main())
