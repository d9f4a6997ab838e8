"""administrators limited to several partners; revocable session tokens

Revision ID: host0004
Revises: host0003
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = 'host0004'
down_revision = 'host0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    admin_partners = op.create_table('admin_partners',
    sa.Column('admin_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_admin_partners_admin_id_admins'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_admin_partners_partner_id_partners'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('admin_id', 'partner_id', name=op.f('pk_admin_partners'))
    )
    admins = sa.table('admins', sa.column('id', sa.Integer()), sa.column('partner_id', sa.Integer()))
    op.execute(admin_partners.insert().from_select(
        ['admin_id', 'partner_id'], sa.select(admins.c.id, admins.c.partner_id).where(admins.c.partner_id.isnot(None))))
    with op.batch_alter_table('admins') as batch_op:
        batch_op.drop_constraint(op.f('fk_admins_partner_id_partners'), type_='foreignkey')
        batch_op.drop_column('partner_id')
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('customers') as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('customers') as batch_op:
        batch_op.drop_column('session_token')
    with op.batch_alter_table('admins') as batch_op:
        batch_op.drop_column('session_token')
        batch_op.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_admins_partner_id_partners'), 'partners', ['partner_id'], ['id'])
    op.drop_table('admin_partners')
