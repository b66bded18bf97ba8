"""Where the app keeps its files: user data (gazetteer index), caches, default workspace.

``CROSSCHECK_DATA_DIR`` / ``CROSSCHECK_CACHE_DIR`` override the platform
defaults (tests and the packaged app use them).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "crosscheck"
RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def data_dir() -> Path:
    """Per-user data: the gazetteer index and the default workspace."""
    path = Path(os.environ.get("CROSSCHECK_DATA_DIR") or platformdirs.user_data_dir(APP_DIR_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Per-user caches: online geocoding answers, online map tiles."""
    path = Path(os.environ.get("CROSSCHECK_CACHE_DIR") or platformdirs.user_cache_dir(APP_DIR_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """Bundled assets (map scripts, borders, icons); works from a checkout and a bundle."""
    bundled = Path(__file__).resolve().parent / "resources"
    return bundled if bundled.is_dir() else RESOURCES
