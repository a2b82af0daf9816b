"""Dated sessions of a published timetable: expand weekly lectures over the term's dates and
reconcile them with the sessions already scheduled.

A session is identified by (section, lecture number, week of the term), so re-publishing
updates it in place: its id, reminders and attendance survive a move, and consumers receive
session.changed with before/after. Sessions that already started are history and are never
touched.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import events
from . import models as m
from .snapshot import LectureInfo, TimeslotInfo


@dataclasses.dataclass(frozen=True)
class DatedLecture:
    lecture: LectureInfo
    week_index: int
    date: dt.date
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime


def _at(date: dt.date, hhmm: str, zone: ZoneInfo) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(date, dt.time(hour, minute), zone).astimezone(dt.UTC)


def expand(lectures: Iterable[LectureInfo], timeslots: Iterable[TimeslotInfo],
           start: dt.date, end: dt.date, time_zone: str) -> list[DatedLecture]:
    """Every date in [start, end] on which each weekly lecture takes place."""
    zone = ZoneInfo(time_zone)
    times = {t.slot: t for t in timeslots}
    first_monday = start - dt.timedelta(days=start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    out = []
    for lec in lectures:
        ts = times.get(lec.slot)
        if ts is None:
            continue
        for w in range(weeks):
            date = first_monday + dt.timedelta(days=7 * w + lec.day - 1)
            if start <= date <= end:
                out.append(DatedLecture(lec, w, date, _at(date, ts.start_time, zone),
                                        _at(date, ts.end_time, zone)))
    return out


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclasses.dataclass
class ReconcileResult:
    scheduled: int = 0
    changed: int = 0
    cancelled: int = 0


def reconcile(db: Session, timetable: m.Timetable, lectures: list[LectureInfo], *,
              reason: str = "", now: dt.datetime | None = None) -> ReconcileResult:
    now = now or dt.datetime.now(dt.UTC)
    term = db.get(m.Term, timetable.term_id)
    campus = db.get(m.Campus, timetable.campus_id)
    timeslots = [TimeslotInfo(t.day, t.period, t.start_time, t.end_time) for t in db.scalars(
        select(m.Timeslot).where(m.Timeslot.campus_id == timetable.campus_id))]
    course_of = dict(db.execute(select(m.ClassSection.id, m.ClassSection.course_id).where(
        m.ClassSection.term_id == timetable.term_id)).all())
    wanted = {(d.lecture.section_id, d.lecture.lecture_number, d.week_index): d
              for d in expand(lectures, timeslots, term.start_date, term.end_date,
                              campus.time_zone)}
    existing = {(s.section_id, s.lecture_number, s.week_index): s for s in db.scalars(
        select(m.ScheduledSession).where(m.ScheduledSession.campus_id == timetable.campus_id,
                                         m.ScheduledSession.term_id == timetable.term_id))}
    result = ReconcileResult()
    for key, d in sorted(wanted.items()):
        s = existing.get(key)
        if s is not None and _aware(s.starts_at) <= now:
            continue  # already started: history
        if d.starts_at <= now:
            continue  # never schedule into the past
        if s is None:
            s = m.ScheduledSession(
                campus_id=timetable.campus_id, term_id=timetable.term_id,
                timetable_id=timetable.id, section_id=d.lecture.section_id,
                lecture_number=d.lecture.lecture_number, week_index=d.week_index, date=d.date,
                day=d.lecture.day, period=d.lecture.period, starts_at=d.starts_at,
                ends_at=d.ends_at, room_id=d.lecture.room_id, teacher_id=d.lecture.teacher_id,
                status="scheduled")
            db.add(s)
            db.flush()
            events.session_scheduled(db, s, course_of.get(s.section_id))
            result.scheduled += 1
            continue
        before = events.session_state(s, course_of.get(s.section_id))
        was_cancelled = s.status == "cancelled"
        s.timetable_id = timetable.id
        s.date, s.day, s.period = d.date, d.lecture.day, d.lecture.period
        s.starts_at, s.ends_at = d.starts_at, d.ends_at
        s.room_id = d.lecture.room_id
        if s.teacher_id != d.lecture.teacher_id:
            s.teacher_id, s.substitute_teacher_id = d.lecture.teacher_id, None
        s.status = "scheduled"
        db.flush()
        after = events.session_state(s, course_of.get(s.section_id))
        moved = any(before[k] != after[k] for k in events.SESSION_FIELDS)
        if moved or was_cancelled:
            events.session_changed(db, s, course_of.get(s.section_id), before, reason=reason)
            result.changed += 1
    for key, s in existing.items():
        if key in wanted or s.status == "cancelled" or _aware(s.starts_at) <= now:
            continue
        before = events.session_state(s, course_of.get(s.section_id))
        s.status = "cancelled"
        s.timetable_id = timetable.id
        db.flush()
        events.session_changed(db, s, course_of.get(s.section_id), before, cancelled=True,
                               reason=reason)
        result.cancelled += 1
    return result
