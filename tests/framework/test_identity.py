"""One add-on id derives every name; disagreements are reported clearly."""

import sys

import pytest
from packaging.specifiers import SpecifierSet

from core.identity import AddonIdentity, IdentityError
from core.manifest import _KIT_RANGES, AddonManifest, CompatibilityError
from core.version import API_VERSION


def test_every_name_derives_from_the_id():
    ident = AddonIdentity("refill_cards")
    assert ident.dist_name == ident.deb_name == "splynx-refill-cards"
    assert ident.import_package == "splynx_refill_cards"
    assert ident.entry_point_name == ident.settings_namespace == ident.branch_label == "refill_cards"
    assert ident.module_name == "splynx_refill_cards_addon"
    assert ident.url_prefix == "/refill-cards"
    assert ident.table_prefix == "refill_cards_"


def test_round_trips_from_package_and_module_names():
    assert AddonIdentity.from_dist_name("splynx-refill-cards").id == "refill_cards"
    assert AddonIdentity.from_dist_name("Splynx_IPpay").id == "ippay"
    assert AddonIdentity.from_module_name("splynx_icharge_addon").id == "icharge"


@pytest.mark.parametrize("bad", ["IPpay", "9lives", "two__underscores", "trailing_", "x" * 20, ""])
def test_malformed_ids_are_refused(bad):
    with pytest.raises(IdentityError, match="is invalid"):
        AddonIdentity(bad)


def test_check_names_every_disagreement():
    with pytest.raises(IdentityError) as excinfo:
        AddonIdentity("ippay").check(entry_point_name="ipay", dist_name="splynx-ipay", import_name="ipay.addon",
                                     tables=["ippay_tokens", "tokens"])
    message = str(excinfo.value)
    for part in ("entry point is named 'ipay'", "distribution is 'splynx-ipay'", "package 'ipay'", "table 'tokens'"):
        assert part in message
    AddonIdentity("ippay").check(entry_point_name="ippay", dist_name="splynx_ippay", import_name="splynx_ippay.addon",
                                 tables=["ippay_tokens"])


def test_non_addon_package_names_are_refused():
    with pytest.raises(IdentityError, match="names start with 'splynx-'"):
        AddonIdentity.from_dist_name("nginx")


def test_api_version_range():
    manifest = AddonManifest(id="ippay", title="IPpay", requires_api=">=1.0,<2")
    manifest.check_api("1.4")
    with pytest.raises(CompatibilityError, match=r"needs add-on API >=1.0,<2; this host provides API 2.0"):
        manifest.check_api("2.0")
    with pytest.raises(CompatibilityError, match="invalid API range"):
        AddonManifest(id="x", title="X", requires_api="at least one").check_api("1.0")


def test_ranges_as_the_kit_writes_them_are_checked_without_packaging(monkeypatch):
    major, minor = API_VERSION.split(".")
    assert f">={API_VERSION},<{int(major) + 1}" in _KIT_RANGES and f">={major}.0" in _KIT_RANGES
    assert all(API_VERSION in SpecifierSet(spec) for spec in _KIT_RANGES)
    monkeypatch.setitem(sys.modules, "packaging.specifiers", None)
    for spec in _KIT_RANGES:
        AddonManifest(id="ippay", title="IPpay", requires_api=spec).check_api(API_VERSION)
    with pytest.raises(ImportError):  # any other range is parsed by packaging
        AddonManifest(id="ippay", title="IPpay", requires_api=f">={major}.{int(minor) + 1}").check_api(API_VERSION)
    monkeypatch.undo()
    with pytest.raises(CompatibilityError, match=f"needs add-on API >={major}.{int(minor) + 1}; this host provides"):
        AddonManifest(id="ippay", title="IPpay", requires_api=f">={major}.{int(minor) + 1}").check_api(API_VERSION)
    with pytest.raises(CompatibilityError, match="needs add-on API"):
        AddonManifest(id="ippay", title="IPpay", requires_api=f">={API_VERSION},<{major}").check_api(API_VERSION)
