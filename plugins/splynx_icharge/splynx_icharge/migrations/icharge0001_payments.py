"""icharge payment journal

Revision ID: icharge0001
Revises:
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = "icharge0001"
down_revision = None
branch_labels = ("icharge",)
depends_on = "host0001"


def upgrade() -> None:
    op.create_table(
        "icharge_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("gateway_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("response_code", sa.String(length=8), nullable=False),
        sa.Column("auth_code", sa.String(length=16), nullable=False),
        sa.Column("response_text", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_icharge_payments_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_icharge_payments")),
        sa.UniqueConstraint("reference", name=op.f("uq_icharge_payments_reference")),
    )
    op.create_index(op.f("ix_icharge_payments_gateway_id"), "icharge_payments", ["gateway_id"])
    op.create_index(op.f("ix_icharge_payments_customer_id"), "icharge_payments", ["customer_id"])
    op.create_index(op.f("ix_icharge_payments_status"), "icharge_payments", ["status"])


def downgrade() -> None:
    op.drop_table("icharge_payments")
