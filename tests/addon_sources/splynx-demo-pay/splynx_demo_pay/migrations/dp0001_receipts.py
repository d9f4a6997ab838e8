"""demo_pay receipts

Revision ID: dp0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "dp0001"
down_revision = None
branch_labels = ("demo_pay",)
depends_on = "host0001"


def upgrade() -> None:
    op.create_table("demo_pay_receipts",
                    sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("reference", sa.String(64), nullable=False))


def downgrade() -> None:
    op.drop_table("demo_pay_receipts")
