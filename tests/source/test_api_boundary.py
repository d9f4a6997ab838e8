"""The add-on API boundary holds: import contracts, hooks that take the host, no hook on a Flask global."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import core.hookspecs

ROOT = Path(__file__).resolve().parents[2]
ADDON_PACKAGES = sorted(p for p in (ROOT / "plugins").glob("*/splynx_*") if (p / "__init__.py").exists())


def test_import_contracts_are_kept():
    """``lint-imports`` (import-linter, contracts in pyproject.toml) passes on the whole tree."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_every_hookspec_takes_the_host_first():
    for name, spec in inspect.getmembers(core.hookspecs, inspect.isfunction):
        if name.startswith("splynx_"):
            assert list(inspect.signature(spec).parameters)[:1] == ["host"], name


def _hook_functions(package: Path):
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("splynx_"):
                yield path, node


def test_no_hook_implementation_reaches_for_a_flask_global():
    """Hooks get the host as an argument; ``current_host()`` is for views only."""
    assert len(ADDON_PACKAGES) == 4
    offenders = []
    for package in ADDON_PACKAGES:
        for path, node in _hook_functions(package):
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if names & {"current_host", "current_app", "has_app_context"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []
