"""Turning batch items into payment attempts (the write-ahead step) and finding items in flight.

:func:`claim_items` claims a chunk's queued items set-based, in one transaction of a few
statements whatever the chunk's size: the payable invoices move to *Pending* with one
compare-and-set ``UPDATE`` (the same check :meth:`PaymentService.open_attempt` makes), one
attempt with a fresh key is inserted per invoice taken, and the items move from *queued* to
*charging* with one compare-and-set. An invoice that is paid by now is skipped ("already
paid"); one with another open attempt (its status is *Pending*, and the attempts' unique
``open_target`` stands behind that) is skipped too, never charged twice.

:func:`in_flight` sorts the items of a chunk taken over from a dead worker (or of a resumed
batch) that already have an attempt: those whose attempt is still open (pending, unknown)
are re-asked with the same attempt key, those whose attempt has an outcome only get their
log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Row, case, delete, select, update
from sqlalchemy.orm import Session

from core.models import ZERO
from core.payments import ChargeItem, new_attempt_key

from ...models import ChargeBatchItem, Customer, PaymentAccount, PaymentAttempt
from ..bulk_rows import inserted_ids
from ..payment_accounts import saved_account
from ..payments import DOCUMENTS, PAYER_COLUMNS, payer_of

IN_PROGRESS = "Not charged: another payment of this invoice is pending or its outcome is unknown."

#: what claiming and re-asking read of a batch item: plain rows (``ItemRow``), not ORM objects,
#: since every chunk reads a hundred of them
ITEM_FIELDS = (ChargeBatchItem.id, ChargeBatchItem.status, ChargeBatchItem.target_id, ChargeBatchItem.number,
               ChargeBatchItem.customer_id, ChargeBatchItem.attempt_id)
#: what a charge item and its payer need of the customer
CUSTOMER_FIELDS = (Customer.id, Customer.partner_id, *PAYER_COLUMNS)
ItemRow = Row


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
    """An item was no longer queued (another worker claimed it first): the claim is rolled back."""


def default_accounts(session: Session, gateway: str, customer_ids: set[int]) -> dict[int, PaymentAccount]:
    """Each customer's saved account with this gateway: the default one, else the oldest."""
    accounts: dict[int, PaymentAccount] = {}
    rows = session.execute(select(PaymentAccount).where(
        PaymentAccount.gateway == gateway, PaymentAccount.customer_id.in_(customer_ids),
    ).order_by(PaymentAccount.is_default.desc(), PaymentAccount.id)).scalars()
    for account in rows:
        accounts.setdefault(account.customer_id, account)
    return accounts


def _customers(session: Session, items: list[ItemRow]) -> dict[int, Row]:
    ids = {item.customer_id for item in items}
    return {c.id: c for c in session.execute(select(*CUSTOMER_FIELDS).where(Customer.id.in_(ids)))}


def _charge_item(batch: BatchInfo, item: ItemRow, key: str, amount, account, customer: Row) -> ChargeItem:
    return ChargeItem(attempt_key=key, invoice_id=item.target_id, invoice_number=item.number,
                      customer_id=item.customer_id, amount=amount, account=saved_account(account),
                      target_kind=batch.target_kind, partner_id=customer.partner_id, payer=payer_of(customer))


def _skip(session: Session, item_ids: list[int], message: str) -> None:
    session.execute(update(ChargeBatchItem).where(ChargeBatchItem.id.in_(item_ids), ChargeBatchItem.status == "queued")
                    .values(status="skipped", message=message))


def _take_documents(session: Session, model, items: list[ItemRow]) -> dict[int, Decimal]:
    """Move the payable documents of ``items`` to *Pending* in one statement: ``{document id: due}``.

    A compare-and-set on the documents' status: a document paid meanwhile or with another open
    attempt (its status is *Pending* then) is left alone. PostgreSQL and SQLite answer with
    ``UPDATE … RETURNING``; MariaDB (no RETURNING on UPDATE) locks the rows with a ``SELECT …
    FOR UPDATE`` first.
    """
    customer_of = {item.target_id: item.customer_id for item in items}
    payable = (model.id.in_(customer_of), model.status == "not_paid", model.due > ZERO)
    take = update(model).where(*payable).values(status="pending").execution_options(synchronize_session=False)
    if session.get_bind().dialect.update_returning:
        rows = session.execute(take.returning(model.id, model.customer_id, model.due)).all()
    else:
        rows = session.execute(select(model.id, model.customer_id, model.due).where(*payable).with_for_update()).all()
        if rows:
            session.execute(take.where(model.id.in_([row.id for row in rows])))
    foreign = [row.id for row in rows if customer_of[row.id] != row.customer_id]
    if foreign:  # never charge a customer for another customer's document
        session.execute(update(model).where(model.id.in_(foreign)).values(status="not_paid")
                        .execution_options(synchronize_session=False))
    return {row.id: row.due for row in rows if customer_of[row.id] == row.customer_id}


