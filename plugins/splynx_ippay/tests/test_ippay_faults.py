"""The unknown-outcome rules against the simulator's faults (real HTTP, real database).

Every check is the shared gateway kit's (tests/gateway_kit.py), run against IPpay's simulator:
decline, time-out after charge, garbage and 5xx before and after charging, double click,
dropped connections, a failing ENQ reconciled later (saved and typed cards), an unreachable
gateway and a late answer.
"""

import pytest

from tests import gateway_kit


@pytest.mark.parametrize("check", gateway_kit.FAULT_CHECKS, ids=lambda check: check.__name__)
def test_gateway_conformance(harness, check):
    check(harness)


def test_parallel_posts_of_one_topup_form_charge_once(harness):
    gateway_kit.check_topup_form_charges_once(harness)


@pytest.mark.parametrize("check", gateway_kit.RECONCILER_CHECKS, ids=lambda check: check.__name__)
def test_reconciler(harness, check):
    check(harness)


@pytest.mark.parametrize("check", gateway_kit.REFUND_CHECKS, ids=lambda check: check.__name__)
def test_card_refunds(harness, check):
    check(harness)


@pytest.mark.parametrize("check", gateway_kit.REFUND_CHECKS, ids=lambda check: check.__name__)
def test_bank_account_refunds(ach_harness, check):
    check(ach_harness)


def test_sweep_after_the_whole_fault_set(harness):
    gateway_kit.check_sweep_after_the_fault_set(harness)
