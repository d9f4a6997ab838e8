"""Leases on lanes and chunks: who works which part of a batch, and taking over from the dead.

Every claim is a compare-and-set ``UPDATE ... WHERE`` on the row's previous state, checked
by its row count, so two workers (threads, processes or machines) racing for the same lane
or chunk cannot both win, on SQLite, MariaDB and PostgreSQL alike. A :class:`Heartbeat`
thread renews the owner's leases; when a worker dies its leases run out and another worker
takes its chunk over. Lease times are the workers' UTC clocks (keep them in NTP sync; a
lease is tens of seconds, skew is milliseconds).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from ...db import Database
from ...models import ChargeChunk, ChargeLane
from ..charge_tallies import forget_chunk, tally_chunk
from core.models import utcnow

log = logging.getLogger(__name__)


def new_owner() -> str:
    """A token naming this worker incarnation: host, process, thread and a random part."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident() % 100000}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class ChunkClaim:
    """A chunk this owner now holds; ``taken_over`` if a dead worker held it before."""

    id: int
    number: int
    taken_over: bool


class Leases:
    """Lane and chunk leases of one database; ``seconds`` is how long a lease lasts unrenewed."""

    def __init__(self, db: Database, seconds: int) -> None:
        self.db = db
        self.seconds = max(1, seconds)

    def _until(self):
        return utcnow() + timedelta(seconds=self.seconds)

    # -- lanes -------------------------------------------------------------------------

    def take_lane(self, batch_id: int, number: int, owner: str) -> bool:
        """Hold lane ``number`` of the batch unless a live worker holds it."""
        now = utcnow()
        with self.db.transaction() as session:
            taken = session.execute(update(ChargeLane).where(
                ChargeLane.batch_id == batch_id, ChargeLane.number == number,
                (ChargeLane.owner.is_(None)) | (ChargeLane.lease_until < now),
            ).values(owner=owner, lease_until=self._until())).rowcount
        return taken == 1

    def release_lane(self, batch_id: int, number: int, owner: str) -> None:
        with self.db.transaction() as session:
            session.execute(update(ChargeLane).where(
                ChargeLane.batch_id == batch_id, ChargeLane.number == number, ChargeLane.owner == owner,
            ).values(owner=None, lease_until=None))

    # -- chunks ------------------------------------------------------------------------

    def claim_chunk(self, batch_id: int, owner: str) -> ChunkClaim | None:
        """The next queued chunk, or one whose owner's lease ran out; ``None`` if there is none now."""
        now = utcnow()
        with self.db.transaction() as session:
            candidates = session.execute(select(ChargeChunk.id, ChargeChunk.number, ChargeChunk.status,
                                                ChargeChunk.owner).where(
                ChargeChunk.batch_id == batch_id,
                (ChargeChunk.status == "queued")
                | ((ChargeChunk.status == "running") & (ChargeChunk.lease_until < now)),
            ).order_by(ChargeChunk.number).limit(8)).all()
            for chunk_id, number, status, previous in candidates:
                same_state = [ChargeChunk.id == chunk_id, ChargeChunk.status == status,
                              ChargeChunk.owner.is_(None) if previous is None else ChargeChunk.owner == previous]
                if status == "running":
                    same_state.append(ChargeChunk.lease_until < now)
                won = session.execute(update(ChargeChunk).where(*same_state).values(
                    status="running", owner=owner, lease_until=self._until(), claims=ChargeChunk.claims + 1,
                )).rowcount
                if won == 1:
                    forget_chunk(session, chunk_id)
                    if status == "running":
                        log.warning("charge batch %s: chunk %s taken over from %s", batch_id, number, previous)
                    return ChunkClaim(chunk_id, number, taken_over=status == "running")
        return None

    def finish_chunk(self, batch_id: int, chunk_id: int, owner: str) -> bool:
        """Mark the chunk done and tally it; ``False`` if this owner had lost it meanwhile."""
        with self.db.transaction() as session:
            done = session.execute(update(ChargeChunk).where(
                ChargeChunk.id == chunk_id, ChargeChunk.owner == owner, ChargeChunk.status == "running",
            ).values(status="done", lease_until=None)).rowcount
            if done:
                tally_chunk(session, batch_id, chunk_id)
        if not done:
            log.warning("chunk %s was taken over before %s finished it", chunk_id, owner)
        return done == 1

    def release_chunk(self, chunk_id: int, owner: str) -> None:
        """Hand a chunk this owner claimed back to the queue."""
        with self.db.transaction() as session:
            session.execute(update(ChargeChunk).where(
                ChargeChunk.id == chunk_id, ChargeChunk.owner == owner, ChargeChunk.status == "running",
            ).values(status="queued", owner=None, lease_until=None))

    def chunk_counts(self, batch_id: int) -> dict[str, int]:
        """``{"queued": n, "running": n, "done": n}`` for the batch."""
        with self.db.reading() as session:
            return dict(session.execute(select(ChargeChunk.status, func.count()).where(
                ChargeChunk.batch_id == batch_id).group_by(ChargeChunk.status)).all())

    # -- heartbeat ---------------------------------------------------------------------

    def renew(self, owner: str) -> None:
        """Extend every lease this owner holds (its lane and its running chunk)."""
        until = self._until()
        with self.db.transaction() as session:
            session.execute(update(ChargeLane).where(ChargeLane.owner == owner).values(lease_until=until))
            session.execute(update(ChargeChunk).where(ChargeChunk.owner == owner, ChargeChunk.status == "running")
                            .values(lease_until=until))


class Heartbeat:
    """Renews an owner's leases every third of the lease time until stopped (a daemon thread)."""

    def __init__(self, leases: Leases, owner: str) -> None:
        self.leases = leases
        self.owner = owner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"charge-heartbeat-{owner[-8:]}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)

    def _beat(self) -> None:
        interval = max(0.2, self.leases.seconds / 3)
        while not self._stop.wait(interval):
            try:
                self.leases.renew(self.owner)
            except Exception:  # noqa: BLE001 - a missed beat is retried; the lease is three beats long
                log.exception("could not renew the charge leases of %s", self.owner)
