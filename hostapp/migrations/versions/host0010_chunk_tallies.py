"""charge batches: each chunk's items counted by outcome once (a batch's progress adds these up),
items found by their payment attempt, and no index on an item's status (every query of items names
their batch or chunk first; a status index only cost a write at each of an item's three statuses)

Batches charged before this revision have no tallies; their progress is counted from their
items, as before.

Revision ID: host0010
Revises: host0009
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op


revision = 'host0010'
down_revision = 'host0009'
branch_labels = None
depends_on = None

ATTEMPT_INDEX = 'ix_charge_batch_items_attempt_id'
STATUS_INDEX = 'ix_charge_batch_items_status'
FOREIGN_KEY_INDEX = 'fk_charge_batch_items_attempt_id_payment_attempts'
COUNTS = ('items', 'queued', 'in_flight', 'approved', 'declined', 'unknown', 'skipped')


def upgrade() -> None:
    op.create_table(
        'charge_chunk_tallies',
        sa.Column('chunk_id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column('charged_sum', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['charge_batches.id'],
                                name=op.f('fk_charge_chunk_tallies_batch_id_charge_batches'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['chunk_id'], ['charge_chunks.id'],
                                name=op.f('fk_charge_chunk_tallies_chunk_id_charge_chunks'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('chunk_id', name=op.f('pk_charge_chunk_tallies')),
    )
    op.create_index(op.f('ix_charge_chunk_tallies_batch_id'), 'charge_chunk_tallies', ['batch_id'])
    if op.get_bind().dialect.name == 'mysql':
        _rename_attempt_index(FOREIGN_KEY_INDEX, ATTEMPT_INDEX)
    else:
        op.create_index(ATTEMPT_INDEX, 'charge_batch_items', ['attempt_id'])
    op.drop_index(STATUS_INDEX, table_name='charge_batch_items')


def downgrade() -> None:
    op.create_index(STATUS_INDEX, 'charge_batch_items', ['status'])
    if op.get_bind().dialect.name == 'mysql':
        _rename_attempt_index(ATTEMPT_INDEX, FOREIGN_KEY_INDEX)
    else:
        op.drop_index(ATTEMPT_INDEX, table_name='charge_batch_items')
    op.drop_table('charge_chunk_tallies')


def _rename_attempt_index(old: str, new: str) -> None:
    """MariaDB already indexes the item's attempt for its foreign key, under the constraint's name
    (and refuses to drop an index a foreign key needs): that index is renamed both ways."""
    op.execute(f'ALTER TABLE charge_batch_items RENAME INDEX {old} TO {new}')
