"""The gateway conformance suite as a test class an add-on subclasses.

In the add-on's tests::

    from splynx_testing.gateway import GatewayConformance

    class TestConformance(GatewayConformance):
        '''Every check of the suite against this add-on's simulator (``gateway_harness``).'''

and a ``gateway_harness`` fixture in its ``conftest.py`` returning a
:class:`~splynx_testing.gateway.GatewayHarness`. pytest collects one test per check.
"""

from __future__ import annotations

import pytest

from .bulk import check_bulk_charge_resumed
from .checks import FAULT_CHECKS, RECONCILER_CHECKS, check_topup_form_charges_once
from .refunds import REFUND_CHECKS, check_sweep_after_the_fault_set
from .secrets import check_no_card_data


def _name(check) -> str:
    return check.__name__.removeprefix("check_")


class GatewayConformance:
    """Every conformance check, each a test, run against the ``gateway_harness`` fixture."""

    @pytest.mark.parametrize("check", FAULT_CHECKS, ids=_name)
    def test_payment(self, gateway_harness, check):
        check(gateway_harness)

    def test_parallel_posts_of_one_topup_form_charge_once(self, gateway_harness):
        check_topup_form_charges_once(gateway_harness)

    @pytest.mark.parametrize("check", RECONCILER_CHECKS, ids=_name)
    def test_reconciler(self, gateway_harness, check):
        check(gateway_harness)

    @pytest.mark.parametrize("check", REFUND_CHECKS, ids=_name)
    def test_refund(self, gateway_harness, check):
        check(gateway_harness)

    def test_bulk_charge_after_a_killed_worker_charges_once(self, gateway_harness):
        check_bulk_charge_resumed(gateway_harness)

    def test_no_card_data_is_stored_or_logged(self, gateway_harness):
        check_no_card_data(gateway_harness)

    def test_sweep_after_the_whole_fault_set(self, gateway_harness):
        check_sweep_after_the_fault_set(gateway_harness)
