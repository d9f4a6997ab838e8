"""Customers' saved payment accounts of one gateway: host ``PaymentAccount`` rows holding tokens only.

:class:`SavedAccounts` implements :class:`core.host.SavedAccounts`. A gateway add-on
tokenises a card or bank account with its gateway and hands the token with brand, last 4
digits and expiry (:class:`core.gateway.accounts.NewAccount`) to :meth:`SavedAccounts.store`. A customer may keep
several accounts per gateway; exactly one of them is the default the bulk charge uses.
Removing an account that a payment in flight still uses is refused.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.gateway.accounts import AccountError, NewAccount
from core.payments import SavedAccount
from core.inputs import parse_id

from ..db import Database
from ..models import Customer, PaymentAccount, PaymentAccountType, PaymentAttempt, PaymentMethod

log = logging.getLogger(__name__)


def saved_account(account: PaymentAccount | None) -> SavedAccount | None:
    """The add-on API's view of a saved account (:class:`core.payments.SavedAccount`), ``None`` for none."""
    if account is None:
        return None
    return SavedAccount(id=account.id, kind=account.kind, token=account.token, brand=account.brand,
                        last4=account.last4, expiry=account.expiry, holder=account.holder)


def customer_accounts(session: Session, customer_id: int, gateway: str) -> list[PaymentAccount]:
    """The customer's accounts of ``gateway``, default first, then oldest first."""
    return list(session.execute(
        select(PaymentAccount).where(PaymentAccount.customer_id == customer_id, PaymentAccount.gateway == gateway)
        .order_by(PaymentAccount.is_default.desc(), PaymentAccount.id)).scalars())


def own_account(session: Session, customer_id: int, gateway: str, account_id) -> PaymentAccount | None:
    """The account if it is this customer's account of ``gateway``, else ``None``."""
    account_id = account_id if isinstance(account_id, int) else parse_id(account_id)
    account = session.get(PaymentAccount, account_id) if account_id else None
    if account is None or account.customer_id != customer_id or account.gateway != gateway:
        return None
    return account


class SavedAccounts:
    """Stores, re-orders and removes one gateway's saved accounts (short, separate transactions)."""

    def __init__(self, db: Database, gateway: str) -> None:
        self.db = db
        self.gateway = gateway

    def of_customer(self, session: Session, customer_id: int) -> list[PaymentAccount]:
        """The customer's accounts of this gateway, default first."""
        return customer_accounts(session, customer_id, self.gateway)

    def own(self, session: Session, customer_id: int, account_id) -> PaymentAccount | None:
        """The account if it is this customer's account of this gateway."""
        return own_account(session, customer_id, self.gateway, account_id)

    def store(self, customer_id: int, new: NewAccount, *, payment_method: str = "") -> PaymentAccount:
        """Save a token (the first account becomes the default); the same token again updates it.

        ``payment_method``: when given, the customer's billing payment method becomes it
        (the add-on's "Change the payment method when credentials are added" setting).
        """
        with self.db.transaction() as session:
            existing = session.execute(select(PaymentAccount).where(
                PaymentAccount.customer_id == customer_id, PaymentAccount.gateway == self.gateway,
                PaymentAccount.token == new.token)).scalar_one_or_none()
            if existing is not None:
                existing.expiry, existing.holder = new.expiry, new.holder[:128]
                return existing
            account_type = session.execute(select(PaymentAccountType).where(
                PaymentAccountType.addon_id == self.gateway, PaymentAccountType.key == new.kind)).scalar_one()
            first = not customer_accounts(session, customer_id, self.gateway)
            account = PaymentAccount(customer_id=customer_id, account_type_id=account_type.id, gateway=self.gateway,
                                     kind=new.kind, token=new.token, brand=new.brand[:32], last4=new.last4,
                                     expiry=new.expiry, holder=new.holder[:128], is_default=first)
            session.add(account)
            if payment_method:
                method = session.execute(select(PaymentMethod).where(
                    PaymentMethod.name == payment_method)).scalar_one_or_none()
                if method is not None:
                    session.get(Customer, customer_id).payment_method_id = method.id
            session.flush()
        log.info("customer %s saved a %s %s account ending %s", customer_id, self.gateway, new.kind, new.last4)
        return account

    def make_default(self, customer_id: int, account_id) -> None:
        with self.db.transaction() as session:
            account = own_account(session, customer_id, self.gateway, account_id)
            if account is None:
                raise AccountError("This payment account does not exist.")
            session.execute(update(PaymentAccount).where(
                PaymentAccount.customer_id == customer_id, PaymentAccount.gateway == self.gateway)
                .values(is_default=False))
            account.is_default = True

    def remove(self, customer_id: int, account_id) -> SavedAccount:
        """Forget an account (past attempts keep their history without it); returns what was removed."""
        with self.db.transaction() as session:
            account = own_account(session, customer_id, self.gateway, account_id)
            if account is None:
                raise AccountError("This payment account does not exist.")
            if session.execute(select(PaymentAttempt.id).where(
                    PaymentAttempt.account_id == account.id,
                    PaymentAttempt.status.in_(("pending", "unknown")))).first():
                raise AccountError("A payment with this account is still being processed; remove it later.")
            removed = saved_account(account)
            session.execute(update(PaymentAttempt).where(PaymentAttempt.account_id == account.id)
                            .values(account_id=None))
            was_default = account.is_default
            session.delete(account)
            session.flush()
            if was_default:
                remaining = customer_accounts(session, customer_id, self.gateway)
                if remaining:
                    remaining[0].is_default = True
        return removed
