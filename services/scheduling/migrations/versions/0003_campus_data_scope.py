"""campuses in the org tree (data scope) and keyset indexes

campuses.region_id and campus_departments place a campus in identity's org tree so that a
region's director or a department's manager sees only their campuses. Existing campuses are
backfilled unplaced (region_id NULL, no departments): only `all`-scope callers see them until
an administrator sets their region (UpsertCampus), so nothing becomes visible to a scope it
was not meant for. The indexes serve the lists' keyset pages (ORDER BY name, id etc.).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campuses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_campuses_region_id', ['region_id'], unique=False)
        batch_op.create_index('ix_campuses_name_id', ['name', 'id'], unique=False)
    op.create_table(
        'campus_departments',
        sa.Column('campus_id', sa.String(length=64), nullable=False),
        sa.Column('department_id', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'],
                                name=op.f('fk_campus_departments_campus_id_campuses')),
        sa.PrimaryKeyConstraint('campus_id', 'department_id', name=op.f('pk_campus_departments')),
    )
    op.create_index('ix_campus_departments_department_id', 'campus_departments',
                    ['department_id'], unique=False)
    op.create_index('ix_teachers_campus_name_id', 'teachers', ['campus_id', 'name', 'id'],
                    unique=False)
    op.create_index('ix_terms_campus_start_id', 'terms', ['campus_id', 'start_date', 'id'],
                    unique=False)
    op.create_index('ix_courses_name_id', 'courses', ['name', 'id'], unique=False)
    op.create_index('ix_class_sections_campus_name_id', 'class_sections',
                    ['campus_id', 'name', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_class_sections_campus_name_id', table_name='class_sections')
    op.drop_index('ix_courses_name_id', table_name='courses')
    op.drop_index('ix_terms_campus_start_id', table_name='terms')
    op.drop_index('ix_teachers_campus_name_id', table_name='teachers')
    op.drop_index('ix_campus_departments_department_id', table_name='campus_departments')
    op.drop_table('campus_departments')
    with op.batch_alter_table('campuses', schema=None) as batch_op:
        batch_op.drop_index('ix_campuses_name_id')
        batch_op.drop_index('ix_campuses_region_id')
        batch_op.drop_column('region_id')
