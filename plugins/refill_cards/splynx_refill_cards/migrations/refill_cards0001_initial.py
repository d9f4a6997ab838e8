"""refill cards: series, cards, redeem guards, exports

Revision ID: refill_cards0001
Revises:
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

#: case-sensitive codes on MariaDB/MySQL too (their default collations ignore case)
CODE_TYPE = sa.String(length=96).with_variant(mysql.VARCHAR(96, collation="utf8mb4_bin"), "mysql", "mariadb")


revision = "refill_cards0001"
down_revision = None
branch_labels = ("refill_cards",)
depends_on = "host0001"


def upgrade() -> None:
    op.create_table(
        "refill_cards_series",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("valid_till", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"],
                                name=op.f("fk_refill_cards_series_partner_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refill_cards_series")),
    )
    op.create_index(op.f("ix_refill_cards_series_partner_id"), "refill_cards_series", ["partner_id"])
    op.create_table(
        "refill_cards_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("full_code", CODE_TYPE, nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("valid_till", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("activated_at", sa.DateTime(), nullable=True),
        sa.Column("redeemed_by", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("attempt_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["series_id"], ["refill_cards_series.id"],
                                name=op.f("fk_refill_cards_cards_series_id_refill_cards_series")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_refill_cards_cards_customer_id_customers")),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"],
                                name=op.f("fk_refill_cards_cards_payment_id_payments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refill_cards_cards")),
        sa.UniqueConstraint("full_code", name=op.f("uq_refill_cards_cards_full_code")),
        sa.UniqueConstraint("attempt_key", name=op.f("uq_refill_cards_cards_attempt_key")),
    )
    op.create_index(op.f("ix_refill_cards_cards_series_id"), "refill_cards_cards", ["series_id"])
    op.create_index(op.f("ix_refill_cards_cards_status"), "refill_cards_cards", ["status"])
    op.create_index(op.f("ix_refill_cards_cards_customer_id"), "refill_cards_cards", ["customer_id"])
    op.create_table(
        "refill_cards_redeem_guards",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_refill_cards_redeem_guards_customer_id_customers")),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_refill_cards_redeem_guards")),
    )
    op.create_table(
        "refill_cards_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=128), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["series_id"], ["refill_cards_series.id"],
                                name=op.f("fk_refill_cards_exports_series_id_refill_cards_series")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refill_cards_exports")),
    )
    op.create_index(op.f("ix_refill_cards_exports_series_id"), "refill_cards_exports", ["series_id"])


def downgrade() -> None:
    op.drop_table("refill_cards_exports")
    op.drop_table("refill_cards_redeem_guards")
    op.drop_table("refill_cards_cards")
    op.drop_table("refill_cards_series")
