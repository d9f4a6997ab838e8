"""Shared fixtures for every test in the repository (host tests and each add-on's tests)."""

pytest_plugins = ["tests.fixtures", "tests.e2e.fixtures"]
