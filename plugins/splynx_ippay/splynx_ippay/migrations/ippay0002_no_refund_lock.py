"""ippay journal: the host owns the per-payment refund lock; drop the journal's copy

Revision ID: ippay0002
Revises: ippay0001
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "ippay0002"
down_revision = "ippay0001"
branch_labels = None
depends_on = "host0003"


def upgrade() -> None:
    with op.batch_alter_table("ippay_transactions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_ippay_transactions_open_refund"), type_="unique")
        batch_op.drop_column("open_refund")


def downgrade() -> None:
    with op.batch_alter_table("ippay_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_refund", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_ippay_transactions_open_refund"), ["open_refund"])
