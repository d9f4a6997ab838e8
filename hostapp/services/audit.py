"""The audit log: who installed, configured, enabled or removed what."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.secrets import REDACTED

from ..models import AuditEntry


def record(session: Session, actor: str, action: str, target: str = "", details: dict | None = None,
           secret_keys: set[str] = frozenset()) -> AuditEntry:
    """Add an audit entry; values of ``secret_keys`` in ``details`` are replaced by a mask.

    Actor, action and target are cut to their columns' lengths (a login form may carry anything).
    """
    clean = {k: (REDACTED if k in secret_keys else v) for k, v in (details or {}).items()}
    entry = AuditEntry(actor=actor[:64], action=action[:64], target=target[:128], details=clean)
    session.add(entry)
    return entry
