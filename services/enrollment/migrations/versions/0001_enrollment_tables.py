"""Enrollment tables: campuses, the course catalogue with versioned commission ratios, terms,
classes, orders, enrollments and their changes; the kit's outbox, inbox, idempotency keys and
approval tables, spelled out (an old revision never changes when the kit does).

Revision ID: 0001
Revises:
Create Date: 2026-11-29 21:44:54.667668
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "approval_decisions",
        sa.Column("document_type", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("level_name", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_by_name", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "document_type", "document_id", "level", name=op.f("pk_approval_decisions")
        ),
    )
    op.create_table(
        "approval_requests",
        sa.Column("document_type", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_level", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_by_name", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=True),
        sa.Column("region_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("document_type", "document_id", name=op.f("pk_approval_requests")),
    )
    with op.batch_alter_table("approval_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_approval_requests_waiting", ["document_type", "status", "next_level"], unique=False
        )

    op.create_table(
        "campuses",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campuses")),
    )
    with op.batch_alter_table("campuses", schema=None) as batch_op:
        batch_op.create_index("ix_campuses_name_id", ["name", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campuses_region_id"), ["region_id"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "operation", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index("ix_idempotency_keys_created_at", ["created_at"], unique=False)

    op.create_table(
        "inbox_events",
        sa.Column("consumer", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_inbox_events")),
    )
    op.create_table(
        "outbox_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("exchange", sa.String(length=100), nullable=False),
        sa.Column("routing_key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_events_event_id")),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_events_unsent",
            ["id"],
            unique=False,
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.create_table(
        "campus_departments",
        sa.Column("campus_id", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campuses.id"], name=op.f("fk_campus_departments_campus_id_campuses")
        ),
        sa.PrimaryKeyConstraint("campus_id", "department_id", name=op.f("pk_campus_departments")),
    )
    with op.batch_alter_table("campus_departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campus_departments_department_id"), ["department_id"], unique=False
        )

    op.create_table(
        "courses",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("prerequisite_course_id", sa.String(length=64), nullable=True),
        sa.Column("tool", sa.Boolean(), nullable=False),
        sa.Column("lesson_hours", sa.Integer(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("campus_id", sa.String(length=64), nullable=True),
        sa.Column("absence_counts_as_consumed", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("commission_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campuses.id"], name=op.f("fk_courses_campus_id_campuses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_campus_id"), ["campus_id"], unique=False)
        batch_op.create_index("ix_courses_name_id", ["name", "id"], unique=False)

    op.create_table(
        "terms",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("campus_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campuses.id"], name=op.f("fk_terms_campus_id_campuses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms")),
    )
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.create_index(
            "ix_terms_campus_start_id", ["campus_id", "start_date", "id"], unique=False
        )

    op.create_table(
        "classes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("term_id", sa.String(length=64), nullable=False),
        sa.Column("campus_id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campuses.id"], name=op.f("fk_classes_campus_id_campuses")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_classes_course_id_courses")
        ),
        sa.ForeignKeyConstraint(["term_id"], ["terms.id"], name=op.f("fk_classes_term_id_terms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
    )
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_classes_campus_id"), ["campus_id"], unique=False)
        batch_op.create_index("ix_classes_term_name_id", ["term_id", "name", "id"], unique=False)

    op.create_table(
        "commission_ratios",
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("channel_tier", sa.String(length=64), nullable=False),
        sa.Column("ratio_bp", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_commission_ratios_course_id_courses")
        ),
        sa.PrimaryKeyConstraint(
            "course_id", "version", "role", "channel_tier", name=op.f("pk_commission_ratios")
        ),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("payer_customer_id", sa.String(length=64), nullable=True),
        sa.Column("proxy_registration", sa.Boolean(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("course_ids", sa.JSON(), nullable=False),
        sa.Column("class_id", sa.String(length=64), nullable=True),
        sa.Column("term_id", sa.String(length=64), nullable=True),
        sa.Column("campus_id", sa.String(length=64), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("seller_department_id", sa.String(length=64), nullable=True),
        sa.Column("seller_region_id", sa.String(length=64), nullable=True),
        sa.Column("channel_id", sa.String(length=64), nullable=True),
        sa.Column("channel_tier", sa.String(length=64), nullable=True),
        sa.Column("list_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("discount_fen", sa.BigInteger(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("deposit_fen", sa.BigInteger(), nullable=False),
        sa.Column("lesson_hours", sa.Integer(), nullable=False),
        sa.Column("commission_versions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("renews_enrollment_id", sa.String(length=64), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campuses.id"], name=op.f("fk_orders_campus_id_campuses")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_orders_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_class_id"), ["class_id"], unique=False)
        batch_op.create_index("ix_orders_created_id", ["created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_orders_seller_department_id"), ["seller_department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_orders_seller_id"), ["seller_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_orders_seller_region_id"), ["seller_region_id"], unique=False
        )

    op.create_table(
        "enrollments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("class_id", sa.String(length=64), nullable=True),
        sa.Column("term_id", sa.String(length=64), nullable=True),
        sa.Column("campus_id", sa.String(length=64), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("seller_department_id", sa.String(length=64), nullable=True),
        sa.Column("seller_region_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("purchased_hours", sa.Integer(), nullable=False),
        sa.Column("consumed_hours", sa.Integer(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campuses.id"], name=op.f("fk_enrollments_campus_id_campuses")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_enrollments_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_enrollments_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollments")),
        sa.UniqueConstraint("order_id", "course_id", name=op.f("uq_enrollments_order_id")),
    )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollments_class_id"), ["class_id"], unique=False)
        batch_op.create_index("ix_enrollments_confirmed_id", ["confirmed_at", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enrollments_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_enrollments_seller_department_id"),
            ["seller_department_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_enrollments_seller_id"), ["seller_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enrollments_seller_region_id"), ["seller_region_id"], unique=False
        )

    op.create_table(
        "enrollment_changes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("enrollment_id", sa.String(length=64), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("hours_delta", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_enrollment_changes_enrollment_id_enrollments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment_changes")),
    )
    with op.batch_alter_table("enrollment_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrollment_changes_enrollment_id"), ["enrollment_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("enrollment_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollment_changes_enrollment_id"))

    op.drop_table("enrollment_changes")
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollments_seller_region_id"))
        batch_op.drop_index(batch_op.f("ix_enrollments_seller_id"))
        batch_op.drop_index(batch_op.f("ix_enrollments_seller_department_id"))
        batch_op.drop_index(batch_op.f("ix_enrollments_customer_id"))
        batch_op.drop_index("ix_enrollments_confirmed_id")
        batch_op.drop_index(batch_op.f("ix_enrollments_class_id"))

    op.drop_table("enrollments")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_seller_region_id"))
        batch_op.drop_index(batch_op.f("ix_orders_seller_id"))
        batch_op.drop_index(batch_op.f("ix_orders_seller_department_id"))
        batch_op.drop_index(batch_op.f("ix_orders_customer_id"))
        batch_op.drop_index("ix_orders_created_id")
        batch_op.drop_index(batch_op.f("ix_orders_class_id"))

    op.drop_table("orders")
    op.drop_table("commission_ratios")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_index("ix_classes_term_name_id")
        batch_op.drop_index(batch_op.f("ix_classes_campus_id"))

    op.drop_table("classes")
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.drop_index("ix_terms_campus_start_id")

    op.drop_table("terms")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index("ix_courses_name_id")
        batch_op.drop_index(batch_op.f("ix_courses_campus_id"))

    op.drop_table("courses")
    with op.batch_alter_table("campus_departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campus_departments_department_id"))

    op.drop_table("campus_departments")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_events_unsent",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.drop_table("outbox_events")
    op.drop_table("inbox_events")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotency_keys_created_at")

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("campuses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campuses_region_id"))
        batch_op.drop_index("ix_campuses_name_id")

    op.drop_table("campuses")
    with op.batch_alter_table("approval_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_approval_requests_waiting")

    op.drop_table("approval_requests")
    op.drop_table("approval_decisions")
