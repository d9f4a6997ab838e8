"""IntentPay: first tables

Revision ID: intentpay0001
Revises:
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "intentpay0001"
down_revision = None
#: the add-on's own branch: `splynx db upgrade` and installs migrate it; purge drops it
branch_labels = ("intentpay",)
depends_on = "host0001"


def upgrade() -> None:
    op.create_table(
        "intentpay_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("gateway_id", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("ix_intentpay_transactions_customer_id", "intentpay_transactions", ["customer_id"])


def downgrade() -> None:
    op.drop_table("intentpay_transactions")

