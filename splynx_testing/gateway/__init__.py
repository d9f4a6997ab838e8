"""The gateway conformance suite: what every payment gateway add-on must survive.

An add-on runs it by giving its simulator and a few facts (test cards, the declining amount,
the simulator's request kinds for a charge, a look-up and a refund) in a
:class:`GatewayHarness`, and subclassing :class:`GatewayConformance`. The checks:

* payments (:mod:`.checks`): decline; time-out after charge → look-up → one charge; double
  click; garbage and 5xx before and after charging; dropped connection before and after
  charging; a failing look-up left unknown, then reconciled (saved and typed cards); an
  unreachable gateway; a late answer; twenty parallel posts of one top-up form;
* the reconciler's own thread: books an unknown charge, closes one never sent;
* refunds (:mod:`.refunds`): ten parallel refunds of one payment; the refund fault matrix;
* a Charge batch whose worker was killed part-way, resumed (:mod:`.bulk`);
* no card number or CVV in any table or log line (:mod:`.secrets`);
* a sweep: all of the above in one database, then the books of host and gateway compared.

Add-ons that save cards also share :func:`check_pay_icon_follows_saved_account` (:mod:`.pages`).
"""

from .bulk import check_bulk_charge_resumed
from .checks import FAULT_CHECKS, RECONCILER_CHECKS, check_topup_form_charges_once
from .harness import GatewayHarness, charge_batch_for, confirm_document, form_intent, save_settings
from .pages import check_pay_icon_follows_saved_account
from .refunds import REFUND_CHECKS, check_sweep_after_the_fault_set
from .secrets import assert_no_secrets, captured_logs, check_no_card_data
from .suite import GatewayConformance

__all__ = [
    "FAULT_CHECKS", "RECONCILER_CHECKS", "REFUND_CHECKS", "GatewayConformance", "GatewayHarness",
    "assert_no_secrets", "captured_logs", "charge_batch_for", "check_bulk_charge_resumed", "check_no_card_data",
    "check_pay_icon_follows_saved_account", "check_sweep_after_the_fault_set", "check_topup_form_charges_once",
    "confirm_document", "form_intent", "save_settings",
]
