"""URL rules whose URL builders are compiled when a URL is first built from them, not at start-up.

Werkzeug compiles two Python functions for every rule as it is added to the URL map (one that
appends unknown arguments as a query string, one that does not): for the host's and add-ons'
rules that is some 250 ``compile()`` calls at start-up, while a process builds URLs from a
few of its rules only. :class:`LazyBuilderRule` hands Werkzeug a stand-in for each builder
that compiles the real one (with Werkzeug's own code) on its first call and puts it in its
place. Matching requests does not use the builders and is unchanged.

The stand-in replaces ``Rule._compile_builder``, whose result ``Rule.compile`` binds to the
rule as ``_build`` and ``_build_unknown``, which ``Rule.build`` calls: private names of
Werkzeug 3.1 (as pip installs it and as Debian trixie ships it);
``tests/web/test_url_rules.py`` builds a URL from every rule and matches it back.
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A rule that compiles each of its URL builders the first time it is called."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_builder = super()._compile_builder
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: Rule, **values) -> tuple[str, str]:
            """Compile the builder, keep it on the rule in place of this stand-in, and build with it."""
            builder = compile_builder(append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)
            return builder(**values)

        return build_first
