"""A customer's saved IPpay credentials: TOKENIZE at IPpay, then the host's saved accounts.

Adding a card or bank account sends TOKENIZE (no money moves) and stores the token with
brand, last 4 digits and expiry in the host's saved accounts (:meth:`core.host.Host.saved_accounts`),
which also keep one default per customer and refuses to remove an account in use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.gateway.accounts import AccountError, NewAccount
from core.gateway.cards import CardDetails
from core.gateway.masking import masked_logger
from core.host import Host

from .codes import describe
from .settings import ADDON_ID, IppaySettings, load_settings

if TYPE_CHECKING:
    from .client import BankDetails
    from .protocol import Response

log = masked_logger(__name__)

__all__ = ["AccountError", "Accounts"]


class Accounts:
    """Adds (through TOKENIZE), removes and re-orders one customer's saved IPpay credentials."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.saved = host.saved_accounts(ADDON_ID)

    def make_default(self, customer_id: int, account_id) -> None:
        self.saved.make_default(customer_id, account_id)

    def remove(self, customer_id: int, account_id) -> None:
        self.saved.remove(customer_id, account_id)

    def _settings(self, customer) -> IppaySettings:
        with self.host.db.transaction() as session:
            settings = load_settings(self.host, session, customer.partner_id)
        if not settings.configured:
            raise AccountError("IPpay is not configured yet. Please contact your provider.")
        return settings

    def _tokenize(self, settings: IppaySettings, send) -> Response:
        from core.gateway.transport import GatewayError

        from .charging import client_for  # the gateway client loads with the first account added

        try:
            response = send(client_for(settings))
        except GatewayError as exc:
            log.warning("TOKENIZE failed: %s", exc)
            raise AccountError("IPpay could not be reached, so nothing was saved. Please try again.") from None
        if not response.approved or not response.token:
            raise AccountError(f"IPpay refused the details: {describe(response.action_code, response.text)}.")
        return response

    def add_card(self, customer, card: CardDetails):
        settings = self._settings(customer)
        if not settings.allows("card"):
            raise AccountError("Cards are not accepted through IPpay.")
        response = self._tokenize(settings, lambda client: client.tokenize_card(card))
        return self._keep(customer, settings, NewAccount("card", response.token, card.brand, card.last4,
                                                         str(card.expiry), card.holder))

    def add_bank(self, customer, bank: BankDetails):
        settings = self._settings(customer)
        if not settings.allows("bank"):
            raise AccountError("Bank accounts are not accepted through IPpay.")
        response = self._tokenize(settings, lambda client: client.tokenize_bank(bank))
        return self._keep(customer, settings, NewAccount("bank", response.token, bank.account_type.title(),
                                                         bank.last4, "", bank.holder))

    def _keep(self, customer, settings: IppaySettings, new: NewAccount):
        method = settings.method_for(new.kind) if settings.change_payment_method else ""
        return self.saved.store(customer.id, new, payment_method=method)
