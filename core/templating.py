"""Jinja environments whose templates read the environment's globals without a ``ChainMap``.

Jinja 3 gives every template a ``ChainMap`` of its own globals over the environment's, and
each render copies that map into the new context and collects its keys: a Python-level walk
over both maps, which costs a widget's render more than its template does. A template loaded
without globals of its own gets a read-only view of the environment's globals instead
(:class:`DirectGlobals`): the same names and values, still following later changes of
the environment's globals, read at C speed. A template given globals of its own (Jinja's
``get_template(name, globals=...)``) keeps Jinja's ``ChainMap``; the view cannot be written to,
so such globals can never leak into the environment's.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from types import MappingProxyType
from typing import Any

from jinja2.sandbox import SandboxedEnvironment


class DirectGlobals:
    """Mix into a :class:`jinja2.Environment`: templates without globals of their own read its globals."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A read-only view of the environment's globals, or Jinja's ``ChainMap`` over ``d`` if given."""
        if d:
            return super().make_globals(d)
        return MappingProxyType(self.globals)


class DirectSandboxedEnvironment(DirectGlobals, SandboxedEnvironment):
    """:class:`jinja2.sandbox.SandboxedEnvironment` with :class:`DirectGlobals`."""
