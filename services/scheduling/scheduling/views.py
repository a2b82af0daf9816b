"""Timetable views (campus, section, teacher, room, student) and their exports."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from kit.errors import InvalidArgument, NotFound
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import models as m
from . import repository, timetable_export
from .snapshot import LectureInfo, slot_label

VIEWS = ("campus", "section", "teacher", "room", "student")


@dataclasses.dataclass(frozen=True)
class NamedLecture:
    lecture: LectureInfo
    section_name: str
    course_name: str
    room_name: str
    teacher_name: str
    start_time: str
    end_time: str


@dataclasses.dataclass(frozen=True)
class TimetableViewData:
    timetable: m.Timetable
    campus: m.Campus
    term: m.Term
    view: str
    subject_id: str
    subject_name: str
    lectures: list[NamedLecture]
    timeslots: list[m.Timeslot]
    sessions: list[m.ScheduledSession]


def load_view(db: Session, *, campus_id: str, term_id: str, view: str, subject_id: str = "",
              timetable_id: str = "", include_sessions: bool = False) -> TimetableViewData:
    if view not in VIEWS:
        raise InvalidArgument(f"unknown view {view!r}", reason="scheduling.view",
                              message_zh="未知的课表视图")
    if view != "campus" and not subject_id:
        raise InvalidArgument("subject_id required for this view", reason="scheduling.subject",
                              message_zh="请指定查看对象")
    if timetable_id:
        timetable = repository.get_or_404(db, m.Timetable, timetable_id, "timetable", "课表")
    else:
        timetable = repository.published_timetable(db, campus_id, term_id)
        if timetable is None:
            raise NotFound("no published timetable for this campus and term",
                           reason="scheduling.not_published",
                           message_zh="该校区学期尚无已发布的课表")
    campus = db.get(m.Campus, timetable.campus_id)
    term = db.get(m.Term, timetable.term_id)
    lectures = repository.lectures_of(db, timetable.id)
    sections = {s.id: s for s in db.scalars(select(m.ClassSection).where(
        m.ClassSection.term_id == timetable.term_id))}
    subject_name = campus.name
    if view == "section":
        keep = {subject_id}
        subject_name = sections[subject_id].name if subject_id in sections else subject_id
        lectures = [lec for lec in lectures if lec.section_id in keep]
    elif view == "teacher":
        lectures = [lec for lec in lectures if lec.teacher_id == subject_id]
        teacher = db.get(m.Teacher, subject_id)
        subject_name = teacher.name if teacher else subject_id
    elif view == "room":
        lectures = [lec for lec in lectures if lec.room_id == subject_id]
        room = db.get(m.Room, subject_id)
        subject_name = room.name if room else subject_id
    elif view == "student":
        keep = set(db.scalars(select(m.Placement.section_id).where(
            m.Placement.student_id == subject_id)))
        lectures = [lec for lec in lectures if lec.section_id in keep]
        subject_name = subject_id
    timeslots = list(db.scalars(select(m.Timeslot).where(
        m.Timeslot.campus_id == timetable.campus_id).order_by(m.Timeslot.day, m.Timeslot.period)))
    times = {(t.day, t.period): t for t in timeslots}
    rooms = {r.id: r.name for r in db.scalars(select(m.Room).where(
        m.Room.campus_id == timetable.campus_id))}
    teachers = {t.id: t.name for t in db.scalars(select(m.Teacher).where(
        m.Teacher.campus_id == timetable.campus_id))}
    courses = dict(db.execute(select(m.Course.id, m.Course.name)).all())
    named = []
    for lec in sorted(lectures, key=lambda x: (x.day, x.period, x.section_id)):
        section = sections.get(lec.section_id)
        ts = times.get(lec.slot)
        named.append(NamedLecture(
            lec, section.name if section else lec.section_id,
            courses.get(section.course_id, "") if section else "",
            rooms.get(lec.room_id, lec.room_id), teachers.get(lec.teacher_id, lec.teacher_id),
            ts.start_time if ts else "", ts.end_time if ts else ""))
    found_sessions: list[m.ScheduledSession] = []
    if include_sessions and timetable.status == "published":
        keys = {lec.lecture.section_id for lec in named}
        query = select(m.ScheduledSession).where(
            m.ScheduledSession.campus_id == timetable.campus_id,
            m.ScheduledSession.term_id == timetable.term_id,
            m.ScheduledSession.section_id.in_(keys)).order_by(m.ScheduledSession.starts_at)
        if view == "teacher":
            query = query.where(or_(m.ScheduledSession.teacher_id == subject_id,
                                    m.ScheduledSession.substitute_teacher_id == subject_id))
        elif view == "room":
            query = query.where(m.ScheduledSession.room_id == subject_id)
        found_sessions = list(db.scalars(query))
    return TimetableViewData(timetable, campus, term, view, subject_id, subject_name, named,
                             timeslots, found_sessions)


def _subject(data: TimetableViewData) -> list[str]:
    """The view's subject for titles; the campus view's subject is the campus, named already."""
    return [] if data.view == "campus" else [data.subject_name]


def _grid(data: TimetableViewData) -> timetable_export.WeekGrid:
    days = sorted({t.day for t in data.timeslots}) or [1, 2, 3, 4, 5]
    rows, seen = [], set()
    for t in sorted(data.timeslots, key=lambda t: (t.period, t.day)):
        if t.period not in seen:
            seen.add(t.period)
            rows.append(timetable_export.GridRow(t.period, t.start_time, t.end_time))
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for n in data.lectures:
        lines = [f"{n.section_name} {n.course_name}".strip()]
        if data.view != "room":
            lines.append(f"教室 Room: {n.room_name}")
        if data.view != "teacher":
            lines.append(f"教师 Teacher: {n.teacher_name}")
        cells[n.lecture.slot].append("\n".join(lines))
    heading = " · ".join([data.campus.name, data.term.name,
                          f"课表 Timetable v{data.timetable.version}", *_subject(data)])
    return timetable_export.WeekGrid(title=data.subject_name or "Timetable", days=days,
                                     rows=rows, cells=cells, heading=heading)


def export_xlsx(data: TimetableViewData) -> bytes:
    return timetable_export.week_grid_xlsx([_grid(data)])


def export_ics(data: TimetableViewData) -> bytes:
    """Dated sessions of a published timetable (one VEVENT each, so moves, substitutes and
    cancellations show exactly); a draft exports weekly-recurring lectures within the term."""
    zone = ZoneInfo(data.campus.time_zone)
    by_key = {n.lecture.key: n for n in data.lectures}
    out = []
    if data.timetable.status == "published":
        for s in data.sessions:
            n = by_key.get((s.section_id, s.lecture_number))
            if n is None or s.status != "scheduled":
                continue
            starts = s.starts_at if s.starts_at.tzinfo else s.starts_at.replace(tzinfo=dt.UTC)
            ends = s.ends_at if s.ends_at.tzinfo else s.ends_at.replace(tzinfo=dt.UTC)
            out.append(timetable_export.CalendarEvent(
                uid=f"{s.id}@educrm.scheduling",
                summary=f"{n.section_name} {n.course_name}".strip(),
                start=starts, end=ends, location=n.room_name,
                description=f"教师 Teacher: {n.teacher_name}"))
    else:
        start = data.term.start_date
        for n in data.lectures:
            if not n.start_time:
                continue
            first = start + dt.timedelta(days=(n.lecture.day - 1 - start.weekday()) % 7)
            hh, mm = map(int, n.start_time.split(":"))
            eh, em = map(int, n.end_time.split(":"))
            out.append(timetable_export.CalendarEvent(
                uid=f"{data.timetable.id}-{n.lecture.section_id}-{n.lecture.lecture_number}"
                    "@educrm.scheduling",
                summary=f"{n.section_name} {n.course_name}".strip(),
                start=dt.datetime.combine(first, dt.time(hh, mm), zone),
                end=dt.datetime.combine(first, dt.time(eh, em), zone),
                location=n.room_name,
                description=f"教师 Teacher: {n.teacher_name} ({slot_label(n.lecture.slot)})",
                weekly_until=data.term.end_date))
    return timetable_export.calendar_ics(
        out, name=" ".join([data.campus.name, data.term.name, *_subject(data)]),
        time_zone=data.campus.time_zone)
