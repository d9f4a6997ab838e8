"""charge batches, items, lanes, auto charge filters

Revision ID: host0002
Revises: host0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = 'host0002'
down_revision = 'host0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('charge_auto_filters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('target_kind', sa.String(length=16), nullable=False),
    sa.Column('schedule', sa.String(length=24), nullable=False),
    sa.Column('days_after_issue', sa.Integer(), nullable=False),
    sa.Column('handler', sa.String(length=32), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('last_run_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_auto_filters'))
    )
    op.create_table('charge_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handler', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('target_kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('concurrency', sa.Integer(), nullable=False),
    sa.Column('lanes', sa.Integer(), nullable=False),
    sa.Column('runner', sa.String(length=16), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('total_sum', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('due_sum', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('auto_filter_id', sa.Integer(), nullable=True),
    sa.Column('run_date', sa.Date(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['auto_filter_id'], ['charge_auto_filters.id'], name=op.f('fk_charge_batches_auto_filter_id_charge_auto_filters'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_batches')),
    sa.UniqueConstraint('auto_filter_id', 'run_date', name=op.f('uq_charge_batches_auto_filter_id_run_date'))
    )
    with op.batch_alter_table('charge_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charge_batches_status'), ['status'], unique=False)

    op.create_table('charge_chunks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('owner', sa.String(length=96), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('claims', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['charge_batches.id'], name=op.f('fk_charge_chunks_batch_id_charge_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_chunks')),
    sa.UniqueConstraint('batch_id', 'number', name=op.f('uq_charge_chunks_batch_id_number'))
    )
    with op.batch_alter_table('charge_chunks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charge_chunks_batch_id'), ['batch_id'], unique=False)

    op.create_table('charge_lanes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=96), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['charge_batches.id'], name=op.f('fk_charge_lanes_batch_id_charge_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_lanes')),
    sa.UniqueConstraint('batch_id', 'number', name=op.f('uq_charge_lanes_batch_id_number'))
    )
    with op.batch_alter_table('charge_lanes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charge_lanes_batch_id'), ['batch_id'], unique=False)

    op.create_table('charge_batch_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('chunk_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('log', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['payment_attempts.id'], name=op.f('fk_charge_batch_items_attempt_id_payment_attempts')),
    sa.ForeignKeyConstraint(['batch_id'], ['charge_batches.id'], name=op.f('fk_charge_batch_items_batch_id_charge_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chunk_id'], ['charge_chunks.id'], name=op.f('fk_charge_batch_items_chunk_id_charge_chunks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_charge_batch_items_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_batch_items')),
    sa.UniqueConstraint('batch_id', 'target_id', name=op.f('uq_charge_batch_items_batch_id_target_id'))
    )
    with op.batch_alter_table('charge_batch_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charge_batch_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charge_batch_items_chunk_id'), ['chunk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charge_batch_items_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('charge_batch_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charge_batch_items_status'))
        batch_op.drop_index(batch_op.f('ix_charge_batch_items_chunk_id'))
        batch_op.drop_index(batch_op.f('ix_charge_batch_items_batch_id'))

    op.drop_table('charge_batch_items')
    with op.batch_alter_table('charge_lanes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charge_lanes_batch_id'))

    op.drop_table('charge_lanes')
    with op.batch_alter_table('charge_chunks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charge_chunks_batch_id'))

    op.drop_table('charge_chunks')
    with op.batch_alter_table('charge_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charge_batches_status'))

    op.drop_table('charge_batches')
    op.drop_table('charge_auto_filters')
