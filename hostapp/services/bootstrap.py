"""First-run and upgrade preparation: schema, default reference data, add-on sync."""

from __future__ import annotations

from sqlalchemy import select

from ..models import DEFAULT_PAYMENT_METHODS, DEFAULT_TRANSACTION_CATEGORIES, PaymentMethod, TransactionCategory


def seed_reference_data(session) -> None:
    """Payment methods 1-6 and the default transaction categories, when missing."""
    for model, names in ((PaymentMethod, DEFAULT_PAYMENT_METHODS), (TransactionCategory, DEFAULT_TRANSACTION_CATEGORIES)):
        existing = set(session.execute(select(model.name)).scalars())
        for name in names:
            if name not in existing:
                session.add(model(name=name))
        session.flush()


def prepare_database(host, actor: str = "system"):
    """Migrate the host and stashed add-on branches, seed reference data, sync add-ons."""
    host.registry.migrator.upgrade_all()
    with host.db.transaction() as session:
        seed_reference_data(session)
    return host.registry.sync(actor)
