"""kit.idempotency's idempotency_keys replaces idempotent_calls

Scheduling's own idempotent_calls (primary key: key) becomes the table every service gets
from kit.idempotency.idempotency_table (primary key: key and operation; `method` is the
operation, `request_hash` the fingerprint). Existing rows are copied.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'idempotency_keys',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('operation', sa.String(length=100), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('response', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', 'operation', name=op.f('pk_idempotency_keys')),
    )
    op.create_index('ix_idempotency_keys_created_at', 'idempotency_keys', ['created_at'],
                    unique=False)
    op.execute("INSERT INTO idempotency_keys (key, operation, fingerprint, response, created_at) "
               "SELECT key, method, request_hash, response, created_at FROM idempotent_calls")
    op.drop_table('idempotent_calls')


def downgrade() -> None:
    op.create_table(
        'idempotent_calls',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('method', sa.String(length=100), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('response', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_idempotent_calls')),
    )
    # One row per key there: the first operation's; keys too long for it are dropped.
    op.execute("INSERT INTO idempotent_calls (key, method, request_hash, response, created_at) "
               "SELECT key, operation, fingerprint, response, created_at FROM idempotency_keys i "
               "WHERE length(key) <= 200 AND operation = "
               "(SELECT min(operation) FROM idempotency_keys j WHERE j.key = i.key)")
    op.drop_index('ix_idempotency_keys_created_at', table_name='idempotency_keys')
    op.drop_table('idempotency_keys')
