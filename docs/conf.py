"""Sphinx configuration of the add-on author's guide (``sphinx-build -W docs build/docs``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.version import API_VERSION, HOST_VERSION  # noqa: E402

project = "splynx-host add-on API"
version = API_VERSION
release = f"API {API_VERSION} (splynx-host {HOST_VERSION})"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.viewcode"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
# the host records in core.models are provided at run time by the host (module __getattr__)
autodoc_mock_imports: list[str] = []
nitpicky = False
html_theme = "alabaster"
html_title = f"splynx-host add-on API {API_VERSION}"
exclude_patterns = ["_build"]
autodoc_inherit_docstrings = False
