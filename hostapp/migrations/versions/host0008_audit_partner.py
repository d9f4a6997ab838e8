"""the partner an audit entry concerns, so partner-limited administrators see only theirs

Revision ID: host0008
Revises: host0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op


revision = 'host0008'
down_revision = 'host0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log') as batch:
        batch.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch.create_index('ix_audit_log_partner_id', ['partner_id'])


def downgrade() -> None:
    with op.batch_alter_table('audit_log') as batch:
        batch.drop_index('ix_audit_log_partner_id')
        batch.drop_column('partner_id')
