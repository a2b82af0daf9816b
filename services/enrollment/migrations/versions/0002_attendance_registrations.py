"""Attendance registrations (上课登记): a customer on a term's roster on one card, approved in
four levels through the kit's approval tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:55:32.870772
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "attendance_registrations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("term_id", sa.String(length=64), nullable=False),
        sa.Column("campus_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("enrollment_id", sa.String(length=64), nullable=True),
        sa.Column("card", sa.String(length=16), nullable=False),
        sa.Column("requested_card", sa.String(length=16), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("seller_department_id", sa.String(length=64), nullable=True),
        sa.Column("seller_region_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("remaining_hours", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campus_id"],
            ["campuses.id"],
            name=op.f("fk_attendance_registrations_campus_id_campuses"),
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["terms.id"], name=op.f("fk_attendance_registrations_term_id_terms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_registrations")),
    )
    with op.batch_alter_table("attendance_registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attendance_registrations_created_id", ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_registrations_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_registrations_seller_department_id"),
            ["seller_department_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_registrations_seller_id"), ["seller_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_registrations_seller_region_id"),
            ["seller_region_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_attendance_registrations_term_created_id",
            ["term_id", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("attendance_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_registrations_term_created_id")
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_seller_region_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_seller_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_seller_department_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_customer_id"))
        batch_op.drop_index("ix_attendance_registrations_created_id")

    op.drop_table("attendance_registrations")
