"""Campuses, weekly timeslots, rooms, teachers, terms, courses and class sections: the
reference data the timetable is built from. Validation lives here, not in the servicer."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kit.errors import AlreadyExists, InvalidArgument
from kit.text import check_text
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import models as m
from . import repository

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _invalid(message: str, zh: str) -> InvalidArgument:
    return InvalidArgument(message, reason="scheduling.invalid", message_zh=zh)


def _check_labels(values: Iterable[str], field: str) -> list[str]:
    return [check_text(v, field) for v in values]


def check_slots(slots: Iterable[tuple[int, int]]) -> list[list[int]]:
    out = set()
    for day, period in slots:
        if not (1 <= day <= 7 and period >= 1):
            raise _invalid(f"bad slot day={day} period={period}", "时段无效")
        out.add((int(day), int(period)))
    return [list(s) for s in sorted(out)]


def upsert_campus(db: Session, campus_id: str, name: str, time_zone: str, *,
                  region_id: str | None = None,
                  department_ids: Iterable[str] | None = None) -> m.Campus:
    """Create or replace a campus; `department_ids` None keeps the current departments."""
    if not campus_id or not name:
        raise _invalid("campus id and name are required", "校区编号和名称必填")
    check_text(campus_id, "campus_id")
    check_text(name, "name")
    check_text(time_zone, "time_zone")
    try:
        ZoneInfo(time_zone or "Asia/Shanghai")
    except (ValueError, ZoneInfoNotFoundError):
        raise _invalid(f"unknown time zone {time_zone!r}", "未知的时区") from None
    campus = db.get(m.Campus, campus_id) or m.Campus(id=campus_id)
    campus.name, campus.time_zone = name, time_zone or "Asia/Shanghai"
    campus.region_id = region_id or None
    db.add(campus)
    db.flush()
    if department_ids is not None:
        db.execute(delete(m.CampusDepartment).where(m.CampusDepartment.campus_id == campus_id))
        db.add_all(m.CampusDepartment(campus_id=campus_id, department_id=d)
                   for d in sorted(set(department_ids)))
        db.flush()
    return campus


def set_timeslots(db: Session, campus_id: str,
                  timeslots: Iterable[tuple[int, int, str, str]]) -> list[m.Timeslot]:
    repository.get_or_404(db, m.Campus, campus_id, "campus", "校区")
    rows, seen = [], set()
    for day, period, start, end in timeslots:
        check_slots([(day, period)])
        if not (_HHMM.match(start) and _HHMM.match(end)) or start >= end:
            raise _invalid(f"bad times {start}-{end}", "起止时间无效")
        if (day, period) in seen:
            raise _invalid(f"duplicate timeslot {day}/{period}", "时段重复")
        seen.add((day, period))
        rows.append(m.Timeslot(campus_id=campus_id, day=day, period=period, start_time=start,
                               end_time=end))
    db.execute(delete(m.Timeslot).where(m.Timeslot.campus_id == campus_id))
    db.add_all(rows)
    db.flush()
    return sorted(rows, key=lambda t: (t.day, t.period))


def save_room(db: Session, room: m.Room, *, campus_id: str, name: str, capacity: int,
              features: Iterable[str], unavailable, active: bool) -> m.Room:
    repository.get_or_404(db, m.Campus, campus_id, "campus", "校区")
    if not name or capacity <= 0:
        raise _invalid("room name and a positive capacity are required", "教室名称和容量必填")
    check_text(room.id or "", "room_id")
    check_text(name, "name")
    features = _check_labels(features, "features")
    clash = db.scalars(select(m.Room).where(m.Room.campus_id == campus_id, m.Room.name == name,
                                            m.Room.id != (room.id or ""))).first()
    if clash is not None:
        raise AlreadyExists(f"room {name} exists", reason="scheduling.room_exists",
                            message_zh=f"教室 {name} 已存在")
    room.campus_id, room.name, room.capacity = campus_id, name, capacity
    room.features = sorted(set(features))
    room.unavailable = check_slots(unavailable)
    room.active = active
    db.add(room)
    db.flush()
    return room


def save_teacher(db: Session, teacher: m.Teacher, *, campus_id: str, name: str,
                 course_ids: Iterable[str], unavailable, active: bool) -> m.Teacher:
    repository.get_or_404(db, m.Campus, campus_id, "campus", "校区")
    if not teacher.id or not name:
        raise _invalid("teacher id (identity user id) and name are required", "教师编号和姓名必填")
    check_text(teacher.id, "teacher_id")
    check_text(name, "name")
    teacher.campus_id, teacher.name = campus_id, name
    teacher.course_ids = sorted(set(course_ids))
    teacher.unavailable = check_slots(unavailable)
    teacher.active = active
    db.add(teacher)
    db.flush()
    return teacher


def create_term(db: Session, *, term_id: str, campus_id: str, name: str, start: str,
                end: str) -> m.Term:
    repository.get_or_404(db, m.Campus, campus_id, "campus", "校区")
    try:
        start_date, end_date = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise _invalid("dates must be YYYY-MM-DD", "日期格式应为 YYYY-MM-DD") from None
    if end_date < start_date or not name:
        raise _invalid("a term needs a name and end >= start",
                       "学期需要名称且结束日期不早于开始日期")
    check_text(term_id, "term_id")
    check_text(name, "name")
    if term_id and db.get(m.Term, term_id) is not None:
        raise AlreadyExists(f"term {term_id} exists", reason="scheduling.term_exists",
                            message_zh="学期已存在")
    term = m.Term(campus_id=campus_id, name=name, start_date=start_date, end_date=end_date)
    if term_id:
        term.id = term_id
    db.add(term)
    db.flush()
    return term


def upsert_course(db: Session, course_id: str, name: str) -> m.Course:
    if not course_id or not name:
        raise _invalid("course id and name are required", "课程编号和名称必填")
    check_text(course_id, "course_id")
    check_text(name, "name")
    course = db.get(m.Course, course_id) or m.Course(id=course_id)
    course.name = name
    db.add(course)
    db.flush()
    return course


def save_section(db: Session, section: m.ClassSection, *, campus_id: str, term_id: str,
                 course_id: str, name: str, teacher_id: str, teacher_candidate_ids,
                 lessons_per_week: int, min_working_days: int, capacity: int, student_groups,
                 required_room_features) -> m.ClassSection:
    repository.get_or_404(db, m.Campus, campus_id, "campus", "校区")
    term = repository.get_or_404(db, m.Term, term_id, "term", "学期")
    repository.get_or_404(db, m.Course, course_id, "course", "课程")
    if term.campus_id != campus_id:
        raise _invalid("the term belongs to another campus", "该学期不属于此校区")
    if teacher_id:
        repository.get_or_404(db, m.Teacher, teacher_id, "teacher", "教师")
    for candidate in teacher_candidate_ids:
        repository.get_or_404(db, m.Teacher, candidate, "teacher", "教师")
    if not name or lessons_per_week <= 0 or capacity <= 0:
        raise _invalid("name, lessons a week and capacity are required",
                       "班级名称、周课时和容量必填")
    if not teacher_id and not teacher_candidate_ids:
        raise _invalid("give a teacher or teacher candidates", "请指定授课教师或候选教师")
    check_text(section.id or "", "section_id")
    check_text(name, "name")
    student_groups = _check_labels(student_groups, "student_groups")
    required_room_features = _check_labels(required_room_features, "required_room_features")
    section.campus_id, section.term_id, section.course_id = campus_id, term_id, course_id
    section.name, section.teacher_id = name, teacher_id or None
    section.teacher_candidate_ids = list(dict.fromkeys(teacher_candidate_ids))
    section.lessons_per_week = lessons_per_week
    section.min_working_days = max(1, min(min_working_days or 1, lessons_per_week))
    section.capacity = capacity
    section.student_groups = sorted(set(student_groups))
    section.required_room_features = sorted(set(required_room_features))
    db.add(section)
    db.flush()
    return section
