"""Build the offline map assets in ``resources/map/`` (run once; the output is committed).

Why: the map must work with no network at all, so every script, style sheet and
the base layer ship with the app.  This script makes them reproducible from the
package registries instead of from hand-copied files.

What it does:

1. ``npm pack leaflet@1.9.4 jquery@3.7.1 supercluster@9.1.0 kdbush@4.1.0`` in a
   temp dir and copies the minified dist files plus each package's licence file
   into ``resources/map/{leaflet,jquery,supercluster}/`` (supercluster's dist
   build bundles kdbush, hence only kdbush's licence).
2. ``pip download --no-deps geopandas==0.14.4`` and reads the public-domain
   Natural Earth 1:110m countries shapefile it ships
   (``geopandas/datasets/naturalearth_lowres/``) with ``pyshp`` (build-time only:
   ``pip install pyshp``) into ``resources/map/borders/ne_110m_countries.geojson``
   with 4-decimal coordinates (about 11 m: finer than a 1:110m line) and only the
   ``name``/``iso_a3`` properties.  Natural Earth already splits the rings that
   cross the 180th meridian (Russia, Fiji), so none of them is drawn as a band
   across the world (the npm ``world-atlas`` topology is); the script checks this.
3. Writes ``resources/map/ASSETS.md`` listing versions, licences and sha256 sums.

Usage (from the repository root; needs the npm and PyPI registries)::

    pip install pyshp
    python packaging/build_map_assets.py            # downloads into a temp dir
    python packaging/build_map_assets.py --cache /tmp/mapbuild   # reuse downloads

The hand-written ``crosscheck_map.js``/``crosscheck_map.css`` beside the output
are not generated and are left alone.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "map"
COORD_DECIMALS = 4
GEOPANDAS_WHEEL = "geopandas==0.14.4"
NE_PREFIX = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"


@dataclass(frozen=True)
class NpmAsset:
    """One npm package and which of its files the map needs (tarball path -> output path)."""

    spec: str
    folder: str
    licence: str
    files: tuple[tuple[str, str], ...]


NPM_ASSETS: tuple[NpmAsset, ...] = (
    NpmAsset(
        "leaflet@1.9.4", "leaflet", "BSD-2-Clause",
        (
            ("package/dist/leaflet.js", "leaflet.js"),
            ("package/dist/leaflet.css", "leaflet.css"),
            ("package/dist/images/layers.png", "images/layers.png"),
            ("package/dist/images/layers-2x.png", "images/layers-2x.png"),
            ("package/dist/images/marker-icon.png", "images/marker-icon.png"),
            ("package/dist/images/marker-icon-2x.png", "images/marker-icon-2x.png"),
            ("package/dist/images/marker-shadow.png", "images/marker-shadow.png"),
            ("package/LICENSE", "LICENSE"),
        ),
    ),
    NpmAsset(
        "jquery@3.7.1", "jquery", "MIT",
        (
            ("package/dist/jquery.min.js", "jquery.min.js"),
            ("package/LICENSE.txt", "LICENSE.txt"),
        ),
    ),
    NpmAsset(
        "supercluster@9.1.0", "supercluster", "ISC",
        (
            ("package/dist/supercluster.min.js", "supercluster.min.js"),  # bundles kdbush
            ("package/LICENSE", "LICENSE"),
        ),
    ),
    NpmAsset(
        "kdbush@4.1.0", "supercluster", "ISC",
        (("package/LICENSE", "LICENSE-kdbush"),),
    ),
)

NATURAL_EARTH_LICENCE = """Natural Earth 1:110m Admin 0 - Countries (as shipped in geopandas 0.14.4,
geopandas/datasets/naturalearth_lowres).

Natural Earth is in the public domain: "All versions of Natural Earth raster +
vector map data found on this website are in the public domain. You may use the
maps in any manner, including modifying the content and design, electronic
dissemination, and offset printing."  (https://www.naturalearthdata.com/about/terms-of-use/)

Converted by packaging/build_map_assets.py: coordinates rounded to 4 decimals,
properties reduced to name and iso_a3.
"""


def run(cmd: list[str], cwd: Path) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def npm_tarball(asset: NpmAsset, cache: Path) -> Path:
    """The package's tarball, packed by ``npm pack`` unless already in the cache."""
    name, version = asset.spec.rsplit("@", 1)
    path = cache / f"{name}-{version}.tgz"
    if not path.exists():
        run(["npm", "pack", asset.spec], cwd=cache)
    return path


