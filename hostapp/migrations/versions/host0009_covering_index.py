"""invoices and proforma invoices: one index by status and date that also carries what the Charge Preview
sums, replacing the indexes that it or (date_created, id) begins with

Revision ID: host0009
Revises: host0008
Create Date: 2026-12-03
"""
from alembic import op


revision = 'host0009'
down_revision = 'host0008'
branch_labels = None
depends_on = None

TABLES = ('invoices', 'proforma_invoices')
COVERING_COLUMNS = ['status', 'date_created', 'id', 'customer_id', 'total', 'due']
#: the indexes the covering one (or ``(date_created, id)``) begins with: name → columns
REPLACED = {'status': ['status'], 'date_created': ['date_created'],
            'status_date_created_id': ['status', 'date_created', 'id']}


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f'ix_{table}_status_date_created_covering', table, COVERING_COLUMNS)
        for name in REPLACED:
            op.drop_index(f'ix_{table}_{name}', table_name=table)


def downgrade() -> None:
    for table in TABLES:
        for name, columns in REPLACED.items():
            op.create_index(f'ix_{table}_{name}', table, columns)
        op.drop_index(f'ix_{table}_status_date_created_covering', table_name=table)
