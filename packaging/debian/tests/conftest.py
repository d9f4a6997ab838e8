"""The install test's steps build on each other: after a failed step the rest are skipped.

The test needs root and the host tools ``ci-deps.sh`` installs (``make test-debian`` runs it
first); without them it is skipped, or fails under ``CI=true`` (:mod:`splynx_testing.machine`).
"""

import os

import pytest

from splynx_testing.machine import missing, require_tool

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
    for command, package in (("mmdebstrap", "mmdebstrap"), ("reprepro", "reprepro"), ("gpg", "gnupg")):
        require_tool(command, package)
