"""host schema

Revision ID: host0001
Revises: 
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = 'host0001'
down_revision = None
branch_labels = ('host',)
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=128), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('entry_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module', sa.String(length=32), nullable=False),
    sa.Column('addon_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=8), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('root', sa.String(length=32), nullable=False),
    sa.Column('model', sa.String(length=32), nullable=True),
    sa.Column('size', sa.String(length=16), nullable=False),
    sa.Column('placement', sa.String(length=16), nullable=False),
    sa.Column('icon', sa.String(length=64), nullable=False),
    sa.Column('background', sa.String(length=16), nullable=False),
    sa.Column('url', sa.String(length=255), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('partners', sa.JSON(), nullable=False),
    sa.Column('locations', sa.JSON(), nullable=False),
    sa.Column('payment_types', sa.JSON(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('edited', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_points')),
    sa.UniqueConstraint('module', 'name', name=op.f('uq_entry_points_module_name'))
    )
    with op.batch_alter_table('entry_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_points_addon_id'), ['addon_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_points_module'), ['module'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('log', sa.Text(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)

    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations')),
    sa.UniqueConstraint('name', name=op.f('uq_locations_name'))
    )
    op.create_table('module_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('addon_id', sa.String(length=32), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('encrypted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_settings')),
    sa.UniqueConstraint('addon_id', 'partner_id', 'key', name=op.f('uq_module_settings_addon_id_partner_id_key'))
    )
    with op.batch_alter_table('module_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_settings_addon_id'), ['addon_id'], unique=False)

    op.create_table('modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('addon_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('root', sa.String(length=32), nullable=False),
    sa.Column('portal_entry_points_enabled', sa.Boolean(), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modules')),
    sa.UniqueConstraint('addon_id', name=op.f('uq_modules_addon_id')),
    sa.UniqueConstraint('name', name=op.f('uq_modules_name'))
    )
    op.create_table('number_sequences',
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_number_sequences'))
    )
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
    sa.UniqueConstraint('name', name=op.f('uq_partners_name'))
    )
    op.create_table('payment_account_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('addon_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=False),
    sa.Column('field_labels', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_account_types')),
    sa.UniqueConstraint('addon_id', 'key', name=op.f('uq_payment_account_types_addon_id_key'))
    )
    op.create_table('payment_methods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('addon_id', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_methods')),
    sa.UniqueConstraint('name', name=op.f('uq_payment_methods_name'))
    )
    op.create_table('transaction_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transaction_categories')),
    sa.UniqueConstraint('name', name=op.f('uq_transaction_categories_name'))
    )
    op.create_table('admins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('email', sa.String(length=128), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('last_login', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_admins_partner_id_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admins')),
    sa.UniqueConstraint('login', name=op.f('uq_admins_login'))
    )
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('email', sa.String(length=128), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('billing_type', sa.String(length=16), nullable=False),
    sa.Column('street', sa.String(length=128), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=False),
    sa.Column('city', sa.String(length=64), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('payment_method_id', sa.Integer(), nullable=True),
    sa.Column('balance', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_customers_location_id_locations')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_customers_partner_id_partners')),
    sa.ForeignKeyConstraint(['payment_method_id'], ['payment_methods.id'], name=op.f('fk_customers_payment_method_id_payment_methods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('login', name=op.f('uq_customers_login'))
    )
    op.create_table('invoices',
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('added_by', sa.String(length=16), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('date_created', sa.Date(), nullable=False),
    sa.Column('date_till', sa.Date(), nullable=False),
    sa.Column('date_payment', sa.Date(), nullable=True),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('due', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_invoices_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_date_created'), ['date_created'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_status'), ['status'], unique=False)

    op.create_table('payment_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('account_type_id', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('token', sa.String(length=128), nullable=False),
    sa.Column('brand', sa.String(length=32), nullable=False),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('expiry', sa.String(length=7), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_type_id'], ['payment_account_types.id'], name=op.f('fk_payment_accounts_account_type_id_payment_account_types')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_payment_accounts_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_accounts'))
    )
    with op.batch_alter_table('payment_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_accounts_customer_id'), ['customer_id'], unique=False)

    op.create_table('proforma_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('date_created', sa.Date(), nullable=False),
    sa.Column('date_till', sa.Date(), nullable=False),
    sa.Column('date_payment', sa.Date(), nullable=True),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('due', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_proforma_invoices_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proforma_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_proforma_invoices_number'))
    )
    with op.batch_alter_table('proforma_invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proforma_invoices_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proforma_invoices_date_created'), ['date_created'], unique=False)
        batch_op.create_index(batch_op.f('ix_proforma_invoices_status'), ['status'], unique=False)

    op.create_table('invoice_items',
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('tax', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=True),
    sa.Column('period_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_items_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_items'))
    )
    with op.batch_alter_table('invoice_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_items_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('proforma_id', sa.Integer(), nullable=True),
    sa.Column('payment_method_id', sa.Integer(), nullable=False),
    sa.Column('receipt_number', sa.String(length=32), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('comment', sa.String(length=255), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('field_1', sa.String(length=128), nullable=False),
    sa.Column('field_2', sa.String(length=128), nullable=False),
    sa.Column('field_3', sa.String(length=128), nullable=False),
    sa.Column('field_4', sa.String(length=128), nullable=False),
    sa.Column('field_5', sa.String(length=128), nullable=False),
    sa.Column('gateway', sa.String(length=32), nullable=True),
    sa.Column('gateway_reference', sa.String(length=64), nullable=True),
    sa.Column('approval_code', sa.String(length=32), nullable=False),
    sa.Column('refund_of_id', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_payments_customer_id_customers')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payments_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_method_id'], ['payment_methods.id'], name=op.f('fk_payments_payment_method_id_payment_methods')),
    sa.ForeignKeyConstraint(['proforma_id'], ['proforma_invoices.id'], name=op.f('fk_payments_proforma_id_proforma_invoices')),
    sa.ForeignKeyConstraint(['refund_of_id'], ['payments.id'], name=op.f('fk_payments_refund_of_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('gateway', 'gateway_reference', name=op.f('uq_payments_gateway_gateway_reference')),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_payments_receipt_number'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_customer_id'), ['customer_id'], unique=False)

    op.create_table('proforma_items',
    sa.Column('proforma_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('tax', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=True),
    sa.Column('period_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['proforma_id'], ['proforma_invoices.id'], name=op.f('fk_proforma_items_proforma_id_proforma_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proforma_items'))
    )
    with op.batch_alter_table('proforma_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proforma_items_proforma_id'), ['proforma_id'], unique=False)

    op.create_table('payment_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('proforma_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payment_allocations_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_allocations_payment_id_payments')),
    sa.ForeignKeyConstraint(['proforma_id'], ['proforma_invoices.id'], name=op.f('fk_payment_allocations_proforma_id_proforma_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_allocations'))
    )
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_allocations_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_allocations_payment_id'), ['payment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_allocations_proforma_id'), ['proforma_id'], unique=False)

    op.create_table('payment_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('gateway', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('open_target', sa.String(length=40), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('gateway_reference', sa.String(length=64), nullable=True),
    sa.Column('approval_code', sa.String(length=32), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('initiated_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['payment_accounts.id'], name=op.f('fk_payment_attempts_account_id_payment_accounts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_payment_attempts_customer_id_customers')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_attempts_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_attempts')),
    sa.UniqueConstraint('gateway', 'gateway_reference', name=op.f('uq_payment_attempts_gateway_gateway_reference')),
    sa.UniqueConstraint('key', name=op.f('uq_payment_attempts_key')),
    sa.UniqueConstraint('open_target', name=op.f('uq_payment_attempts_open_target'))
    )
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_attempts_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_attempts_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_attempts_gateway'), ['gateway'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_attempts_status'), ['status'], unique=False)

    op.create_table('transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=8), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('balance_after', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['transaction_categories.id'], name=op.f('fk_transactions_category_id_transaction_categories')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_transactions_customer_id_customers')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_transactions_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_transactions_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transactions'))
    )
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transactions_customer_id'), ['customer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transactions_customer_id'))

    op.drop_table('transactions')
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_attempts_status'))
        batch_op.drop_index(batch_op.f('ix_payment_attempts_gateway'))
        batch_op.drop_index(batch_op.f('ix_payment_attempts_customer_id'))
        batch_op.drop_index(batch_op.f('ix_payment_attempts_batch_id'))

    op.drop_table('payment_attempts')
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_allocations_proforma_id'))
        batch_op.drop_index(batch_op.f('ix_payment_allocations_payment_id'))
        batch_op.drop_index(batch_op.f('ix_payment_allocations_invoice_id'))

    op.drop_table('payment_allocations')
    with op.batch_alter_table('proforma_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proforma_items_proforma_id'))

    op.drop_table('proforma_items')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_customer_id'))

    op.drop_table('payments')
    with op.batch_alter_table('invoice_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_items_invoice_id'))

    op.drop_table('invoice_items')
    with op.batch_alter_table('proforma_invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proforma_invoices_status'))
        batch_op.drop_index(batch_op.f('ix_proforma_invoices_date_created'))
        batch_op.drop_index(batch_op.f('ix_proforma_invoices_customer_id'))

    op.drop_table('proforma_invoices')
    with op.batch_alter_table('payment_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_accounts_customer_id'))

    op.drop_table('payment_accounts')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_status'))
        batch_op.drop_index(batch_op.f('ix_invoices_date_created'))
        batch_op.drop_index(batch_op.f('ix_invoices_customer_id'))

    op.drop_table('invoices')
    op.drop_table('customers')
    op.drop_table('admins')
    op.drop_table('transaction_categories')
    op.drop_table('payment_methods')
    op.drop_table('payment_account_types')
    op.drop_table('partners')
    op.drop_table('number_sequences')
    op.drop_table('modules')
    with op.batch_alter_table('module_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_settings_addon_id'))

    op.drop_table('module_settings')
    op.drop_table('locations')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_jobs_kind'))

    op.drop_table('jobs')
    with op.batch_alter_table('entry_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_points_module'))
        batch_op.drop_index(batch_op.f('ix_entry_points_addon_id'))

    op.drop_table('entry_points')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
