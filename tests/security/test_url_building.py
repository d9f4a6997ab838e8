"""URLs built from every rule (host and shipped add-ons) are Werkzeug's own, with builders compiled on first use.

The app's rules compile their URL builders when first called (:mod:`hostapp.web.url_rules`);
each rule's URL, with and without an unknown argument appended as a query string, must be
what a plain Werkzeug rule builds and must match back to the same endpoint and values.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from flask import url_for
from werkzeug.routing import Map, Rule

from hostapp.web.url_rules import LazyBuilderRule

ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\(([^)]*)\))?:)?([a-z_]+)>")


def _values(rule) -> dict[str, object]:
    """A value every argument of ``rule`` accepts, by its converter (defaults are left to the rule)."""
    values: dict[str, object] = {}
    for converter, arguments, name in ARGUMENT.findall(rule.rule):
        if converter == "int":
            values[name] = 7
        elif converter == "any":
            values[name] = arguments.split(",")[0].strip()
        elif converter == "path":
            values[name] = "a b/c.txt"
        else:
            values[name] = "x y"
    return values


def test_every_rule_builds_what_werkzeug_builds_and_matches_back(full_app):
    rules = list(full_app.url_map.iter_rules())
    assert all(isinstance(rule, LazyBuilderRule) for rule in rules)
    assert len(rules) > 100  # host and add-on routes were all walked
    plain = Map([Rule(rule.rule, **rule.get_empty_kwargs()) for rule in rules],
                converters=full_app.url_map.converters)
    built, expected = full_app.url_map.bind("localhost"), plain.bind("localhost")
    for rule in rules:
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        values = _values(rule)
        for extra, append_unknown in (({}, False), ({"next": "/a?b"}, True)):
            url = built.build(rule.endpoint, {**values, **extra}, method=method, append_unknown=append_unknown)
            assert url == expected.build(rule.endpoint, {**values, **extra}, method=method,
                                         append_unknown=append_unknown), rule.rule
        path = built.build(rule.endpoint, values, method=method)
        endpoint, arguments = built.match(unquote(path), method=method)
        assert endpoint == rule.endpoint and {**(rule.defaults or {}), **values} == arguments, rule.rule


def test_url_for_builds_again_from_a_compiled_builder(full_app):
    with full_app.test_request_context():
        first = url_for("admin.customer", customer_id=3, tab="notes")
        assert url_for("admin.customer", customer_id=3, tab="notes") == first == "/admin/customers/3?tab=notes"
        assert url_for("portal.dashboard") == "/portal/"
