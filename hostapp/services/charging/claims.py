"""Turning batch items into payment attempts (the write-ahead step) and finding items in flight.

:func:`claim_items` runs :meth:`PaymentService.open_attempt` for each queued item, each in
its own savepoint of one transaction: the invoice is locked and checked, an attempt with a
fresh key is written and the invoice shows *Pending*, and the item moves from *queued* to
*charging* with a compare-and-set, all or nothing per item. An invoice that is paid by now
is skipped ("already paid"); one with another open attempt (the unique ``open_target``) is
skipped too, never charged twice.

:func:`in_flight` sorts the items of a chunk taken over from a dead worker (or of a resumed
batch) that already have an attempt: those whose attempt is still open (pending, unknown)
are re-asked with the same attempt key, those whose attempt has an outcome only get their
log line.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.payments import ChargeItem

from core.payments import PaymentError, PaymentInProgress

from ...models import ChargeBatchItem, Customer, PaymentAccount, PaymentAttempt
from ..payments import DOCUMENTS, payer_of, saved_account

IN_PROGRESS = "Not charged: another payment of this invoice is pending or its outcome is unknown."


@dataclass(frozen=True)
class BatchInfo:
    """What claiming and charging need to know about the batch."""

    id: int
    handler: str
    target_kind: str
    params: dict
    concurrency: int


@dataclass(frozen=True)
class Claimed:
    """An item with its open attempt, ready to be sent to the handler."""

    item_id: int
    attempt_id: int
    charge: ChargeItem


class _LostItem(Exception):
    """The item was no longer queued (another worker claimed it first)."""


def default_accounts(session: Session, gateway: str, customer_ids: set[int]) -> dict[int, PaymentAccount]:
    """Each customer's saved account with this gateway: the default one, else the oldest."""
    accounts: dict[int, PaymentAccount] = {}
    rows = session.execute(select(PaymentAccount).where(
        PaymentAccount.gateway == gateway, PaymentAccount.customer_id.in_(customer_ids),
    ).order_by(PaymentAccount.is_default.desc(), PaymentAccount.id)).scalars()
    for account in rows:
        accounts.setdefault(account.customer_id, account)
    return accounts


def _customers(session: Session, items: list[ChargeBatchItem]) -> dict[int, Customer]:
    ids = {item.customer_id for item in items}
    return {c.id: c for c in session.execute(select(Customer).where(Customer.id.in_(ids))).scalars()}


def _charge_item(batch: BatchInfo, item: ChargeBatchItem, key: str, amount, account, customer: Customer) -> ChargeItem:
    return ChargeItem(attempt_key=key, invoice_id=item.target_id, invoice_number=item.number,
                      customer_id=item.customer_id, amount=amount, account=saved_account(account),
                      target_kind=batch.target_kind, partner_id=customer.partner_id, payer=payer_of(customer))


def _skip(session: Session, item_id: int, message: str) -> None:
    session.execute(update(ChargeBatchItem).where(ChargeBatchItem.id == item_id, ChargeBatchItem.status == "queued")
                    .values(status="skipped", message=message))


def claim_items(host, batch: BatchInfo, items: list[ChargeBatchItem]) -> list[Claimed]:
    """Write an attempt per payable queued item; skip the others with the reason."""
    claimed: list[Claimed] = []
    with host.db.transaction() as session:
        accounts = default_accounts(session, batch.handler, {item.customer_id for item in items})
        customers = _customers(session, items)
        for item in items:
            account = accounts.get(item.customer_id)
            try:
                with session.begin_nested():
                    attempt = host.payments.open_attempt(
                        session, gateway=batch.handler, customer_id=item.customer_id, target_kind=batch.target_kind,
                        target_id=item.target_id, amount=None, account_id=account.id if account else None,
                        source=account.kind if account else "card", initiated_by=f"charge batch #{batch.id}",
                        batch_id=batch.id)
                    won = session.execute(update(ChargeBatchItem).where(
                        ChargeBatchItem.id == item.id, ChargeBatchItem.status == "queued",
                    ).values(status="charging", attempt_id=attempt.id)).rowcount
                    if won != 1:
                        raise _LostItem
            except _LostItem:
                continue
            except (PaymentInProgress, IntegrityError):
                _skip(session, item.id, IN_PROGRESS)
                continue
            except PaymentError as exc:
                _skip(session, item.id, f"Not charged: {exc}")
                continue
            claimed.append(Claimed(item.id, attempt.id, _charge_item(
                batch, item, attempt.key, attempt.amount, account, customers[item.customer_id])))
    return claimed


def in_flight(session: Session, batch: BatchInfo, items: list[ChargeBatchItem]) -> tuple[list[Claimed], list[tuple]]:
    """Split items with attempts into (open attempts to re-ask, ``(item_id, status)`` already settled)."""
    attempts = {a.id: a for a in session.execute(select(PaymentAttempt).where(
        PaymentAttempt.id.in_([i.attempt_id for i in items]))).scalars()}
    account_ids = {a.account_id for a in attempts.values() if a.account_id}
    accounts = {a.id: a for a in session.execute(select(PaymentAccount).where(
        PaymentAccount.id.in_(account_ids))).scalars()} if account_ids else {}
    customers = _customers(session, items)
    reask, settled = [], []
    for item in items:
        attempt = attempts[item.attempt_id]
        if attempt.status not in ("pending", "unknown"):
            settled.append((item.id, attempt.status))
            continue
        reask.append(Claimed(item.id, attempt.id, _charge_item(
            batch, item, attempt.key, attempt.amount, accounts.get(attempt.account_id), customers[item.customer_id])))
    return reask, settled


def release_items(host, batch: BatchInfo, claimed: list[Claimed]) -> None:
    """Undo :func:`claim_items` for items never sent to the handler: no money moved for them.

    Their attempts are deleted (still *pending*, never sent), the invoices go back to
    *Unpaid* and the items to *queued*, so a resumed batch charges them normally.
    """
    model = DOCUMENTS[batch.target_kind]
    with host.db.transaction() as session:
        session.execute(update(ChargeBatchItem).where(
            ChargeBatchItem.id.in_([c.item_id for c in claimed]), ChargeBatchItem.status == "charging",
        ).values(status="queued", attempt_id=None))
        session.execute(delete(PaymentAttempt).where(
            PaymentAttempt.id.in_([c.attempt_id for c in claimed]), PaymentAttempt.status == "pending"))
        session.execute(update(model).where(
            model.id.in_([c.charge.invoice_id for c in claimed]), model.status == "pending",
        ).values(status="not_paid"))
