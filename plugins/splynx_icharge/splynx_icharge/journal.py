"""Writing the iCharge payment journal: a row before each request, the answer after it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.host import Database

from .models import IchargePayment
from .protocol import ApiError, Payment, Refund


class Journal:
    """Short, separately committed writes to ``icharge_payments``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def find(self, reference: str) -> IchargePayment | None:
        with self.db.transaction() as session:
            return session.execute(
                select(IchargePayment).where(IchargePayment.reference == reference)).scalar_one_or_none()

    def open(self, *, reference: str, customer_id: int, amount: Decimal, currency: str, account: str,
             recurring: bool) -> None:
        """Record that a payment is about to be sent (committed before the request leaves)."""
        with self.db.transaction() as session:
            session.add(IchargePayment(reference=reference, customer_id=customer_id, amount=amount,
                                       currency=currency, account=account[:64], recurring=recurring, status="sent"))

    def close(self, reference: str, status: str, answer: Payment | Refund | ApiError | None, note: str,
              account: str = "") -> None:
        """Store what xServ said (a payment or refund, or the error envelope that refused it)."""
        with self.db.transaction() as session:
            row = session.execute(select(IchargePayment).where(IchargePayment.reference == reference)
                                  .with_for_update()).scalar_one()
            row.status, row.note = status, note[:2000]
            if account:
                row.account = account[:64]
            if isinstance(answer, (Payment, Refund)):
                row.gateway_id = answer.id[:64]
                row.response_code, row.auth_code = answer.response_code[:8], answer.auth_code[:16]
                row.response_text = answer.response_text[:255]
            elif isinstance(answer, ApiError):
                row.response_code, row.response_text = str(answer.status), str(answer)[:255]
