"""refill cards: a series may be locked to its partner

Revision ID: refill_cards0002
Revises: refill_cards0001
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "refill_cards0002"
down_revision = "refill_cards0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # series made before keep their behaviour: locked only when the add-on setting locks every series
    with op.batch_alter_table("refill_cards_series") as batch:
        batch.add_column(sa.Column("locked_to_partner", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("refill_cards_series") as batch:
        batch.drop_column("locked_to_partner")
