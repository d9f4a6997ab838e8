"""What the tests need from the machine, checked in one place.

A test that needs a program (``pdftotext``, ``zbarimg``, Chromium), a running service (Redis,
RabbitMQ), a Python distribution or root asks for it through :func:`require_tool`,
:func:`require_service`, :func:`require_module` or :func:`missing`. Outside CI a missing one
skips the test, and the reason says how to get it (``apt-get install poppler-utils``). With
``CI=true`` (``.ci/run`` and CI services set it) it is an error instead, so a CI run cannot pass
by skipping what it was meant to test.

Plain functions, importable without pytest's conftest machinery (the Debian install test runs
with its own ``--confcutdir``); each hides its frame from tracebacks, so a skip or failure is
reported at the line of the test that asked.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Callable
from types import ModuleType
from typing import NoReturn

import pytest

#: how to get the Python distributions the test environment installs (requirements/test.txt, plugins/*)
MAKE_VENV = "make venv (installs requirements/test.txt and every plugins/*/ add-on into .venv)"


def in_ci() -> bool:
    """Whether ``CI`` is set to a true value."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(what: str, remedy: str) -> NoReturn:
    """The test needs ``what``, which this machine lacks: skip it, or fail it under CI.

    ``remedy`` is the command that provides it (``apt-get install zbar-tools``). Works in a
    test, a fixture and at module level (an error or skip of the whole module).
    """
    __tracebackhide__ = True
    reason = f"needs {what}: {remedy}"
    if in_ci():
        pytest.fail(f"{reason} (CI=true: what a test needs is an error when missing, not a skip)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_tool(command: str, package: str) -> str:
    """The path of ``command`` (a name on PATH or an absolute path), from the Debian ``package``."""
    __tracebackhide__ = True
    path = shutil.which(command)
    if path is None:
        missing(f"{command} (Debian package {package})", f"apt-get install {package}")
    return path


def require_service(name: str, url: str, probe: Callable[[], object], remedy: str) -> None:
    """``probe()`` talks to the service ``name`` at ``url``; any exception means it is not there."""
    __tracebackhide__ = True
    try:
        probe()
        return
    except Exception as exc:  # noqa: BLE001 - whatever the client raises, the service is not reachable
        error = f"{type(exc).__name__}: {exc}"
    missing(f"{name} at {url} ({error})", remedy)  # outside the except: no chained traceback in the report


def require_module(name: str, remedy: str = MAKE_VENV) -> ModuleType:
    """Import the Python module ``name``, which a distribution of the test environment provides."""
    __tracebackhide__ = True
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        error = str(exc)
    missing(f"the Python module {name} ({error})", remedy)
