"""The core never imports Qt: only viewer/ui/ may (napari-style boundary)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "viewer"
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "viewer.ui")


#: The command-line entry point dispatches to the window and the Qt image exporters,
#: importing them lazily inside the commands; it is not part of the core.
ENTRY_POINTS = {"cli.py", "__main__.py"}


def _core_modules() -> list[Path]:
    return [
        p for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "ui" and str(p.relative_to(PACKAGE)) not in ENTRY_POINTS
    ]


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_core_sources_do_not_import_qt():
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imported_names(path) if n.startswith(QT_MODULES))
        for path in _core_modules()
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}, f"core modules import Qt: {offenders}"


def test_the_check_sees_a_qt_import(tmp_path):
    """Guard against a checker that can never fail."""
    sample = tmp_path / "bad.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert any(n.startswith(QT_MODULES) for n in _imported_names(sample))


def test_importing_the_core_loads_no_qt_at_runtime():
    """Catches indirect imports too: load every core module in a fresh interpreter."""
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in _core_modules()
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", f"Qt loaded by the core: {result.stdout}"


def test_import_linter_contract_is_kept():
    """The same rule as pyproject.toml's import-linter contract, checked by import-linter itself."""
    import shutil

    import pytest

    command = shutil.which("lint-imports")
    if command is None:
        pytest.skip("import-linter is not installed (pip install '.[test]')")
    result = subprocess.run([command], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 kept, 0 broken" in result.stdout
