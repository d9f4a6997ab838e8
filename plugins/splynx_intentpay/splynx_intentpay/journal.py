"""The journal of what was sent to the gateway, one row per attempt key, written before the call.

A second call for the same attempt (the reconciler, a resumed Charge batch) finds the row,
knows the request was sent before and asks the gateway instead of charging again.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.gateway.resolver import Outcome
from core.host import Host

from .models import IntentpayTransaction as Row


class Journal:
    """Reads and writes the journal rows of one host's database."""

    def __init__(self, host: Host) -> None:
        self.db = host.db

    def find(self, key: str) -> Row | None:
        with self.db.transaction() as session:
            return session.execute(select(Row).where(Row.reference == key)).scalar_one_or_none()

    def open(self, key: str, kind: str, customer_id: int, amount: Decimal) -> None:
        """Record that ``key`` is about to be sent (before the gateway is called)."""
        with self.db.transaction() as session:
            session.add(Row(reference=key, kind=kind, customer_id=customer_id, amount=amount))

    def close(self, key: str, outcome: Outcome) -> None:
        """Record how the request's outcome was settled (status, the gateway's id, the resolver's note)."""
        with self.db.transaction() as session:
            row = session.execute(select(Row).where(Row.reference == key)).scalar_one()
            row.status, row.note = outcome.journal_status, outcome.note[:255]
            if outcome.response is not None and outcome.response.id:
                row.gateway_id = outcome.response.id
