"""ippay transaction journal

Revision ID: ippay0001
Revises:
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "ippay0001"
down_revision = None
branch_labels = ("ippay",)
depends_on = "host0001"


def upgrade() -> None:
    op.create_table(
        "ippay_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("transaction_type", sa.String(length=16), nullable=False),
        sa.Column("transaction_id", sa.String(length=32), nullable=False),
        sa.Column("gateway_transaction_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("refund_of_payment_id", sa.Integer(), nullable=True),
        sa.Column("open_refund", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("action_code", sa.String(length=8), nullable=False),
        sa.Column("approval", sa.String(length=16), nullable=False),
        sa.Column("response_text", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_ippay_transactions_customer_id_customers")),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"],
                                name=op.f("fk_ippay_transactions_payment_id_payments")),
        sa.ForeignKeyConstraint(["refund_of_payment_id"], ["payments.id"],
                                name=op.f("fk_ippay_transactions_refund_of_payment_id_payments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ippay_transactions")),
        sa.UniqueConstraint("reference", name=op.f("uq_ippay_transactions_reference")),
        sa.UniqueConstraint("open_refund", name=op.f("uq_ippay_transactions_open_refund")),
    )
    op.create_index(op.f("ix_ippay_transactions_transaction_id"), "ippay_transactions", ["transaction_id"])
    op.create_index(op.f("ix_ippay_transactions_customer_id"), "ippay_transactions", ["customer_id"])
    op.create_index(op.f("ix_ippay_transactions_status"), "ippay_transactions", ["status"])


def downgrade() -> None:
    op.drop_table("ippay_transactions")
