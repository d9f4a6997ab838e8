"""Checks of the admin pages of a gateway add-on that saves customers' cards or accounts."""

from __future__ import annotations

from decimal import Decimal


def check_pay_icon_follows_saved_account(admin, factory, add_card, pay_url: str) -> None:
    """The admin's "Pay by … (saved account)" icon shows, on the customer's Billing tab and on
    the invoice's page, only for a customer who saved an account with this gateway.

    ``admin`` is a test client logged in as an administrator; ``add_card(customer)`` saves an
    account for a customer; ``pay_url`` is the icon's URL without its query
    (``/ippay/admin/pay-invoice``).
    """
    with_card, without = factory.customer(name="With Card"), factory.customer(name="No Card")
    add_card(with_card)
    icon = f'data-modal-url="{pay_url}?item_id={{}}"'
    for customer, shown in ((with_card, True), (without, False)):
        invoice = factory.invoice(customer, Decimal("45.00"))
        billing = admin.get(f"/admin/customers/{customer.id}?tab=billing").get_data(as_text=True)
        detail = admin.get(f"/admin/finance/invoices/{invoice.id}").get_data(as_text=True)
        assert (icon.format(invoice.id) in billing) is shown, customer.name
        assert (icon.format(invoice.id) in detail) is shown, customer.name
