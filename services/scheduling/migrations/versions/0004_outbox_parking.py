"""outbox_events: retry delay and parking (kit.events.relay)

A row that fails to publish waits for `next_attempt_at` before its next attempt; after too
many attempts it is parked (`parked_at`) so the relay goes on without it until an operator
replays it (`educrm-bus outbox replay`). Both nullable: existing rows are neither.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('parked_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_column('parked_at')
        batch_op.drop_column('next_attempt_at')
