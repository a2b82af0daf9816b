"""The enrollment service's tables (SQLAlchemy 2). Money in integer fen, lesson hours in
integers. Rule modules (catalogue, orders, enrollments, ...) take and return these rows;
the pure checks (rules.py) never import this module.

Every row that belongs to a campus is scoped through it (scope.py); orders and enrollments
also carry their seller, the seller's department and region (kit.data_scope's anchors).
"""
from __future__ import annotations

import datetime as dt
import uuid

from kit.approval_chain import approval_tables
from kit.db import make_base
from kit.events import inbox_table, outbox_table
from kit.idempotency import idempotency_table
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

Base = make_base()
# kit's transactional outbox and consumer inbox live in our database, in our migrations
OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
IDEMPOTENCY = idempotency_table(Base.metadata)
APPROVAL_REQUESTS, APPROVAL_DECISIONS = approval_tables(Base.metadata)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Campus(Base):
    """A campus and where it sits in identity's org tree (its region, the departments
    working at it): what the catalogue is scoped by."""
    __tablename__ = "campuses"
    __table_args__ = (Index("ix_campuses_name_id", "name", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class CampusDepartment(Base):
    __tablename__ = "campus_departments"
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), primary_key=True)
    department_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Course(Base):
    """A course of the catalogue. `campus_id` NULL = company-wide (every campus sells it).
    `price_fen` is the price of one package of `lesson_hours` hours."""
    __tablename__ = "courses"
    __table_args__ = (Index("ix_courses_name_id", "name", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(16))  # new_training | retraining | trial
    stage: Mapped[int] = mapped_column(Integer, default=0)  # 0 = not a staged course
    prerequisite_course_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tool: Mapped[bool] = mapped_column(Boolean, default=False)
    lesson_hours: Mapped[int] = mapped_column(Integer)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    campus_id: Mapped[str | None] = mapped_column(ForeignKey("campuses.id"), nullable=True,
                                                  index=True)
    # finance deducts an absent session's hours when true (a no-show counts)
    absence_counts_as_consumed: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    commission_version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CommissionRatio(Base):
    """One ratio of one version of a course's commission table (append-only: a change is a
    new version; orders keep the version they used)."""
    __tablename__ = "commission_ratios"
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_tier: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" = any tier
    ratio_bp: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Term(Base):
    """One run (期) at a campus."""
    __tablename__ = "terms"
    __table_args__ = (Index("ix_terms_campus_start_id", "campus_id", "start_date", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"))
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)


class Klass(Base):
    """A class (班级) of a term: a group taught together, with a capacity."""
    __tablename__ = "classes"
    __table_args__ = (Index("ix_classes_term_name_id", "term_id", "name", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"))
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)


class Order(Base):
    """A sales order (销售订单): what was sold, to whom, by whom, for how much. Stands
    (`placed`) at once, or after a manager approved a discount beyond the limit."""
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_created_id", "created_at", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))  # lesson_hours | class | bundle
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    payer_customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    proxy_registration: Mapped[bool] = mapped_column(Boolean, default=False)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    course_ids: Mapped[list] = mapped_column(JSON, default=list)  # every course sold
    class_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    term_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"))
    seller_id: Mapped[str] = mapped_column(String(64), index=True)
    seller_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                             index=True)
    seller_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    channel_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel_tier: Mapped[str | None] = mapped_column(String(64), nullable=True)
    list_price_fen: Mapped[int] = mapped_column(BigInteger)
    discount_fen: Mapped[int] = mapped_column(BigInteger)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    deposit_fen: Mapped[int] = mapped_column(BigInteger)
    lesson_hours: Mapped[int] = mapped_column(Integer)
    # {course_id: version} of the commission tables the order used
    commission_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    # pending_approval | placed | rejected | cancelled | enrolled
    status: Mapped[str] = mapped_column(String(24))
    renews_enrollment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    placed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)


class Enrollment(Base):
    """A confirmed, fully paid registration (销售开单), prefilled from its order: one per
    course of the order. Remaining hours = purchased − consumed."""
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("order_id", "course_id"),
                      Index("ix_enrollments_confirmed_id", "confirmed_at", "id"))
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    class_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    term_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"))
    seller_id: Mapped[str] = mapped_column(String(64), index=True)
    seller_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                             index=True)
    seller_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # active | suspended | withdrawn | dropped_out
    status: Mapped[str] = mapped_column(String(16))
    purchased_hours: Mapped[int] = mapped_column(Integer)
    consumed_hours: Mapped[int] = mapped_column(Integer, default=0)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EnrollmentChange(Base):
    """One change of an enrollment (append-only history)."""
    __tablename__ = "enrollment_changes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"), index=True)
    change: Mapped[str] = mapped_column(String(16))
    hours_delta: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AttendanceRegistration(Base):
    """A customer put on a term's roster (上课登记) on one card (new / retrain / trial),
    approved level by level (kit.approval_chain); placed in the org tree like its seller."""
    __tablename__ = "attendance_registrations"
    __table_args__ = (Index("ix_attendance_registrations_term_created_id", "term_id",
                            "created_at", "id"),
                      Index("ix_attendance_registrations_created_id", "created_at", "id"))
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"))
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"))
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    enrollment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    card: Mapped[str] = mapped_column(String(16))  # new | retrain | trial
    requested_card: Mapped[str] = mapped_column(String(16))
    seller_id: Mapped[str] = mapped_column(String(64), index=True)
    seller_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                             index=True)
    seller_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected
    remaining_hours: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # a keyed digest of the customer's ID card number (never the number): sign-in finds the
    # registration by it
    id_card_digest: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # the invitation pipeline of an approved registration, in its customer-service owner's
    # queue: not_attended → invited → prepared → signed_in → attended
    invitation_owner_id: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                            index=True)
    invitation_stage: Mapped[str | None] = mapped_column(String(16), nullable=True)


class Attendance(Base):
    """One enrollment's presence at one session (once per (enrollment, session))."""
    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("enrollment_id", "session_id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"))
    registration_id: Mapped[str] = mapped_column(ForeignKey("attendance_registrations.id"))
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    session_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # attended | absent | leave
    lesson_hours: Mapped[int] = mapped_column(Integer)
    counts_as_consumed: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(16))  # id_card | roll_call | card
    recorded_by: Mapped[str] = mapped_column(String(64))
    attended_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
