"""customer import reports, sales targets (splits, recorded sales, attainment)

Revision ID: 0005_sales_targets
Revises: 0001_customers
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_sales_targets'
down_revision = '0003_public_pool'
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'customer_import_reports',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=False),
        sa.Column('error_count', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_import_reports')))
    op.create_index('ix_customer_import_reports_created', 'customer_import_reports',
                    ['created_at'])
    op.create_table(
        'sales_targets',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('campus_id', sa.String(length=64), nullable=False),
        sa.Column('customer_type', sa.String(length=50), nullable=False),
        sa.Column('department_id', sa.String(length=64), nullable=False),
        sa.Column('region_id', sa.String(length=64), nullable=True),
        sa.Column('amount_fen', _BIGINT, nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_targets')))
    op.create_index('ix_sales_targets_department', 'sales_targets',
                    ['department_id', 'period_start', 'id'])
    op.create_index('ix_sales_targets_region', 'sales_targets',
                    ['region_id', 'period_start', 'id'])
    op.create_index('ix_sales_targets_period', 'sales_targets', ['period_start', 'id'])
    op.create_table(
        'sales_target_splits',
        sa.Column('target_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('amount_fen', _BIGINT, nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['target_id'], ['sales_targets.id'],
                                name=op.f('fk_sales_target_splits_target_id_sales_targets')),
        sa.PrimaryKeyConstraint('target_id', 'user_id', name=op.f('pk_sales_target_splits')))
    op.create_table(
        'recorded_sales',
        sa.Column('sale_id', sa.String(length=100), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('department_id', sa.String(length=64), nullable=True),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('campus_id', sa.String(length=64), nullable=False),
        sa.Column('customer_type', sa.String(length=50), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('amount_fen', _BIGINT, nullable=False),
        sa.Column('sold_on', sa.Date(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancelled', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('sale_id', name=op.f('pk_recorded_sales')))
    op.create_index('ix_recorded_sales_department_sold', 'recorded_sales',
                    ['department_id', 'sold_on'])
    op.create_table(
        'sales_attainment',
        sa.Column('target_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('amount_fen', _BIGINT, nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['target_id'], ['sales_targets.id'],
                                name=op.f('fk_sales_attainment_target_id_sales_targets')),
        sa.PrimaryKeyConstraint('target_id', 'user_id', name=op.f('pk_sales_attainment')))


def downgrade() -> None:
    op.drop_table('sales_attainment')
    op.drop_index('ix_recorded_sales_department_sold', table_name='recorded_sales')
    op.drop_table('recorded_sales')
    op.drop_table('sales_target_splits')
    op.drop_index('ix_sales_targets_period', table_name='sales_targets')
    op.drop_index('ix_sales_targets_region', table_name='sales_targets')
    op.drop_index('ix_sales_targets_department', table_name='sales_targets')
    op.drop_table('sales_targets')
    op.drop_index('ix_customer_import_reports_created', table_name='customer_import_reports')
    op.drop_table('customer_import_reports')
