"""The audit log: who installed, configured, enabled or removed what.

An entry about a customer, one of their documents or payments, a refill card series or a
charge batch records the partner it concerns (``partner_id``); an administrator limited to
partners sees only the entries of their partners (see :mod:`hostapp.web.roles`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.secrets import REDACTED

from ..models import AuditEntry


def record(session: Session, actor: str, action: str, target: str = "", details: dict | None = None,
           secret_keys: set[str] = frozenset(), *, partner_id: int | None = None) -> AuditEntry:
    """Add an audit entry; values of ``secret_keys`` in ``details`` are replaced by a mask.

    ``partner_id`` is the partner of the customer (or series, or batch) the entry is about;
    ``None`` for entries about no partner's customers (logins, configuration, add-ons).
    Actor, action and target are cut to their columns' lengths (a login form may carry anything).
    """
    clean = {k: (REDACTED if k in secret_keys else v) for k, v in (details or {}).items()}
    entry = AuditEntry(actor=actor[:64], action=action[:64], target=target[:128], details=clean,
                       partner_id=partner_id)
    session.add(entry)
    return entry
