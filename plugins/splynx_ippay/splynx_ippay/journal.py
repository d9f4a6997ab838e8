"""Writing the IPpay transaction journal: a row before each request, the answer after it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.host import Database

from .models import IppayTransaction
from .protocol import Response


class Journal:
    """Short, separately committed writes to ``ippay_transactions``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def find(self, reference: str) -> IppayTransaction | None:
        with self.db.transaction() as session:
            return session.execute(
                select(IppayTransaction).where(IppayTransaction.reference == reference)).scalar_one_or_none()

    def open(self, *, reference: str, transaction_type: str, transaction_id: str, customer_id: int,
             amount: Decimal, account: str, refund_of_payment_id: int | None = None) -> None:
        """Record that a transaction is about to be sent (committed before the request leaves)."""
        with self.db.transaction() as session:
            session.add(IppayTransaction(
                reference=reference, transaction_type=transaction_type, transaction_id=transaction_id,
                customer_id=customer_id, amount=amount, account=account[:64], status="sent",
                refund_of_payment_id=refund_of_payment_id))

    def close(self, reference: str, status: str, response: Response | None, note: str,
              payment_id: int | None = None) -> None:
        """Store what the gateway said."""
        with self.db.transaction() as session:
            row = session.execute(select(IppayTransaction).where(IppayTransaction.reference == reference)
                                  .with_for_update()).scalar_one()
            row.status, row.note = status, note[:2000]
            if response is not None:
                row.action_code = response.action_code
                row.approval = response.approval[:16]
                row.response_text = response.text[:255]
                row.gateway_transaction_id = response.transaction_id[:32]
            if payment_id is not None:
                row.payment_id = payment_id
