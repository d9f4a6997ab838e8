"""A customer's saved IPpay credentials: host ``PaymentAccount`` rows holding tokens only.

Adding a card or bank account sends TOKENIZE (no money moves) and stores the token with
brand, last 4 digits and expiry. A customer may keep several of each; exactly one of them
is the default the bulk charge uses.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.gateway.cards import card_brand
from core.gateway.masking import masked_logger
from core.gateway.transport import GatewayError
from hostapp.host import Host
from hostapp.models import Customer, PaymentAccount, PaymentAccountType, PaymentAttempt, PaymentMethod

from .charging import client_for
from .client import BankDetails, CardDetails
from .codes import describe
from .protocol import Response
from .settings import ADDON_ID, IppaySettings, load_settings

log = masked_logger(__name__)


class AccountError(ValueError):
    """Credentials could not be saved or changed; the message is for the customer."""


def customer_accounts(session: Session, customer_id: int) -> list[PaymentAccount]:
    """The customer's IPpay accounts, default first, then oldest first."""
    return list(session.execute(
        select(PaymentAccount).where(PaymentAccount.customer_id == customer_id, PaymentAccount.gateway == ADDON_ID)
        .order_by(PaymentAccount.is_default.desc(), PaymentAccount.id)).scalars())


def own_account(session: Session, customer_id: int, account_id) -> PaymentAccount | None:
    """The account if it is this customer's IPpay account, else ``None``."""
    try:
        account = session.get(PaymentAccount, int(account_id))
    except (TypeError, ValueError):
        return None
    if account is None or account.customer_id != customer_id or account.gateway != ADDON_ID:
        return None
    return account


class Accounts:
    """Adds, removes and re-orders one customer's saved IPpay credentials."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def _settings(self, customer: Customer) -> IppaySettings:
        with self.host.db.transaction() as session:
            settings = load_settings(session, self.host.box, customer.partner_id)
        if not settings.configured:
            raise AccountError("IPpay is not configured yet. Please contact your provider.")
        return settings

    def _tokenize(self, settings: IppaySettings, send) -> Response:
        try:
            response = send(client_for(settings))
        except GatewayError as exc:
            log.warning("TOKENIZE failed: %s", exc)
            raise AccountError("IPpay could not be reached, so nothing was saved. Please try again.") from None
        if not response.approved or not response.token:
            raise AccountError(f"IPpay refused the details: {describe(response.action_code, response.text)}.")
        return response

    def add_card(self, customer: Customer, card: CardDetails) -> PaymentAccount:
        settings = self._settings(customer)
        if not settings.allows("card"):
            raise AccountError("Cards are not accepted through IPpay.")
        response = self._tokenize(settings, lambda client: client.tokenize_card(card))
        return self._store(customer, settings, "card", response.token, card_brand(card.number), card.last4,
                           str(card.expiry), card.holder)

    def add_bank(self, customer: Customer, bank: BankDetails) -> PaymentAccount:
        settings = self._settings(customer)
        if not settings.allows("bank"):
            raise AccountError("Bank accounts are not accepted through IPpay.")
        response = self._tokenize(settings, lambda client: client.tokenize_bank(bank))
        return self._store(customer, settings, "bank", response.token, bank.account_type.title(), bank.last4, "",
                           bank.holder)

    def _store(self, customer: Customer, settings: IppaySettings, kind: str, token: str, brand: str, last4: str,
               expiry: str, holder: str) -> PaymentAccount:
        with self.host.db.transaction() as session:
            existing = session.execute(select(PaymentAccount).where(
                PaymentAccount.customer_id == customer.id, PaymentAccount.gateway == ADDON_ID,
                PaymentAccount.token == token)).scalar_one_or_none()
            if existing is not None:
                existing.expiry, existing.holder = expiry, holder
                return existing
            account_type = session.execute(select(PaymentAccountType).where(
                PaymentAccountType.addon_id == ADDON_ID, PaymentAccountType.key == kind)).scalar_one()
            first = not customer_accounts(session, customer.id)
            account = PaymentAccount(customer_id=customer.id, account_type_id=account_type.id, gateway=ADDON_ID,
                                     kind=kind, token=token, brand=brand[:32], last4=last4, expiry=expiry,
                                     holder=holder[:128], is_default=first)
            session.add(account)
            if settings.change_payment_method:
                method = session.execute(select(PaymentMethod).where(
                    PaymentMethod.name == settings.method_for(kind))).scalar_one_or_none()
                if method is not None:
                    session.get(Customer, customer.id).payment_method_id = method.id
            session.flush()
        log.info("customer %s saved an IPpay %s account ending %s", customer.id, kind, last4)
        return account

    def make_default(self, customer_id: int, account_id) -> None:
        with self.host.db.transaction() as session:
            account = own_account(session, customer_id, account_id)
            if account is None:
                raise AccountError("This payment account does not exist.")
            session.execute(update(PaymentAccount).where(
                PaymentAccount.customer_id == customer_id, PaymentAccount.gateway == ADDON_ID)
                .values(is_default=False))
            account.is_default = True

    def remove(self, customer_id: int, account_id) -> None:
        """Forget an account (past attempts keep their history without it)."""
        with self.host.db.transaction() as session:
            account = own_account(session, customer_id, account_id)
            if account is None:
                raise AccountError("This payment account does not exist.")
            if session.execute(select(PaymentAttempt.id).where(
                    PaymentAttempt.account_id == account.id,
                    PaymentAttempt.status.in_(("pending", "unknown")))).first():
                raise AccountError("A payment with this account is still being processed; remove it later.")
            session.execute(update(PaymentAttempt).where(PaymentAttempt.account_id == account.id)
                            .values(account_id=None))
            was_default = account.is_default
            session.delete(account)
            session.flush()
            if was_default:
                remaining = customer_accounts(session, customer_id)
                if remaining:
                    remaining[0].is_default = True
