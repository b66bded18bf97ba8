"""The installed package carries what the app needs: every subpackage and the resources."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_for_installation():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "viewer").rglob("__init__.py")
    }
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "viewer.resources" in listed
    assert config["tool"]["setuptools"]["package-dir"]["viewer.resources"] == "resources"


def test_the_installed_package_finds_its_map_assets(tmp_path):
    """Run from outside the checkout, as a user does after `pip install .`."""
    code = ("import viewer, viewer.paths as p; print(viewer.__file__); "
            "print((p.resources_dir() / 'map' / 'leaflet' / 'leaflet.js').is_file())")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    if result.returncode != 0:
        pytest.skip("the project is not installed (pip install .)")
    location, found = result.stdout.split()
    assert found == "True", f"map assets missing for the package at {location}"
