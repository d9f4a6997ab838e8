"""A test gateway add-on for the host's payment service (a test double of the hook contract).

It keeps its own ledger of charges keyed by attempt key, like a real gateway keyed by
transaction id, so tests can check "charged exactly once". Two gateways stand behind it:

* in memory (:data:`GATEWAY`, the default): scripted outcomes, a hold switch, a latency, and
  the most charges it ever had in flight;
* over HTTP when ``FAKEPAY_URL`` is set (:mod:`tests.plugins.fakepay_server`): a separate
  process whose ledger survives the process that charges, for tests that kill workers.

``FAKEPAY_EXIT_AFTER=N`` is a kill switch for crash tests: the process dies (``os._exit``)
right after its N-th charge was approved by the gateway, before the host hears of it, the
worst moment for a worker to die. Real gateways and their simulators are tested in each
gateway add-on's own suite.
"""

import http.client
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from decimal import Decimal
from urllib.parse import urlsplit

from core import (
    AddonManifest,
    ChargeItemResult,
    EntryPoint,
    Field,
    ModuleSpec,
    PaymentAccountType,
    PaymentResult,
    PaymentStatus,
    Section,
    SettingsSchema,
    hookimpl,
)

MANIFEST = AddonManifest(id="fakepay", title="Fake pay", requires_api=">=1.0")
EMPTY_ACCOUNT = "Customer payment account is empty!"


def _approved(key: str) -> PaymentResult:
    return PaymentResult(PaymentStatus.APPROVED, reference=f"REF-{key}", approval_code="OK1",
                         message="Pay by Fakepay", method="Credit card")


class FakeGateway:
    """Charges by attempt key; ``script`` lists the outcomes of the next calls."""

    def __init__(self) -> None:
        self.charges: dict[str, Decimal] = {}
        self.calls: list[str] = []
        self.script: list[str] = []
        self.lock = threading.Lock()
        self.hold = threading.Event()
        self.hold.set()
        self.latency = 0.0
        self.in_flight = 0
        self.max_in_flight = 0

    def reset(self) -> None:
        self.__init__()

    def charge(self, key: str, amount: Decimal, token: str = "", descriptor: str = "") -> PaymentResult:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self.hold.wait(10)
            time.sleep(self.latency)
            return self._decide(key, amount, token)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _decide(self, key: str, amount: Decimal, token: str) -> PaymentResult:
        with self.lock:
            self.calls.append(key)
            outcome = self.script.pop(0) if self.script else ("decline" if token == "tok-decline" else "approve")
            if key in self.charges:  # a lookup of an earlier attempt: answer what happened
                return _approved(key)
            if outcome == "decline":
                return PaymentResult.declined("Card declined (005)")
            if outcome == "raise":
                raise ConnectionError("connection reset after send")
            self.charges[key] = amount
            if outcome == "timeout_after_charge":
                return PaymentResult.unknown("gateway timed out")
            return _approved(key)


class RemoteGateway:
    """The same interface over HTTP to :mod:`tests.plugins.fakepay_server` (a keep-alive connection per thread)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self._local = threading.local()

    def _post(self, body: dict) -> tuple[int, dict]:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request("POST", "/charge", json.dumps(body), {"Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except Exception:
            connection.close()
            self._local.connection = None
            raise

    def charge(self, key: str, amount: Decimal, token: str = "", descriptor: str = "", **facts) -> PaymentResult:
        body = {"key": key, "amount": str(amount), "token": token, "descriptor": descriptor, **facts}
        try:
            status, answer = self._post(body)
        except ConnectionRefusedError:
            return PaymentResult.declined("Gateway unreachable; nothing was sent.")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return PaymentResult.unknown(f"no answer after sending ({type(exc).__name__})")
        if status != 200:
            return PaymentResult.unknown(f"gateway answered HTTP {status}")
        if answer["status"] != "approved":
            return PaymentResult.declined(answer["message"])
        _count_and_maybe_die()
        return PaymentResult(PaymentStatus.APPROVED, reference=answer["reference"], approval_code="OK1",
                             message="Pay by Fakepay", method="Credit card")


GATEWAY = FakeGateway()
_REMOTE: dict[str, RemoteGateway] = {}
_APPROVED = [0]
_APPROVED_LOCK = threading.Lock()


def gateway():
    """The HTTP gateway when ``FAKEPAY_URL`` is set, else the in-memory one."""
    url = os.environ.get("FAKEPAY_URL")
    if not url:
        return GATEWAY
    return _REMOTE.setdefault(url, RemoteGateway(url))


def _count_and_maybe_die() -> None:
    limit = int(os.environ.get("FAKEPAY_EXIT_AFTER") or 0)
    if not limit:
        return
    with _APPROVED_LOCK:
        _APPROVED[0] += 1
        if _APPROVED[0] >= limit:
            os._exit(137)


CHARGE_PARAMETERS = SettingsSchema((Section("charge", "Charge", (
    Field("descriptor", "Statement descriptor", default="ISP invoice",
          description="Shown on the customer's card statement."),
)),))


@hookimpl
def splynx_configure_module():
    """A module with no settings and a saved-card type; the bulk-charge handler takes a statement descriptor."""
    return ModuleSpec(title="Fake pay", payment_account_types=(PaymentAccountType("card", "Fake pay card"),),
                      charge_parameters=CHARGE_PARAMETERS)


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
    token = request.account.token if request.account else ""
    return gateway().charge(request.attempt_key, request.amount, token)


@hookimpl
def splynx_refill_balance(request):
    """Charge a top-up."""
    token = request.account.token if request.account else ""
    return gateway().charge(request.attempt_key, request.amount, token)


@hookimpl
def splynx_refund_payment(request):
    """Give money back: a negative charge under the refund's attempt key (in memory only)."""
    result = GATEWAY.charge(request.attempt_key, -request.amount)
    return replace(result, message="Refund by Fakepay") if result.approved else result


@hookimpl
def splynx_bulk_charge(batch):
    """Charge every item with a saved account, ``batch.concurrency`` at a time; yield as answered."""
    target = gateway()
    descriptor = str(batch.params.get("descriptor") or "")
    for item in batch.items:
        if item.account is None:
            yield ChargeItemResult(item.invoice_id, PaymentResult.declined(EMPTY_ACCOUNT),
                                   f"{EMPTY_ACCOUNT} - Customer id : {item.customer_id}")
    payable = [item for item in batch.items if item.account is not None]
    if not payable:
        return

    def charge(item):
        facts = {"invoice_id": item.invoice_id, "customer_id": item.customer_id} if target is not GATEWAY else {}
        return target.charge(item.attempt_key, item.amount, item.account.token, descriptor, **facts)

    with ThreadPoolExecutor(max_workers=max(1, batch.concurrency), thread_name_prefix="fakepay") as pool:
        futures = {pool.submit(charge, item): item for item in payable}
        for future in as_completed(futures):
            item = futures[future]
            result = future.result()
            yield ChargeItemResult(item.invoice_id, result,
                                   f"Invoice {item.invoice_number}: {result.status.value} {result.message}".strip())
