"""The installed add-on registry: modules, their settings and their entry points."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped, utcnow

MODULE_STATUSES = ("enabled", "disabled", "removed", "broken")


class Module(Timestamped, Base):
    """One add-on as the Modules list shows it."""

    __tablename__ = "modules"
    id: Mapped[int] = mapped_column(primary_key=True)
    addon_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)  # splynx_<id>_addon
    title: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="enabled")
    root: Mapped[str] = mapped_column(String(32), default="finance")
    portal_entry_points_enabled: Mapped[bool] = mapped_column(default=True)
    path: Mapped[str] = mapped_column(String(255), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def is_active(self) -> bool:
        return self.status == "enabled"


class ModuleSetting(Base):
    """One setting value; ``partner_id`` 0 is the default every partner inherits."""

    __tablename__ = "module_settings"
    __table_args__ = (UniqueConstraint("addon_id", "partner_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    addon_id: Mapped[str] = mapped_column(String(32), index=True)
    partner_id: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(64))
    #: JSON text, or a Fernet token when ``encrypted``
    value: Mapped[str] = mapped_column(Text)
    encrypted: Mapped[bool] = mapped_column(default=False)


class EntryPointRecord(Base):
    """A stored entry point; ``edited`` names the fields an admin changed (kept on upgrade)."""

    __tablename__ = "entry_points"
    __table_args__ = (UniqueConstraint("module", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(String(32), index=True)
    addon_id: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(8))
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(128), default="")
    root: Mapped[str] = mapped_column(String(32), default="")
    model: Mapped[str | None] = mapped_column(String(32))
    size: Mapped[str] = mapped_column(String(16), default="medium")
    placement: Mapped[str] = mapped_column(String(16), default="before_content")
    icon: Mapped[str] = mapped_column(String(64), default="")
    background: Mapped[str] = mapped_column(String(16), default="")
    url: Mapped[str] = mapped_column(String(255), default="")
    code: Mapped[str] = mapped_column(Text, default="")
    partners: Mapped[list] = mapped_column(JSON, default=list)
    locations: Mapped[list] = mapped_column(JSON, default=list)
    payment_types: Mapped[list] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(default=False)
    edited: Mapped[list] = mapped_column(JSON, default=list)
