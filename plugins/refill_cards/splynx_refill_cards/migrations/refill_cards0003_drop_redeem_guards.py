"""refill cards: wrong codes are counted by the host's rate limiter, not in a table

Revision ID: refill_cards0003
Revises: refill_cards0002
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "refill_cards0003"
down_revision = "refill_cards0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("refill_cards_redeem_guards")


def downgrade() -> None:
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
