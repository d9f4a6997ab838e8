"""The ``pytest11`` entry point: every fixture of the kit, loaded by pytest in any project.

An add-on's tests need no ``conftest.py`` line for them; see :mod:`splynx_testing` for the list.
"""

pytest_plugins = ["splynx_testing.fixtures"]


def pytest_configure(config):
    """Load the browser fixtures after every entry-point plugin, so they override pytest-playwright's own."""
    config.pluginmanager.import_plugin("splynx_testing.browser")
