"""The course catalogue, terms and classes: writes and the checks they need (rows in, rows
out; scope checked by the caller of these functions, scope.py)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kit.errors import AlreadyExists, InvalidArgument
from kit.text import check_text
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from . import models as m
from . import rules
from .scope import not_found

# orders that hold a seat of their class
SEAT_HOLDING_ORDERS = ("pending_approval", "placed")


def upsert_campus(s: Session, campus_id: str, name: str, *, region_id: str | None,
                  department_ids: Iterable[str]) -> m.Campus:
    if not campus_id:
        raise InvalidArgument("campus id required", reason="invalid.id",
                              message_zh="请指定校区编号")
    row = s.get(m.Campus, campus_id) or m.Campus(id=campus_id)
    row.name = check_text(name, "name")
    row.region_id = region_id or None
    s.add(row)
    s.flush()
    s.execute(delete(m.CampusDepartment).where(m.CampusDepartment.campus_id == campus_id))
    for department_id in sorted(set(department_ids)):
        s.add(m.CampusDepartment(campus_id=campus_id, department_id=department_id))
    s.flush()
    return row


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidArgument(f"{field} must be a date (YYYY-MM-DD)", reason=f"invalid.{field}",
                              message_zh=f"{field} 须为日期（YYYY-MM-DD）") from None


def _dates(start: str, end: str) -> tuple[dt.date, dt.date]:
    first, last = _date(start, "start_date"), _date(end, "end_date")
    if last < first:
        raise InvalidArgument("end_date is before start_date", reason="invalid.end_date",
                              message_zh="结束日期早于开始日期")
    return first, last


def save_course(s: Session, row: m.Course, *, name: str, category: str, stage: int,
                prerequisite_course_id: str | None, tool: bool, lesson_hours: int,
                price_fen: int, campus_id: str | None, absence_counts_as_consumed: bool,
                active: bool) -> m.Course:
    rules.check_category(category)
    rules.check_course_shape(stage=stage, prerequisite_course_id=prerequisite_course_id,
                             lesson_hours=lesson_hours, price_fen=price_fen, course_id=row.id)
    if prerequisite_course_id and s.get(m.Course, prerequisite_course_id) is None:
        raise not_found("course", "课程", prerequisite_course_id)
    if campus_id and s.get(m.Campus, campus_id) is None:
        raise not_found("campus", "校区", campus_id)
    row.name = check_text(name, "name")
    row.category, row.stage, row.tool = category, stage, tool
    row.prerequisite_course_id = prerequisite_course_id or None
    row.lesson_hours, row.price_fen = lesson_hours, price_fen
    row.campus_id = campus_id or None
    row.absence_counts_as_consumed, row.active = absence_counts_as_consumed, active
    row.commission_version = row.commission_version or 0
    row.updated_at = m.utcnow()
    s.add(row)
    s.flush()
    return row


def new_course_id(s: Session, course_id: str) -> str:
    if not course_id:
        return m.new_id()
    if s.get(m.Course, course_id) is not None:
        raise AlreadyExists(f"course {course_id!r} exists", reason="enrollment.course_exists",
                            message_zh=f"课程已存在: {course_id}")
    return course_id


def ratios(s: Session, course_id: str, version: int) -> list[m.CommissionRatio]:
    return list(s.scalars(select(m.CommissionRatio).where(
        m.CommissionRatio.course_id == course_id, m.CommissionRatio.version == version)
        .order_by(m.CommissionRatio.role, m.CommissionRatio.channel_tier)))


def set_ratios(s: Session, course: m.Course, new: list[rules.Ratio], by: str) -> m.Course:
    """A new version of the course's commission table (the old versions stay, for orders
    that used them)."""
    checked = rules.check_ratios(new)
    version = course.commission_version + 1
    for r in checked:
        s.add(m.CommissionRatio(course_id=course.id, version=version, role=r.role,
                                channel_tier=r.channel_tier, ratio_bp=r.ratio_bp,
                                created_by=by))
    course.commission_version = version
    course.updated_at = m.utcnow()
    s.flush()
    return course


def create_term(s: Session, *, term_id: str, campus_id: str, name: str, start: str,
                end: str) -> m.Term:
    if term_id and s.get(m.Term, term_id) is not None:
        raise AlreadyExists(f"term {term_id!r} exists", reason="enrollment.term_exists",
                            message_zh=f"期已存在: {term_id}")
    first, last = _dates(start, end)
    row = m.Term(id=term_id or m.new_id(), campus_id=campus_id,
                 name=check_text(name, "name"), start_date=first, end_date=last)
    s.add(row)
    s.flush()
    return row


def save_class(s: Session, row: m.Klass, *, term: m.Term, course: m.Course, name: str,
               capacity: int, start: str, end: str) -> m.Klass:
    if capacity <= 0:
        raise InvalidArgument("capacity must be positive", reason="invalid.capacity",
                              message_zh="班级容量须为正整数")
    if course.campus_id and course.campus_id != term.campus_id:
        raise InvalidArgument("the course belongs to another campus",
                              reason="invalid.course_id",
                              message_zh="该课程属于其他校区")
    first, last = _dates(start or term.start_date.isoformat(),
                         end or term.end_date.isoformat())
    if row.id and capacity < taken_seats(s, row.id):
        raise InvalidArgument("capacity below the seats already taken",
                              reason="invalid.capacity", message_zh="班级容量小于已占用名额")
    row.term_id, row.campus_id, row.course_id = term.id, term.campus_id, course.id
    row.name, row.capacity = check_text(name, "name"), capacity
    row.start_date, row.end_date = first, last
    row.id = row.id or m.new_id()
    s.add(row)
    s.flush()
    return row


def taken_seats(s: Session, class_id: str) -> int:
    """Seats held: standing orders of the class not yet enrolled, and live enrollments."""
    orders = s.scalar(select(func.count()).select_from(m.Order).where(
        m.Order.class_id == class_id, m.Order.status.in_(SEAT_HOLDING_ORDERS))) or 0
    enrolled = s.scalar(select(func.count()).select_from(m.Enrollment).where(
        m.Enrollment.class_id == class_id,
        m.Enrollment.status.notin_(rules.ENDED))) or 0
    return orders + enrolled
