"""payment attempts: form intent keys, notes and the reconciler's check schedule

Revision ID: host0003
Revises: host0002
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = 'host0003'
down_revision = 'host0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intent', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('note', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('checks', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_checked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('next_check_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_payment_attempts_intent'), ['intent'])
        batch_op.create_index(batch_op.f('ix_payment_attempts_next_check_at'), ['next_check_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_attempts_next_check_at'))
        batch_op.drop_constraint(batch_op.f('uq_payment_attempts_intent'), type_='unique')
        batch_op.drop_column('next_check_at')
        batch_op.drop_column('last_checked_at')
        batch_op.drop_column('checks')
        batch_op.drop_column('note')
        batch_op.drop_column('intent')
