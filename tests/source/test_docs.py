"""The add-on author's guide builds without warnings and documents every hook and public ``core`` name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.util.inventory import InventoryFile

import core
import core.hookspecs
from core.models import HOST_RECORDS

ROOT = Path(__file__).resolve().parents[2]
#: the modules whose public names make up the add-on API (core.packages is the host's machinery)
API_MODULES = ["core", "core.host", "core.models", "core.payments", "core.settings", "core.entry_points",
               "core.manifest", "core.identity", "core.mail", "core.demo", "core.version", "core.web", "core.web.viewers", "core.web.tables",
               "core.web.formats", "core.inputs", "core.web.inputs", "core.web.permissions", "core.web.throttle"] + [f"core.gateway.{m.name}" for m in pkgutil.iter_modules(
                   importlib.import_module("core.gateway").__path__)]


@pytest.fixture(scope="module")
def documented(tmp_path_factory) -> set[str]:
    """Every object name the built guide documents (from Sphinx's ``objects.inv``)."""
    out = tmp_path_factory.mktemp("docs")
    sphinx = Path(sys.executable).with_name("sphinx-build")
    done = subprocess.run([str(sphinx), "-q", "-W", "-b", "html", str(ROOT / "docs"), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(out / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "", lambda base, uri: uri)
    return {name for entries in inventory.values() for name in entries}


def _public_names(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [name for name, value in vars(module).items() if not name.startswith("_")
            and (inspect.isclass(value) or inspect.isfunction(value))
            and getattr(value, "__module__", "") == module_name]


def test_every_hookspec_is_documented(documented):
    specs = [name for name, _ in inspect.getmembers(core.hookspecs, inspect.isfunction) if name.startswith("splynx_")]
    assert [s for s in specs if f"core.hookspecs.{s}" not in documented] == []


@pytest.mark.parametrize("module_name", API_MODULES)
def test_every_public_core_name_is_documented(documented, module_name):
    missing = [name for name in _public_names(module_name)
               if not any(entry == f"{module_name}.{name}" or entry.endswith(f".{name}") for entry in documented)]
    assert missing == [], f"{module_name}: not in docs/: {missing}"


def test_host_records_are_described():
    text = (ROOT / "docs" / "api.rst").read_text()
    assert [name for name in HOST_RECORDS if f"``{name}``" not in text] == []
    assert core.__all__  # the package's own list is what the first parametrized case checks
