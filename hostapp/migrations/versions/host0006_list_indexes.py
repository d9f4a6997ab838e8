"""indexes matching the invoice list pages' order and status filter

Revision ID: host0006
Revises: host0005
Create Date: 2026-12-02
"""
from alembic import op


revision = 'host0006'
down_revision = 'host0005'
branch_labels = None
depends_on = None

TABLES = ('invoices', 'proforma_invoices')


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f'ix_{table}_date_created_id', table, ['date_created', 'id'])
        op.create_index(f'ix_{table}_status_date_created_id', table, ['status', 'date_created', 'id'])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f'ix_{table}_status_date_created_id', table_name=table)
        op.drop_index(f'ix_{table}_date_created_id', table_name=table)
