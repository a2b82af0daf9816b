"""The scheduling service's tables (SQLAlchemy 2). Pure rules never import this module;
`repository.py` turns rows into the plain snapshots the rule modules take.

Weekly slots are (day, period): ISO weekday 1..7 and the campus's 1-based period number.
Small lists (features, qualifications, weekly unavailability) are JSON columns: they are
always read and written whole, with their owner.
"""
from __future__ import annotations

import datetime as dt
import uuid

from kit.db import make_base
from kit.events import inbox_table, outbox_table
from kit.idempotency import idempotency_table
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

Base = make_base()
# kit's transactional outbox and consumer inbox live in our database, in our migrations
OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
# Results of state-changing RPCs by idempotency key (kit.idempotency.run_once).
IDEMPOTENCY = idempotency_table(Base.metadata)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Campus(Base):
    """A campus and where it sits in identity's org tree, for data scope (access.py): its
    region, and the departments that work at it (a department-scoped user sees those)."""
    __tablename__ = "campuses"
    __table_args__ = (Index("ix_campuses_name_id", "name", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # identity's org unit id
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    # identity's region org unit; NULL = not placed yet, seen by `all`-scope callers only
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class CampusDepartment(Base):
    """A department (identity's org unit) working at a campus."""
    __tablename__ = "campus_departments"
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), primary_key=True)
    department_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Timeslot(Base):
    __tablename__ = "timeslots"
    __table_args__ = (UniqueConstraint("campus_id", "day", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"))
    day: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("campus_id", "name"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    features: Mapped[list] = mapped_column(JSON, default=list)
    unavailable: Mapped[list] = mapped_column(JSON, default=list)  # [[day, period], ...]
    active: Mapped[bool] = mapped_column(default=True)


class Teacher(Base):
    __tablename__ = "teachers"
    __table_args__ = (Index("ix_teachers_campus_name_id", "campus_id", "name", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # identity's user id
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    course_ids: Mapped[list] = mapped_column(JSON, default=list)
    unavailable: Mapped[list] = mapped_column(JSON, default=list)  # [[day, period], ...]
    active: Mapped[bool] = mapped_column(default=True)


class Term(Base):
    __tablename__ = "terms"
    __table_args__ = (Index("ix_terms_campus_start_id", "campus_id", "start_date", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)


class Course(Base):
    """Read model of enrollment's course catalogue: only what scheduling shows."""
    __tablename__ = "courses"
    __table_args__ = (Index("ix_courses_name_id", "name", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class ClassSection(Base):
    __tablename__ = "class_sections"
    __table_args__ = (Index("ix_class_sections_campus_name_id", "campus_id", "name", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), index=True)
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    teacher_id: Mapped[str | None] = mapped_column(ForeignKey("teachers.id"), nullable=True)
    teacher_candidate_ids: Mapped[list] = mapped_column(JSON, default=list)
    lessons_per_week: Mapped[int] = mapped_column(Integer)
    min_working_days: Mapped[int] = mapped_column(Integer, default=1)
    capacity: Mapped[int] = mapped_column(Integer)
    student_groups: Mapped[list] = mapped_column(JSON, default=list)
    required_room_features: Mapped[list] = mapped_column(JSON, default=list)


class Placement(Base):
    """A student placed in a class section."""
    __tablename__ = "placements"
    __table_args__ = (UniqueConstraint("section_id", "student_id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    section_id: Mapped[str] = mapped_column(ForeignKey("class_sections.id"), index=True)
    student_id: Mapped[str] = mapped_column(String(64), index=True)
    enrollment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SolveJob(Base):
    __tablename__ = "solve_jobs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), index=True)
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|done|failed
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    best_hard: Mapped[int | None] = mapped_column(Integer, nullable=True)
    best_soft: Mapped[int | None] = mapped_column(Integer, nullable=True)
    time_limit_seconds: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    timetable_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Timetable(Base):
    """A version of a campus term's weekly timetable: draft → published → superseded."""
    __tablename__ = "timetables"
    __table_args__ = (UniqueConstraint("campus_id", "term_id", "version"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), index=True)
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    hard_violations: Mapped[int] = mapped_column(Integer, default=0)
    soft_cost: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)


class TimetableLecture(Base):
    """One weekly lecture of a section in a timetable version."""
    __tablename__ = "timetable_lectures"
    __table_args__ = (UniqueConstraint("timetable_id", "section_id", "lecture_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    timetable_id: Mapped[str] = mapped_column(ForeignKey("timetables.id"), index=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("class_sections.id"))
    lecture_number: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"))
    teacher_id: Mapped[str] = mapped_column(ForeignKey("teachers.id"))


class ScheduledSession(Base):
    """A dated occurrence of a published lecture (week `week_index` of the term). Kept
    across versions: a re-publish updates it in place so its id and reminders survive."""
    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("section_id", "lecture_number", "week_index"),
                      Index("ix_sessions_starts_at_status", "starts_at", "status"))
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    campus_id: Mapped[str] = mapped_column(ForeignKey("campuses.id"), index=True)
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"))
    timetable_id: Mapped[str] = mapped_column(ForeignKey("timetables.id"))
    section_id: Mapped[str] = mapped_column(ForeignKey("class_sections.id"), index=True)
    lecture_number: Mapped[int] = mapped_column(Integer)
    week_index: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    day: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"))
    teacher_id: Mapped[str] = mapped_column(ForeignKey("teachers.id"))
    substitute_teacher_id: Mapped[str | None] = mapped_column(ForeignKey("teachers.id"),
                                                              nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled|cancelled
    attendance: Mapped[str | None] = mapped_column(String(16), nullable=True)


class ReminderSent(Base):
    """One row per (session, offset) whose reminder event was written: sent once."""
    __tablename__ = "reminders_sent"
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    offset_minutes: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TeacherAttendance(Base):
    """Append-only record of teacher attendance decisions for a session."""
    __tablename__ = "teacher_attendance"
    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    teacher_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # signed_in | absent | substitute
    substitute_teacher_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
