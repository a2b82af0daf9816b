"""idempotency_keys in kit.idempotency's shape

Identity's own idempotency_keys table (result_id, request_hash) becomes the table every
service gets from kit.idempotency.idempotency_table: the stored result is bytes (`response`;
for CreateUser the user's id, as before), `request_hash` is called `fingerprint`, the key
takes the gateway's 255 characters, and `created_at` is indexed for expiry. Existing rows
are kept.

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

TABLE = "idempotency_keys"


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("response", sa.LargeBinary(), nullable=True))
    as_bytes = ("convert_to(result_id, 'UTF8')" if _is_postgres()
                else "CAST(result_id AS BLOB)")
    op.execute(f"UPDATE {TABLE} SET response = {as_bytes}")  # noqa: S608 - constants only
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("response", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("request_hash", new_column_name="fingerprint",
                           existing_type=sa.String(64), existing_nullable=False)
        batch.alter_column("key", existing_type=sa.String(200), type_=sa.String(255),
                           existing_nullable=False)
        batch.alter_column("operation", existing_type=sa.String(64), type_=sa.String(100),
                           existing_nullable=False)
        batch.drop_column("result_id")
        batch.create_index("ix_idempotency_keys_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    # Records are a cache of answers: the few that do not fit the old columns are dropped.
    op.execute(f"DELETE FROM {TABLE} WHERE length(key) > 200 "  # noqa: S608 - constants only
               "OR length(operation) > 64")
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index("ix_idempotency_keys_created_at")
        batch.add_column(sa.Column("result_id", sa.String(64), nullable=True))
    as_text = ("convert_from(response, 'UTF8')" if _is_postgres()
               else "CAST(response AS TEXT)")
    op.execute(f"UPDATE {TABLE} SET result_id = {as_text}")  # noqa: S608 - constants only
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("result_id", existing_type=sa.String(64), nullable=False)
        batch.alter_column("fingerprint", new_column_name="request_hash",
                           existing_type=sa.String(64), existing_nullable=False)
        batch.alter_column("key", existing_type=sa.String(255), type_=sa.String(200),
                           existing_nullable=False)
        batch.alter_column("operation", existing_type=sa.String(100), type_=sa.String(64),
                           existing_nullable=False)
        batch.drop_column("response")
