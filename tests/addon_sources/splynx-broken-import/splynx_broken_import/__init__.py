"""A test add-on whose import fails: it needs a module no one installed."""

import splynx_module_that_is_not_installed  # noqa: F401
