"""Shared set-up of the refill-card benchmarks: a migrated database with the add-on's tables.

Each benchmark takes ``--database-url`` (default: a fresh SQLite file in a temporary folder;
MariaDB and PostgreSQL URLs as in the README work too, on a database of their own, whose
refill-card tables are emptied first).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete

from core.manager import AddonManager
from hostapp.config import HostConfig
from hostapp.db import Database
from hostapp.host import Host
from hostapp.services.bootstrap import seed_reference_data
from hostapp.services.migrations import Migrator
from splynx_refill_cards.models import Card, Export, Series


def arguments(description: str, **defaults) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default="", help="SQLAlchemy URL (default: temporary SQLite)")
    for name, value in defaults.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    return parser.parse_args()


def prepare(url: str) -> tuple[Host, Path]:
    """A host on a migrated database (host + refill cards) with reference data and no refill cards."""
    folder = Path(tempfile.mkdtemp(prefix="refill-bench-"))
    url = url or f"sqlite:///{folder / 'bench.db'}"
    db = Database(url)
    migrator = Migrator(db.engine, folder)
    migrator.stash("refill_cards")  # the add-on's revisions first: a reused database may already carry them
    migrator.upgrade_all()
    with db.transaction() as session:
        seed_reference_data(session)
        for model in (Export, Card, Series):
            session.execute(delete(model))
    return Host.build(HostConfig(instance_path=folder, database_url=url), addons=AddonManager(), db=db), folder


@contextmanager
def timed(results: dict, name: str):
    start = time.perf_counter()
    yield
    results[name] = time.perf_counter() - start


def report(title: str, figure: tuple[str, float], baseline: tuple[str, float]) -> None:
    print(title)
    print(f"  {figure[0]:<52}{figure[1]:8.2f} s")
    print(f"  {baseline[0]:<52}{baseline[1]:8.2f} s")
    print(f"  ratio {figure[1] / baseline[1]:.2f}x")