def _skip_the_rest(session: Session, batch: BatchInfo, model, items: list[ItemRow]) -> None:
    """Skip the items whose documents could not be taken, each with the reason."""
    documents = {row.id: row for row in session.execute(select(model.id, model.customer_id, model.status,
                                                               model.number).where(
        model.id.in_([item.target_id for item in items])))}
    reasons: dict[str, list[int]] = {}
    for item in items:
        document = documents.get(item.target_id)
        if document is None or document.customer_id != item.customer_id:
            reason = "Not charged: This document does not exist."
        elif document.status == "pending":
            reason = IN_PROGRESS
        else:
            reason = f"Not charged: {batch.target_kind.capitalize()} {document.number} is already paid."
        reasons.setdefault(reason, []).append(item.id)
    for reason, item_ids in reasons.items():
        _skip(session, item_ids, reason)


def claim_items(host, batch: BatchInfo, items: list[ItemRow]) -> list[Claimed]:
    """Write an attempt per payable queued item; skip the others with the reason.

    Set-based, in one transaction: the documents move to *Pending* in one statement, the
    attempts are inserted in one statement, the items move from *queued* to *charging* in one
    compare-and-set. If an item was not *queued* any more (another worker got to it), the
    whole claim is rolled back and made again from what is committed now.
    """
    model = DOCUMENTS[batch.target_kind]
    while items:
        try:
            return _claim(host, batch, model, items)
        except _LostItem:
            with host.db.reading() as session:
                items = session.execute(select(*ITEM_FIELDS).where(
                    ChargeBatchItem.id.in_([item.id for item in items]), ChargeBatchItem.status == "queued",
                ).order_by(ChargeBatchItem.id)).all()
    return []


def _claim(host, batch: BatchInfo, model, items: list[ItemRow]) -> list[Claimed]:
    with host.db.transaction() as session:
        dues = _take_documents(session, model, items)
        taken = [item for item in items if item.target_id in dues]
        if len(taken) < len(items):
            _skip_the_rest(session, batch, model, [item for item in items if item.target_id not in dues])
        if not taken:
            return []
        accounts = default_accounts(session, batch.handler, {item.customer_id for item in taken})
        customers = _customers(session, taken)
        rows = []
        for item in taken:
            account = accounts.get(item.customer_id)
            rows.append(dict(key=new_attempt_key(), gateway=batch.handler, customer_id=item.customer_id,
                             target_kind=batch.target_kind, target_id=item.target_id, amount=dues[item.target_id],
                             source=account.kind if account else "card", account_id=account.id if account else None,
                             open_target=f"{batch.target_kind}:{item.target_id}", status="pending",
                             initiated_by=f"charge batch #{batch.id}", batch_id=batch.id))
        attempt_ids = inserted_ids(session, PaymentAttempt, rows)
        won = session.execute(update(ChargeBatchItem).where(
            ChargeBatchItem.id.in_([item.id for item in taken]), ChargeBatchItem.status == "queued",
        ).values(status="charging", attempt_id=case(
            {item.id: attempt_id for item, attempt_id in zip(taken, attempt_ids)}, value=ChargeBatchItem.id,
        )).execution_options(synchronize_session=False)).rowcount
        if won != len(taken):
            raise _LostItem
        return [Claimed(item.id, attempt_id, _charge_item(batch, item, row["key"], row["amount"],
                                                          accounts.get(item.customer_id), customers[item.customer_id]))
                for item, attempt_id, row in zip(taken, attempt_ids, rows)]


def in_flight(session: Session, batch: BatchInfo, items: list[ItemRow]) -> tuple[list[Claimed], list[tuple]]:
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
