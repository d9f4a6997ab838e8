"""The gateway conformance suite (splynx_testing.gateway) against IPpay's simulator, by card and by ACH.

By card, every check of the suite: decline, time-out after charge, garbage and 5xx before and
after charging, double click, dropped connections, a failing ENQ reconciled later (saved and
typed cards), an unreachable gateway, a late answer, parallel top-up posts, the reconciler's
thread, refunds, a resumed Charge batch, no card data kept, and the sweep. By bank account
(ACH CHECK, refunds by REVERSAL), the refund checks.
"""

import pytest

from splynx_testing import gateway as kit


class TestConformance(kit.GatewayConformance):
    """Every check of the suite, paying by card."""


@pytest.mark.parametrize("check", kit.REFUND_CHECKS, ids=lambda check: check.__name__)
def test_bank_account_refunds(ach_harness, check):
    check(ach_harness)
