"""Finance documents and the ledger: invoices, proformas, payments, transactions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.models import ZERO, Base, Timestamped, utcnow


class PaymentMethod(Base):
    """How a payment was made (Cash, Bank transfer, Credit card, ..., add-on methods)."""

    __tablename__ = "payment_methods"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: the add-on that created it, if any
    addon_id: Mapped[str | None] = mapped_column(String(32))


DEFAULT_PAYMENT_METHODS = ("Cash", "Bank transfer", "Credit card", "PayPal", "Other", "Refill card")


class TransactionCategory(Base):
    """Ledger categories (Service, Discount, Payment, Refund, Correction + custom)."""

    __tablename__ = "transaction_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


DEFAULT_TRANSACTION_CATEGORIES = ("Service", "Discount", "Payment", "Refund", "Correction")

INVOICE_STATUSES = {"not_paid": "Unpaid", "paid": "Paid", "pending": "Pending", "deleted": "Deleted"}


#: the status-and-date index of invoices and proforma invoices: the list's order, then what the Preview reads
COVERING_COLUMNS = ("status", "date_created", "id", "customer_id", "total", "due")


class _Document(Timestamped):
    """Columns invoices and proforma invoices share."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="not_paid")
    date_created: Mapped[date]
    date_till: Mapped[date]
    date_payment: Mapped[date | None]
    total: Mapped[Decimal] = mapped_column(default=ZERO)
    due: Mapped[Decimal] = mapped_column(default=ZERO)
    note: Mapped[str] = mapped_column(Text, default="")

    @declared_attr
    def customer_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("customers.id"), index=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        """Indexes in the order of the list pages: newest first, and newest first of one status. The second
        carries the columns the Charge dialog's Preview sums, so it answers the Preview without the rows."""
        table = cls.__tablename__
        return (
            Index(f"ix_{table}_date_created_id", "date_created", "id"),
            Index(f"ix_{table}_status_date_created_covering", *COVERING_COLUMNS),
        )

    @property
    def paid_amount(self) -> Decimal:
        return self.total - self.due

    @property
    def is_partially_paid(self) -> bool:
        return self.status == "not_paid" and ZERO < self.due < self.total

    @property
    def is_overdue(self) -> bool:
        return self.status == "not_paid" and self.due == self.total and self.date_till < date.today()

    @property
    def is_payable(self) -> bool:
        return self.status == "not_paid" and self.due > ZERO

    @property
    def display_status(self) -> str:
        if self.is_partially_paid:
            return "Partially paid"
        if self.is_overdue:
            return "Overdue"
        return INVOICE_STATUSES.get(self.status, self.status)


class _Item:
    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[Decimal] = mapped_column(default=Decimal("1"))
    unit: Mapped[str] = mapped_column(String(16), default="")
    price: Mapped[Decimal]
    tax: Mapped[Decimal] = mapped_column(default=ZERO)
    period_from: Mapped[date | None]
    period_to: Mapped[date | None]

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.price * (1 + self.tax / 100)).quantize(Decimal("0.01"))


class Invoice(_Document, Base):
    """A bill: issuing it debits the balance; payments allocated to it lower ``due``."""

    __tablename__ = "invoices"
    type: Mapped[str] = mapped_column(String(16), default="recurring")
    added_by: Mapped[str] = mapped_column(String(16), default="system")
    memo: Mapped[str] = mapped_column(Text, default="")

    customer: Mapped["Customer"] = relationship()  # noqa: F821
    items: Mapped[list[InvoiceItem]] = relationship(back_populates="invoice", cascade="all, delete-orphan",
                                                    order_by="InvoiceItem.id")

    kind = "invoice"


class InvoiceItem(_Item, Base):
    __tablename__ = "invoice_items"
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    invoice: Mapped[Invoice] = relationship(back_populates="items")


class ProformaInvoice(_Document, Base):
    """A payment request: it does not change the balance until paid."""

    __tablename__ = "proforma_invoices"
    customer: Mapped["Customer"] = relationship()  # noqa: F821
    items: Mapped[list[ProformaItem]] = relationship(back_populates="proforma", cascade="all, delete-orphan",
                                                     order_by="ProformaItem.id")

    kind = "proforma"


class ProformaItem(_Item, Base):
    __tablename__ = "proforma_items"
    proforma_id: Mapped[int] = mapped_column(ForeignKey("proforma_invoices.id"), index=True)
    proforma: Mapped[ProformaInvoice] = relationship(back_populates="items")


class Payment(Timestamped, Base):
    """Money received; ``(gateway, gateway_reference)`` is unique so a gateway answer books once."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("gateway", "gateway_reference"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    proforma_id: Mapped[int | None] = mapped_column(ForeignKey("proforma_invoices.id"))
    payment_method_id: Mapped[int] = mapped_column(ForeignKey("payment_methods.id"))
    receipt_number: Mapped[str] = mapped_column(String(32), unique=True)
    date: Mapped[date]
    amount: Mapped[Decimal]
    comment: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(String(255), default="")
    field_1: Mapped[str] = mapped_column(String(128), default="")
    field_2: Mapped[str] = mapped_column(String(128), default="")
    field_3: Mapped[str] = mapped_column(String(128), default="")
    field_4: Mapped[str] = mapped_column(String(128), default="")
    field_5: Mapped[str] = mapped_column(String(128), default="")
    gateway: Mapped[str | None] = mapped_column(String(32))
    gateway_reference: Mapped[str | None] = mapped_column(String(64))
    approval_code: Mapped[str] = mapped_column(String(32), default="")
    #: a refund payment (negative amount) points at the payment it refunds
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    added_by: Mapped[str] = mapped_column(String(64), default="system")

    customer: Mapped["Customer"] = relationship()  # noqa: F821
    method: Mapped[PaymentMethod] = relationship()
    invoice: Mapped[Invoice | None] = relationship()
    proforma: Mapped[ProformaInvoice | None] = relationship()
    allocations: Mapped[list[PaymentAllocation]] = relationship(back_populates="payment")


class PaymentAllocation(Base):
    """The part of a payment that settled one invoice or proforma."""

    __tablename__ = "payment_allocations"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    proforma_id: Mapped[int | None] = mapped_column(ForeignKey("proforma_invoices.id"), index=True)
    amount: Mapped[Decimal]

    payment: Mapped[Payment] = relationship(back_populates="allocations")


class Transaction(Base):
    """A ledger line: debit lowers the balance (charges), credit raises it (payments)."""

    __tablename__ = "transactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    type: Mapped[str] = mapped_column(String(8))  # debit | credit
    date: Mapped[date]
    category_id: Mapped[int] = mapped_column(ForeignKey("transaction_categories.id"))
    description: Mapped[str] = mapped_column(String(255))
    total: Mapped[Decimal]
    #: the customer's balance right after this line (the running balance)
    balance_after: Mapped[Decimal]
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    source: Mapped[str] = mapped_column(String(16), default="manual")
    comment: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[TransactionCategory] = relationship()


class NumberSequence(Base):
    """The last number handed out per prefix (invoice, proforma and receipt numbers)."""

    __tablename__ = "number_sequences"
    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