def copy_npm_asset(asset: NpmAsset, cache: Path, out: Path) -> None:
    with tarfile.open(npm_tarball(asset, cache)) as tar:
        for member, target in asset.files:
            data = tar.extractfile(member)
            if data is None:
                raise FileNotFoundError(f"{member} not in {asset.spec}")
            dest = out / asset.folder / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data.read())


def geopandas_wheel(cache: Path) -> Path:
    found = sorted(cache.glob("geopandas-0.14.4-*.whl"))
    if not found:
        run([sys.executable, "-m", "pip", "download", "--no-deps", GEOPANDAS_WHEEL, "-d", str(cache)], cwd=cache)
        found = sorted(cache.glob("geopandas-0.14.4-*.whl"))
    return found[0]


def round_ring(ring: list, decimals: int) -> list[list[float]]:
    """Round a ring and drop the consecutive duplicates that rounding creates."""
    out: list[list[float]] = []
    for x, y in ((pt[0], pt[1]) for pt in ring):
        point = [round(max(-180.0, min(180.0, x)), decimals), round(y, decimals)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def check_no_antimeridian_band(name: str, rings: list[list[list[float]]]) -> None:
    """Fail if a ring jumps across the 180th meridian (Leaflet would draw a world-wide band)."""
    for ring in rings:
        for (x0, _), (x1, _) in zip(ring, ring[1:]):
            if abs(x1 - x0) > 180 and name != "Antarctica":  # Antarctica legitimately runs along the edge
                raise ValueError(f"{name}: a ring jumps from {x0} to {x1}")


def countries_geojson(wheel: Path, decimals: int = COORD_DECIMALS) -> dict:
    """Natural Earth countries from the wheel's shapefile as a small GeoJSON FeatureCollection."""
    import shapefile  # pyshp: a build-time dependency only

    with zipfile.ZipFile(wheel) as zf:
        parts = {ext: io.BytesIO(zf.read(f"{NE_PREFIX}.{ext}")) for ext in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(shp=parts["shp"], shx=parts["shx"], dbf=parts["dbf"], encoding="latin-1")
    features = []
    for shape_record in reader.iterShapeRecords():
        geometry = shape_record.shape.__geo_interface__
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rounded = [[round_ring(ring, decimals) for ring in polygon] for polygon in polygons]
        name = shape_record.record["name"]
        for polygon in rounded:
            check_no_antimeridian_band(name, polygon)
        features.append({
            "type": "Feature",
            "properties": {"name": name, "iso_a3": shape_record.record["iso_a3"]},
            "geometry": {"type": "MultiPolygon", "coordinates": rounded},
        })
    return {"type": "FeatureCollection", "features": features}


def write_borders(cache: Path, out: Path) -> None:
    folder = out / "borders"
    folder.mkdir(parents=True, exist_ok=True)
    data = countries_geojson(geopandas_wheel(cache))
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    (folder / "ne_110m_countries.geojson").write_text(text, encoding="utf-8")
    (folder / "LICENSE.txt").write_text(NATURAL_EARTH_LICENCE, encoding="utf-8")


def write_manifest(out: Path) -> None:
    """ASSETS.md: what each generated file is, its licence and its sha256."""
    lines = ["# Offline map assets", "", "Generated by `packaging/build_map_assets.py`; do not edit by hand.", "",
             "| file | source | licence | sha256 |", "|---|---|---|---|"]
    sources = {a.folder: (a.spec, a.licence) for a in NPM_ASSETS}
    sources["borders"] = (f"Natural Earth 1:110m via {GEOPANDAS_WHEEL}", "public domain")
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.parent != out):
        spec, licence = sources[path.relative_to(out).parts[0]]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        lines.append(f"| `{path.relative_to(out).as_posix()}` | {spec} | {licence} | `{digest}` |")
    (out / "ASSETS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(cache: Path, out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for asset in NPM_ASSETS:
        shutil.rmtree(out / asset.folder, ignore_errors=True)
        copy_npm_asset(asset, cache, out)
    write_borders(cache, out)
    write_manifest(out)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out} ({total / 1024:.0f} KiB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cache", type=Path, help="folder for the downloaded tarballs/wheel (kept)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
        build(args.cache.resolve(), args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
