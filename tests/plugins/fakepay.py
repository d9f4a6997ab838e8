"""A test gateway add-on for the host's payment service (a test double of the hook contract).

It keeps its own ledger of charges keyed by attempt key, like a real gateway keyed by
transaction id, so tests can check "charged exactly once". Real gateways and their
simulators are tested in each gateway add-on's own suite.
"""

import threading
from decimal import Decimal

from core import (
    AddonManifest,
    ChargeItemResult,
    EntryPoint,
    ModuleSpec,
    PaymentResult,
    PaymentStatus,
    hookimpl,
)

MANIFEST = AddonManifest(id="fakepay", title="Fake pay", requires_host=">=1.0")


class FakeGateway:
    """Charges by attempt key; ``script`` lists the outcomes of the next calls."""

    def __init__(self) -> None:
        self.charges: dict[str, Decimal] = {}
        self.calls: list[str] = []
        self.script: list[str] = []
        self.lock = threading.Lock()
        self.hold = threading.Event()
        self.hold.set()

    def reset(self) -> None:
        self.__init__()

    def charge(self, key: str, amount: Decimal) -> PaymentResult:
        self.hold.wait(10)
        with self.lock:
            self.calls.append(key)
            outcome = self.script.pop(0) if self.script else "approve"
            if key in self.charges:  # a lookup of an earlier attempt: answer what happened
                return PaymentResult(PaymentStatus.APPROVED, reference=f"REF-{key}", approval_code="OK1",
                                     message="Pay by Fakepay", method="Credit card")
            if outcome == "decline":
                return PaymentResult.declined("Card declined (005)")
            if outcome == "raise":
                raise ConnectionError("connection reset after send")
            self.charges[key] = amount
            if outcome == "timeout_after_charge":
                return PaymentResult.unknown("gateway timed out")
            return PaymentResult(PaymentStatus.APPROVED, reference=f"REF-{key}", approval_code="OK1",
                                 message="Pay by Fakepay", method="Credit card")


GATEWAY = FakeGateway()


@hookimpl
def splynx_configure_module():
    """A module with no settings."""
    return ModuleSpec(title="Fake pay")


@hookimpl
def splynx_register_entry_points():
    """An admin dashboard widget whose rendering fails (tests the error box)."""
    return [EntryPoint(name="fakepay_broken", place="portal", type="code", root="dashboard", code="x",
                       title="Broken widget", enabled=True)]


@hookimpl
def splynx_render_entry_point(point):
    """Always fails: the host must show an error box and keep rendering."""
    raise RuntimeError("widget exploded")


@hookimpl
def splynx_pay_invoice(request):
    """Charge the document's amount."""
    return GATEWAY.charge(request.attempt_key, request.amount)


@hookimpl
def splynx_refill_balance(request):
    """Charge a top-up."""
    return GATEWAY.charge(request.attempt_key, request.amount)


@hookimpl
def splynx_bulk_charge(batch):
    """Charge every item one after another."""
    for item in batch.items:
        if item.account is None:
            yield ChargeItemResult(item.invoice_id, PaymentResult.declined("Customer payment account is empty!"))
            continue
        yield ChargeItemResult(item.invoice_id, GATEWAY.charge(item.attempt_key, item.amount))
