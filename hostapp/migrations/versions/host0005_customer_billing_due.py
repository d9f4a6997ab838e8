"""customers: payment due (days an invoice gives the customer to pay)

Revision ID: host0005
Revises: host0004
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = 'host0005'
down_revision = 'host0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customers') as batch_op:
        batch_op.add_column(sa.Column('billing_due', sa.Integer(), nullable=False, server_default='14'))


def downgrade() -> None:
    with op.batch_alter_table('customers') as batch_op:
        batch_op.drop_column('billing_due')
