"""The host's SQLAlchemy models, one module per concern."""

from core.models import Base, utcnow
from .charging import AutoChargeFilter, ChargeBatch, ChargeBatchItem, ChargeChunk, ChargeChunkTally, ChargeLane
from .finance import (
    DEFAULT_PAYMENT_METHODS,
    DEFAULT_TRANSACTION_CATEGORIES,
    Invoice,
    InvoiceItem,
    NumberSequence,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    ProformaInvoice,
    ProformaItem,
    Transaction,
    TransactionCategory,
)
from .gateway import PaymentAccount, PaymentAccountType, PaymentAttempt
from .mail import MAIL_STATUSES, MailMessage, MailTemplateRecord
from .ops import AuditEntry, Job
from .people import Admin, Customer, Location, Partner
from .registry import EntryPointRecord, Module, ModuleSetting

__all__ = [
    "DEFAULT_PAYMENT_METHODS", "DEFAULT_TRANSACTION_CATEGORIES", "Admin", "AuditEntry", "AutoChargeFilter", "Base",
    "ChargeBatch", "ChargeBatchItem", "ChargeChunk", "ChargeChunkTally", "ChargeLane", "Customer",
    "EntryPointRecord", "Invoice", "InvoiceItem", "Job", "Location", "MAIL_STATUSES", "MailMessage", "MailTemplateRecord", "Module", "ModuleSetting", "NumberSequence",
    "Partner", "Payment", "PaymentAccount", "PaymentAccountType", "PaymentAllocation", "PaymentAttempt",
    "PaymentMethod", "ProformaInvoice", "ProformaItem", "Transaction", "TransactionCategory", "utcnow",
]
