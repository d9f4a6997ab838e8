"""The install test's steps build on each other: after a failed step the rest are skipped.

The test needs root, the host tools ``ci-deps.sh`` installs (``make test-debian`` runs it
first, piuparts included) and, for the purge of the host on an external database, PostgreSQL
on 127.0.0.1:5432 (user postgres, trust); without them it is skipped, or fails under
``CI=true`` (:mod:`splynx_testing.machine`).
"""

import os
import subprocess

import pytest

from splynx_testing.machine import missing, require_service, require_tool

_FAILED_KEY = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.session.stash[_FAILED_KEY] = item.name
    return report


def pytest_runtest_setup(item):
    failed = item.session.stash.get(_FAILED_KEY, None)
    if failed:
        pytest.skip(f"an earlier step failed: {failed}")


def failed_step(session) -> str | None:
    return session.stash.get(_FAILED_KEY, None)


@pytest.fixture(scope="session", autouse=True)
def machine():
    """Root (chroot, mounts) and the tools that build the trixie roots and the signed repository."""
    if os.geteuid() != 0:
        missing("root (chroot, mounts)", "run it as root: make test-debian")
    for command, package in (("mmdebstrap", "mmdebstrap"), ("reprepro", "reprepro"), ("gpg", "gnupg"),
                             ("piuparts", "piuparts")):
        require_tool(command, package)


class PostgresDatabase:
    """A database of its own on the loopback PostgreSQL (user postgres, trust), read with psql."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

    @staticmethod
    def psql(sql: str, database: str = "postgres") -> str:
        return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qAtc", sql],
                              check=True, capture_output=True, text=True).stdout

    def tables(self) -> set[str]:
        """The names of the tables in its public schema."""
        return set(self.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", self.name).split())


@pytest.fixture(scope="session")
def postgresql():
    """A fresh PostgreSQL database for the install test (dropped afterwards)."""
    require_tool("psql", "postgresql-client")
    require_service("PostgreSQL", "127.0.0.1:5432", lambda: PostgresDatabase.psql("SELECT 1"),
                    "apt-get install postgresql; pg_ctlcluster --skip-systemctl-redirect 15 main start")
    database = PostgresDatabase(f"splynx_debtest_{os.getpid()}")
    database.psql(f"DROP DATABASE IF EXISTS {database.name}")
    database.psql(f"CREATE DATABASE {database.name}")
    yield database
    database.psql(f"DROP DATABASE IF EXISTS {database.name} WITH (FORCE)")
