"""The install test's steps build on each other: after a failed step the rest are skipped."""

import pytest

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
