"""public pool: activity clocks and pool state on customers, pool policy, sweep row,
assignment rules

Revision ID: 0003_public_pool
Revises: 0001_customers
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_public_pool"
down_revision = "0002_follow_ups"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_SWEPT = sa.text("stage IN ('lead', 'prospect')")


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_follow_up_at", _TS, nullable=True))
        batch_op.add_column(sa.Column("last_deal_at", _TS, nullable=True))
        batch_op.add_column(sa.Column("owned_since", _TS, nullable=True))
        batch_op.add_column(sa.Column("pool_entered_at", _TS, nullable=True))
        batch_op.add_column(sa.Column("pool_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("pool_warned_at", _TS, nullable=True))
        batch_op.add_column(sa.Column("follow_up_clock_at", _TS, nullable=True))
        batch_op.add_column(sa.Column("deal_clock_at", _TS, nullable=True))
        batch_op.create_index("ix_customers_follow_up_clock", ["follow_up_clock_at"],
                              unique=False, postgresql_where=_SWEPT, sqlite_where=_SWEPT)
        batch_op.create_index("ix_customers_deal_clock", ["deal_clock_at"], unique=False,
                              postgresql_where=_SWEPT, sqlite_where=_SWEPT)
        batch_op.create_index("ix_customers_pool_region",
                              ["owner_region_id", "pool_entered_at", "id"], unique=False)
        batch_op.create_index("ix_customers_pool", ["pool_entered_at", "id"], unique=False)
    # Customers held before this revision: their clock starts at their last change (the
    # latest claim or handover changed `updated_at`); unowned ones are in the pool.
    op.execute("UPDATE customers SET owned_since = updated_at, follow_up_clock_at = updated_at, "
               "deal_clock_at = updated_at WHERE owner_id IS NOT NULL AND owned_since IS NULL")
    op.execute("UPDATE customers SET pool_entered_at = updated_at, pool_reason = 'unowned' "
               "WHERE owner_id IS NULL AND pool_entered_at IS NULL")

    op.create_table(
        "public_pool_settings",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("follow_up_days", sa.Integer(), nullable=False),
        sa.Column("deal_days", sa.Integer(), nullable=False),
        sa.Column("warning_days", sa.Integer(), nullable=False),
        sa.Column("caps", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_pool_settings")),
    )
    op.create_table(
        "public_pool_sweeps",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("started_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_pool_sweeps")),
    )
    op.create_table(
        "assignment_rules",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("match_regions", sa.JSON(), nullable=False),
        sa.Column("match_tags", sa.JSON(), nullable=False),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=True),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_rules")),
    )
    with op.batch_alter_table("assignment_rules", schema=None) as batch_op:
        batch_op.create_index("ix_assignment_rules_position", ["position", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignment_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_rules_position")
    op.drop_table("assignment_rules")
    op.drop_table("public_pool_sweeps")
    op.drop_table("public_pool_settings")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_pool")
        batch_op.drop_index("ix_customers_pool_region")
        batch_op.drop_index("ix_customers_deal_clock", postgresql_where=_SWEPT,
                            sqlite_where=_SWEPT)
        batch_op.drop_index("ix_customers_follow_up_clock", postgresql_where=_SWEPT,
                            sqlite_where=_SWEPT)
        for column in ("deal_clock_at", "follow_up_clock_at", "pool_warned_at", "pool_reason",
                       "pool_entered_at", "owned_since", "last_deal_at", "last_follow_up_at"):
            batch_op.drop_column(column)
