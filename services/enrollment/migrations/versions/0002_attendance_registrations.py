"""Attendance registrations (上课登记): a customer on a term's roster on one card, approved in
four levels through the kit's approval tables, with its invitation pipeline; attendances
(once per enrollment and session).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:58:55.981539
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
        sa.Column("id_card_digest", sa.String(length=64), nullable=True),
        sa.Column("invitation_owner_id", sa.String(length=64), nullable=True),
        sa.Column("invitation_stage", sa.String(length=16), nullable=True),
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
            batch_op.f("ix_attendance_registrations_id_card_digest"),
            ["id_card_digest"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_registrations_invitation_owner_id"),
            ["invitation_owner_id"],
            unique=False,
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

    op.create_table(
        "attendances",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("enrollment_id", sa.String(length=64), nullable=False),
        sa.Column("registration_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lesson_hours", sa.Integer(), nullable=False),
        sa.Column("counts_as_consumed", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("attended_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_attendances_enrollment_id_enrollments"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["attendance_registrations.id"],
            name=op.f("fk_attendances_registration_id_attendance_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendances")),
        sa.UniqueConstraint(
            "enrollment_id", "session_id", name=op.f("uq_attendances_enrollment_id")
        ),
    )
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendances_customer_id"), ["customer_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendances_customer_id"))

    op.drop_table("attendances")
    with op.batch_alter_table("attendance_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_registrations_term_created_id")
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_seller_region_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_seller_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_seller_department_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_invitation_owner_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_id_card_digest"))
        batch_op.drop_index(batch_op.f("ix_attendance_registrations_customer_id"))
        batch_op.drop_index("ix_attendance_registrations_created_id")

    op.drop_table("attendance_registrations")
