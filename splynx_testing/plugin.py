"""The ``pytest11`` entry point: every fixture of the kit, loaded by pytest in any project.

An add-on's tests need no ``conftest.py`` line for them; see :mod:`splynx_testing` for the list.
"""

pytest_plugins = ["splynx_testing.fixtures"]


def pytest_configure(config):
    """Load the browser fixtures after every entry-point plugin, so they override pytest-playwright's own."""
    config.pluginmanager.import_plugin("splynx_testing.browser")


def pytest_addoption(parser):
    """``--database-tests-only``: what a second database adds to a run on SQLite."""
    parser.getgroup("splynx").addoption(
        "--database-tests-only", action="store_true",
        help="run only the tests that use the suite's database (the database_url fixture, directly or "
             "through another fixture); the others do the same on every database")


def pytest_collection_modifyitems(config, items):
    """With ``--database-tests-only``, deselect the tests that never reach the suite's database."""
    if not config.getoption("database_tests_only"):
        return
    dropped = [item for item in items if "database_url" not in getattr(item, "fixturenames", ())]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
