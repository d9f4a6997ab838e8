"""bad_migration items: creates a table, then runs a statement no database accepts

Revision ID: bm0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "bm0001"
down_revision = None
branch_labels = ("bad_migration",)
depends_on = "host0001"


def upgrade() -> None:
    op.create_table("bad_migration_items", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("SELECT no_such_column FROM no_such_table_anywhere")


def downgrade() -> None:
    op.drop_table("bad_migration_items")
