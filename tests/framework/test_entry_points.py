"""The entry-point schema: Splynx's fields, cross-field rules, filters and sandboxed code."""

import pytest
from jinja2.exceptions import SecurityError

from core.entry_points import EntryPoint, EntryPointError, Model, Place, PointType, Size, render_code


def test_fields_are_coerced_to_their_enums():
    point = EntryPoint(name="ippay_invoice", place="portal", type="action_link", model="Invoices", size="large",
                       url="/ippay/pay-invoice", title="Pay by IPpay", icon="fa-credit-card")
    assert (point.place, point.type, point.model, point.size) == (Place.PORTAL, PointType.ACTION_LINK,
                                                                  Model.INVOICES, Size.LARGE)
    assert point.size.width_px == 900
    assert [s.width_px for s in Size] == [300, 450, 600, 900, 1200]


@pytest.mark.parametrize("kwargs, message", [
    ({"type": "action_link", "url": "/x"}, "needs a model"),
    ({"type": "menu_link", "root": "nowhere", "url": "/x"}, "root 'nowhere' is not a portal page"),
    ({"type": "code", "root": "dashboard"}, "needs code"),
    ({"type": "menu_link", "root": "finance"}, "needs an add-on URL"),
    ({"type": "popup", "root": "finance", "url": "/x"}, "type 'popup' is not one of"),
    ({"type": "action_link", "model": "Tickets", "url": "/x"}, "model 'Tickets'"),
])
def test_rules_of_the_schema(kwargs, message):
    with pytest.raises(EntryPointError, match=message):
        EntryPoint(name="p", place="portal", **kwargs)


def test_filters_admit_only_matching_customers():
    point = EntryPoint(name="p", place="portal", type="code", root="dashboard", code="x",
                       partners=(1,), locations=(2, 3), payment_types=(4,))
    assert point.applies_to(partner_id=1, location_id=3, payment_method_id=4)
    assert not point.applies_to(partner_id=2, location_id=3, payment_method_id=4)
    assert not point.applies_to(partner_id=1, location_id=9, payment_method_id=4)
    assert not point.applies_to(partner_id=1, location_id=2, payment_method_id=None)
    open_point = EntryPoint(name="q", place="portal", type="code", root="dashboard", code="x")
    assert open_point.applies_to(partner_id=None, location_id=None, payment_method_id=None)


def test_code_renders_escaped_in_a_sandbox():
    point = EntryPoint(name="w", place="portal", type="code", root="dashboard", code="<b>{{ name }}</b>")
    assert render_code(point, name="<script>") == "<b>&lt;script&gt;</b>"
    evil = point.with_changes(code="{{ obj.__class__.__mro__ }}")
    with pytest.raises(SecurityError):
        render_code(evil, obj=object())
