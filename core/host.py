"""What the host gives add-ons: the interfaces every hook's ``host`` argument implements.

Every hook receives the running host as ``host`` (the way Datasette hands plugins
``datasette``), and views reach the same object through :func:`core.web.current_host`.
``core`` only defines these interfaces; ``hostapp`` implements them. An add-on types its
code against them and never imports ``hostapp``::

    @hookimpl
    def splynx_pay_invoice(host: Host, request: PaymentRequest) -> PaymentResult:
        with host.db.transaction() as session:
            settings = host.settings.values(session, "ippay", SETTINGS, request.partner_id)
        ...

Money moves only through :attr:`Host.payments`: a page asks it to pay, top up or refund,
and it calls the add-on's money hook with a written attempt. An add-on never writes
payments, refunds or ledger lines itself.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.orm import Session, scoped_session

from .gateway.accounts import NewAccount
from .gateway.intents import IntentKeys
from .gateway.links import DirectLinks
from .payments import PaymentOutcome, SavedAccount
from .portal import PortalSettings
from .secrets import SecretBox
from .settings import SettingsSchema


class Database(Protocol):
    """The host's database: a request session and short transactions of their own."""

    #: the current request's (or thread's) session: reads and simple form saves
    session: scoped_session

    @property
    def is_sqlite(self) -> bool: ...

    def transaction(self) -> AbstractContextManager[Session]:
        """A fresh session in one transaction, committed on success and rolled back on error."""

    def reading(self) -> AbstractContextManager[Session]:
        """A fresh session for reads only; it never commits."""


class HostConfig(Protocol):
    """The host's configuration an add-on may read."""

    instance_path: Path
    #: ``SPLYNX_PUBLIC_URL``, the base URL of links the host hands out; empty when unset
    #: (pages build links with :func:`core.web.public_url`, which falls back to the request's address)
    public_url: str
    #: currency sign shown next to amounts
    currency: str
    #: rows per page in tables
    page_size: int


class Payments(Protocol):
    """The front door of money: every payment, top-up and refund is an attempt written here first."""

    def pay(self, *, gateway: str, customer_id: int, target_kind: str, target_id: int | None = None,
            amount: Decimal | None = None, account_id: int | None = None, details: dict | None = None,
            source: str = "card", initiated_by: str = "", description: str = "",
            intent: str | None = None) -> PaymentOutcome:
        """Pay an invoice or proforma (``target_kind``) or top up the balance (``"balance"``).

        Writes a pending attempt (one open attempt per document), calls the add-on's
        ``splynx_pay_invoice`` or ``splynx_refill_balance`` and books an approval in one
        transaction. Raises :class:`core.payments.PaymentError` when it cannot start.
        ``intent`` is the verified nonce of the form's intent key (:mod:`core.gateway.intents`):
        every call with it answers the one attempt the first call made.
        """

    def refund(self, *, gateway: str, payment_id: int, amount: Decimal, initiated_by: str,
               intent: str | None = None) -> PaymentOutcome:
        """Give back ``amount`` of a payment through the gateway that took it.

        Locks the payment, checks the refundable amount and writes the refund attempt in one
        transaction (one refund of a payment in flight at a time), calls the add-on's
        ``splynx_refund_payment`` and books an approval as a linked negative payment.
        """

    def attempt_of_intent(self, intent: str, customer_id: int) -> PaymentOutcome | None:
        """The outcome of the customer's attempt made by the form with this intent nonce, if any."""

    def refundable(self, session: Session, payment_id: int) -> Decimal:
        """What is left to refund of a payment: its amount less refunds booked or in flight."""

    def reconcile_key(self, attempt_key: str) -> PaymentOutcome:
        """Ask the add-on again about an open attempt, with the same key, and record the answer."""


class JobContext(Protocol):
    """What a job handler receives: its parameters, the host, and progress and log reporting."""

    job_id: int
    params: dict

    @property
    def host(self) -> "Host": ...

    def log(self, line: str) -> None:
        """Append a line to the job's log (shown live on its page)."""

    def progress(self, percent: float) -> None:
        """Report progress, 0 to 100."""


class Jobs(Protocol):
    """Persisted background jobs with live progress (in-process threads or Celery workers)."""

    def submit(self, handler: str, title: str, params: dict | None = None, *, created_by: str = "system",
               lane: str | None = None, kind: str | None = None) -> int:
        """Queue ``handler`` (``"package.module:function"``, called with a :class:`JobContext`); returns the job id."""


class Settings(Protocol):
    """Typed add-on settings, per partner with the Default partner as fallback; secrets decrypted."""

    def values(self, session: Session, addon_id: str, schema: SettingsSchema,
               partner_id: int | None = None) -> dict[str, Any]:
        """Effective values: the partner's override, else the Default partner's, else the schema default."""

    def choice_name(self, session: Session, relation: str, value: Any, fallback: str) -> str:
        """The name of the row a relation setting (``payment_methods``, ``partners``,
        ``transaction_categories``) holds, or ``fallback`` when unset or gone."""


class SavedAccounts(Protocol):
    """One gateway's saved customer credentials: tokens, brand, last 4 and expiry, never numbers."""

    gateway: str

    def of_customer(self, session: Session, customer_id: int) -> list:
        """The customer's accounts of this gateway, default first (``PaymentAccount`` records)."""

    def own(self, session: Session, customer_id: int, account_id: Any):
        """The account if it is this customer's account of this gateway, else ``None``."""

    def store(self, customer_id: int, new: NewAccount, *, payment_method: str = ""):
        """Save a token (the first becomes the default); the same token again updates it."""

    def make_default(self, customer_id: int, account_id: Any) -> None:
        """Make one account the default the bulk charge uses."""

    def remove(self, customer_id: int, account_id: Any) -> SavedAccount:
        """Forget an account; refused while a payment with it is in flight."""


@runtime_checkable
class Host(Protocol):
    """The running host, handed to every hook as ``host``."""

    config: HostConfig
    db: Database
    #: encrypts and decrypts secret values (Fernet)
    box: SecretBox
    payments: Payments
    settings: Settings
    jobs: Jobs
    #: signs and verifies direct payment links
    direct_links: DirectLinks
    #: issues and verifies the one-time intent keys of forms that move money
    intents: IntentKeys
    #: Config → Main → Portal: which payment methods and dashboard tiles each partner's portal shows
    portal: PortalSettings

    def saved_accounts(self, gateway: str) -> SavedAccounts:
        """The saved-credential store of one gateway add-on."""

    def audit(self, session: Session, actor: str, action: str, target: str = "", details: dict | None = None,
              *, secret_keys: frozenset[str] = frozenset(), partner_id: int | None = None) -> None:
        """Add an audit-log entry in ``session`` (values of ``secret_keys`` are masked).

        ``partner_id`` (API 1.2) is the partner of the customer, card series or document the entry is
        about: administrators limited to partners see only their partners' entries, and entries
        without a partner are shown to administrators of every partner only.
        """

    def next_number(self, session: Session, prefix: str) -> int:
        """The next value of a named counter, race-free across workers (e.g. a card series' serials)."""
