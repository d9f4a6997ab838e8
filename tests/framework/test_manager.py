"""Entry-point loading: good add-ons load, broken ones are recorded with their error, strict mode raises."""

import pytest

from core import AddonManifest, ModuleSpec, hookimpl
from core.manager import AddonLoadError, AddonManager
from tests.framework.distributions import SysPath, make_distribution

GOOD = """
from core import AddonManifest, ModuleSpec, hookimpl
MANIFEST = AddonManifest(id="{id}", title="{title}", requires_api="{bound}")

@hookimpl
def splynx_configure_module():
    '''Module spec.'''
    return ModuleSpec(title="{title}")
"""


def install(tmp_path, dist, ep_name, module, source, version="1.2.3"):
    make_distribution(tmp_path, dist, version, {ep_name: module}, {module: source})


@pytest.fixture
def site(tmp_path):
    with SysPath(tmp_path):
        yield tmp_path


def discover(**kwargs):
    manager = AddonManager(**kwargs)
    manager.discover()
    return manager


def test_good_addon_loads_with_version_and_dist(site):
    install(site, "splynx-good-pay", "good_pay", "splynx_good_pay.addon",
            GOOD.format(id="good_pay", title="Good", bound=">=1.0"))
    manager = discover()
    loaded = manager.loaded["good_pay"]
    assert (loaded.version, loaded.dist_name, loaded.manifest.title) == ("1.2.3", "splynx-good-pay", "Good")
    assert manager.hooks.module_spec("good_pay").title == "Good"


@pytest.mark.parametrize("source, expected", [
    ("import no_such_module_anywhere\n", "ModuleNotFoundError: No module named 'no_such_module_anywhere'"),
    ("X = 1\n", "has no MANIFEST"),
    (GOOD.format(id="bad_pay", title="Old", bound=">=9.0"), "needs add-on API >=9.0; this host provides API"),
    (GOOD.format(id="other", title="T", bound=""), "entry point is named 'bad_pay', expected 'other'"),
    (GOOD.format(id="bad_pay", title="T", bound="") + "\n@hookimpl\ndef splynx_pay_invoyce(request):\n    '''typo'''\n",
     "implements unknown hook(s): splynx_pay_invoyce"),
    (GOOD.format(id="bad_pay", title="T", bound="") + "\n@hookimpl\ndef splynx_pay_invoice(request, wallet):\n    '''extra'''\n",
     "wallet"),
])
def test_broken_addon_is_recorded_and_others_still_load(site, source, expected):
    install(site, "splynx-good-pay", "good_pay", "splynx_good_pay.addon",
            GOOD.format(id="good_pay", title="Good", bound=""))
    install(site, "splynx-bad-pay", "bad_pay", "splynx_bad_pay.addon", source)
    manager = discover()
    assert "good_pay" in manager.loaded
    assert "bad_pay" not in manager.loaded
    assert expected in manager.broken["bad_pay"].error
    assert manager.broken["bad_pay"].dist_name == "splynx-bad-pay"


def test_code_in_a_package_that_disagrees_with_the_id_is_refused(site):
    install(site, "splynx-mixed", "mixed", "elsewhere.addon", GOOD.format(id="mixed", title="M", bound=""))
    manager = discover()
    assert "code lives in package 'elsewhere', expected 'splynx_mixed'" in manager.broken["mixed"].error


def test_distribution_name_must_match_the_id(site):
    install(site, "splynx-wrong-name", "named", "splynx_named.addon", GOOD.format(id="named", title="N", bound=""))
    manager = discover()
    assert "distribution is 'splynx-wrong-name', expected 'splynx-named'" in manager.broken["named"].error


def test_strict_mode_raises_instead(site, monkeypatch):
    install(site, "splynx-bad-pay", "bad_pay", "splynx_bad_pay.addon", "raise RuntimeError('boom')\n")
    monkeypatch.setenv("SPLYNX_STRICT_ADDONS", "1")
    with pytest.raises(AddonLoadError, match="add-on 'bad_pay' could not be loaded: RuntimeError: boom"):
        discover()


def test_invalid_entry_point_name_is_broken(site):
    install(site, "splynx-x", "Bad-Name", "splynx_x.addon", GOOD.format(id="x", title="X", bound=""))
    manager = discover()
    assert "add-on id 'Bad-Name' is invalid" in manager.broken["Bad-Name"].error


def test_implementers_lists_only_addons_with_the_hook(site):
    install(site, "splynx-good-pay", "good_pay", "splynx_good_pay.addon",
            GOOD.format(id="good_pay", title="Good", bound="") +
            "\n@hookimpl\ndef splynx_bulk_charge(batch):\n    '''charge'''\n    return []\n")
    install(site, "splynx-plain", "plain", "splynx_plain.addon", GOOD.format(id="plain", title="P", bound=""))
    implementers = discover().hooks.implementers("splynx_bulk_charge")
    assert "good_pay" in implementers and "plain" not in implementers


class Spec:
    """An add-on object whose module spec carries its title."""

    def __init__(self, addon_id: str) -> None:
        self.MANIFEST = AddonManifest(id=addon_id, title=addon_id.title())

    @hookimpl
    def splynx_configure_module(self):
        return ModuleSpec(title=self.MANIFEST.title)


def test_a_hook_reaches_its_own_addon_alone_after_the_set_changes():
    manager = AddonManager()
    manager.register(Spec("first"))
    assert manager.hooks.module_spec("first").title == "First"
    manager.register(Spec("second"))  # registered later: pluggy would call it first
    assert manager.hooks.module_spec("first").title == "First"
    manager.unregister("second")
    assert manager.hooks.module_spec("first").title == "First"
