"""The add-on's table, declared on the host's metadata."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base


class DemoPayReceipt(Base):
    """A receipt the add-on keeps (test data that must survive a remove)."""

    __tablename__ = "demo_pay_receipts"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64))
