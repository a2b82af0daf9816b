"""Reads of the scheduling database into the plain snapshots the rule modules take."""
from __future__ import annotations

from collections import defaultdict

from kit.errors import FailedPrecondition, NotFound
from kit.text import check_text
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models as m
from .snapshot import (
    CampusTerm,
    LectureInfo,
    RoomInfo,
    SectionInfo,
    Slot,
    TeacherInfo,
    TimeslotInfo,
)


def slots_of(value) -> frozenset[Slot]:
    return frozenset((int(d), int(p)) for d, p in (value or ()))


def get_or_404(session: Session, model, key, what: str, what_zh: str):
    if isinstance(key, str):  # an id that could never be stored is bad input, not a 500
        check_text(key, f"{what.replace(' ', '_')}_id")
    row = session.get(model, key) if key else None
    if row is None:
        raise NotFound(f"{what} {key!r} not found",
                       reason=f"scheduling.{what.replace(' ', '_')}_not_found",
                       message_zh=f"{what_zh}不存在: {key}")
    return row


def room_info(r: m.Room) -> RoomInfo:
    return RoomInfo(r.id, r.name, r.capacity, frozenset(r.features or ()),
                    slots_of(r.unavailable), r.active)


def teacher_info(t: m.Teacher) -> TeacherInfo:
    return TeacherInfo(t.id, t.name, frozenset(t.course_ids or ()), slots_of(t.unavailable),
                       t.active)


def timeslot_info(t: m.Timeslot) -> TimeslotInfo:
    return TimeslotInfo(t.day, t.period, t.start_time, t.end_time)


def students_by_section(session: Session, section_ids) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    if section_ids:
        rows = session.execute(select(m.Placement.section_id, m.Placement.student_id)
                               .where(m.Placement.section_id.in_(list(section_ids))))
        for section_id, student_id in rows:
            found[section_id].add(student_id)
    return {k: frozenset(v) for k, v in found.items()}


def section_info(s: m.ClassSection, course_name: str, students: frozenset[str]) -> SectionInfo:
    return SectionInfo(
        id=s.id, name=s.name, course_id=s.course_id, lessons_per_week=s.lessons_per_week,
        capacity=s.capacity, course_name=course_name, teacher_id=s.teacher_id,
        teacher_candidate_ids=tuple(s.teacher_candidate_ids or ()),
        min_working_days=s.min_working_days, student_groups=frozenset(s.student_groups or ()),
        required_features=frozenset(s.required_room_features or ()), students=students)


def load_campus_term(session: Session, campus_id: str, term_id: str) -> CampusTerm:
    get_or_404(session, m.Campus, campus_id, "campus", "校区")
    term = get_or_404(session, m.Term, term_id, "term", "学期")
    if term.campus_id != campus_id:
        raise FailedPrecondition("the term belongs to another campus",
                                 reason="scheduling.term_campus", message_zh="该学期不属于此校区")
    timeslots = session.scalars(select(m.Timeslot).where(m.Timeslot.campus_id == campus_id))
    rooms = session.scalars(select(m.Room).where(m.Room.campus_id == campus_id))
    teachers = session.scalars(select(m.Teacher).where(m.Teacher.campus_id == campus_id))
    sections = list(session.scalars(select(m.ClassSection).where(
        m.ClassSection.campus_id == campus_id, m.ClassSection.term_id == term_id)))
    course_names = dict(session.execute(select(m.Course.id, m.Course.name)).all())
    students = students_by_section(session, [s.id for s in sections])
    return CampusTerm.of(
        campus_id, term_id, [timeslot_info(t) for t in timeslots], [room_info(r) for r in rooms],
        [teacher_info(t) for t in teachers],
        [section_info(s, course_names.get(s.course_id, s.course_id),
                      students.get(s.id, frozenset())) for s in sections])


def lectures_of(session: Session, timetable_id: str) -> list[LectureInfo]:
    rows = session.scalars(select(m.TimetableLecture)
                           .where(m.TimetableLecture.timetable_id == timetable_id)
                           .order_by(m.TimetableLecture.section_id,
                                     m.TimetableLecture.lecture_number))
    return [LectureInfo(r.section_id, r.lecture_number, r.day, r.period, r.room_id, r.teacher_id)
            for r in rows]


def published_timetable(session: Session, campus_id: str, term_id: str) -> m.Timetable | None:
    return session.scalars(select(m.Timetable).where(
        m.Timetable.campus_id == campus_id, m.Timetable.term_id == term_id,
        m.Timetable.status == "published")).first()


def next_version(session: Session, campus_id: str, term_id: str) -> int:
    current = session.scalar(select(func.max(m.Timetable.version)).where(
        m.Timetable.campus_id == campus_id, m.Timetable.term_id == term_id))
    return (current or 0) + 1


def save_timetable(session: Session, campus_id: str, term_id: str, lectures, *, status: str,
                   hard: int, soft: int) -> m.Timetable:
    timetable = m.Timetable(campus_id=campus_id, term_id=term_id,
                            version=next_version(session, campus_id, term_id), status=status,
                            hard_violations=hard, soft_cost=soft)
    session.add(timetable)
    session.flush()
    session.add_all(m.TimetableLecture(
        timetable_id=timetable.id, section_id=lec.section_id, lecture_number=lec.lecture_number,
        day=lec.day, period=lec.period, room_id=lec.room_id, teacher_id=lec.teacher_id)
        for lec in lectures)
    session.flush()
    return timetable
