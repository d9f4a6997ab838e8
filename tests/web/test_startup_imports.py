"""Building the app registers every page but leaves the services only requests use unimported; importing it
freezes what its modules built for the garbage collector."""

import os
import subprocess
import sys

import pytest

#: imported by the first request (or job) that charges, pays or refunds, sends or renders mail, issues a
#: document, edits a customer, opens the add-on catalog or reconciles payment attempts
UNLOADED_AT_START = ("hostapp.services.charging", "hostapp.services.payments", "hostapp.services.ledger",
                     "hostapp.services.refunds", "hostapp.services.mail.service", "hostapp.services.mail.smtp",
                     "hostapp.services.mail.render", "hostapp.services.mail.settings", "smtplib",
                     "hostapp.services.issuing", "hostapp.services.customers", "hostapp.services.addon_catalog",
                     "hostapp.services.package_jobs", "core.packages", "hostapp.services.reconciler")


def test_building_the_app_does_not_import_the_services_of_requests(tmp_path):
    code = ("import sys; from hostapp.app import create_app; app = create_app(); "
            f"print(sorted(m for m in {UNLOADED_AT_START!r} if m in sys.modules)); "
            "print(sorted(r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith('admin.charge')))")
    env = {**os.environ, "SPLYNX_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    unloaded, charge_pages = result.stdout.splitlines()
    assert unloaded == "[]"
    assert "admin.charge_dialog" in charge_pages and "admin.charge_auto_filters" in charge_pages


def test_a_service_that_cannot_be_imported_fails_its_page_with_the_import_error(admin_client, monkeypatch):
    monkeypatch.setitem(sys.modules, "hostapp.services.charging", None)
    with pytest.raises(ImportError, match="hostapp.services.charging"):
        admin_client.get("/admin/finance/charge")
    monkeypatch.undo()
    assert admin_client.get("/admin/finance/charge").status_code == 200


@pytest.mark.parametrize("collecting", [True, False])
def test_importing_the_app_freezes_its_modules_and_leaves_the_collector_as_it_was(collecting):
    code = (f"import gc; {'gc.enable()' if collecting else 'gc.disable()'}; import hostapp.app; "
            "print(gc.isenabled(), gc.get_freeze_count() > 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [str(collecting), "True"]
