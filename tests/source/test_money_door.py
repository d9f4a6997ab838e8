"""No add-on reaches the ledger: money moves only through the host's payment service.

The import-linter contract (pyproject.toml) forbids ``hostapp`` to the add-ons it names,
which keeps ``hostapp.services.ledger`` out of them, but it only sees static imports of the
packages listed there. This test reads every add-on package under ``plugins/`` and fails on

* any import of ``hostapp`` (the ledger included) or of a ledger writer, static or dynamic
  (``importlib.import_module("hostapp...")``, ``__import__``);
* creating a ``Payment`` or ``Transaction`` record: ``core.models`` lets add-ons *read*
  the host's payments, never write them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDON_PACKAGES = sorted(p for p in (ROOT / "plugins").glob("*/splynx_*") if (p / "__init__.py").exists())
LEDGER_WRITERS = frozenset({"record_payment", "record_refund", "PaymentBooking", "LedgerError"})
MONEY_RECORDS = frozenset({"Payment", "Transaction"})


def offences(source: str, name: str = "<module>") -> list[str]:
    """Where a module's code reaches the ledger (line: what), empty when it does not."""
    tree = ast.parse(source, name)
    models_aliases, record_names, found = set(), set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "hostapp":
                    found.append(f"{node.lineno}: import {alias.name}")
                elif alias.name == "core.models":
                    models_aliases.add(alias.asname or "core.models")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                if module.split(".")[0] == "hostapp" or alias.name in LEDGER_WRITERS:
                    found.append(f"{node.lineno}: from {module} import {alias.name}")
                elif module == "core" and alias.name == "models":
                    models_aliases.add(alias.asname or "models")
                elif module == "core.models" and alias.name in MONEY_RECORDS:
                    record_names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("hostapp."):
            found.append(f"{node.lineno}: names {node.value!r}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in record_names:
                found.append(f"{node.lineno}: creates a {func.id}")
            elif isinstance(func, ast.Attribute) and func.attr in MONEY_RECORDS \
                    and ast.unparse(func.value) in models_aliases:
                found.append(f"{node.lineno}: creates a {func.attr}")
    return found


@pytest.mark.parametrize("source", [
    "from hostapp.services.ledger import record_payment",
    "import hostapp.services.ledger as ledger",
    "from hostapp.services import ledger",
    "import importlib\nledger = importlib.import_module('hostapp.services.ledger')",
    "from core import models as records\nsession.add(records.Payment(amount=1))",
    "from core.models import Payment as P\nsession.add(P(amount=1))",
    "import core.models\ncore.models.Transaction(total=1)",
])
def test_the_check_catches_every_way_to_the_ledger(source):
    assert offences(source)


def test_reading_host_records_and_own_names_are_fine():
    assert offences("from core import models as records\nselect(records.Payment)\n"
                    "from .protocol import Payment\nPayment('pay_1')") == []


def test_no_add_on_module_reaches_the_ledger():
    assert len(ADDON_PACKAGES) == 4
    found = [f"{path.relative_to(ROOT)}:{where}" for package in ADDON_PACKAGES for path in sorted(package.rglob("*.py"))
             for where in offences(path.read_text(), str(path))]
    assert found == []
