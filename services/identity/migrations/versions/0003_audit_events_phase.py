"""audit_events.phase and an index on correlation_id

The gateway records a forwarded write twice: its intent (confirmed before the write is
forwarded) and its outcome. `phase` says which (`request` for a request's only record, NULL
for identity's own records and for records older than this column); both records carry the
request's correlation id, indexed so that they are found together.

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
    # Plain ALTER TABLE (no batch copy): audit_events is append-only, guarded by triggers.
    op.add_column('audit_events', sa.Column('phase', sa.String(length=16), nullable=True))
    op.create_index('ix_audit_events_correlation', 'audit_events', ['correlation_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_events_correlation', table_name='audit_events')
    op.drop_column('audit_events', 'phase')
