"""The reminder timer's work (worker): find sessions starting within the horizon, decide with
`reminders.due_reminders`, and write each reminder event with its ReminderSent row in one
transaction — so a reminder is emitted once even when two workers run the timer."""
from __future__ import annotations

import datetime as dt

from kit.db import Database
from kit.events import add_event
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import events
from . import models as m
from .reminders import UpcomingSession, due_reminders


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def dispatch_due_reminders(db: Database, *, offsets: tuple[int, ...],
                           now: dt.datetime | None = None,
                           horizon_minutes: int | None = None) -> int:
    now = now or dt.datetime.now(dt.UTC)
    horizon = dt.timedelta(minutes=horizon_minutes or max(offsets, default=0) + 60)
    with db.session() as s:
        upcoming = list(s.scalars(select(m.ScheduledSession).where(
            m.ScheduledSession.status == "scheduled", m.ScheduledSession.starts_at > now,
            m.ScheduledSession.starts_at <= now + horizon)))
        sent = set(s.execute(select(m.ReminderSent.session_id, m.ReminderSent.offset_minutes)
                             .where(m.ReminderSent.session_id.in_([u.id for u in upcoming]))).all())
        due = due_reminders([UpcomingSession(u.id, _aware(u.starts_at)) for u in upcoming],
                            now, offsets, sent)
    emitted = 0
    for reminder in due:
        try:
            with db.session() as s:
                session = s.get(m.ScheduledSession, reminder.session_id)
                for offset in (reminder.offset_minutes, *reminder.skipped_offsets):
                    s.add(m.ReminderSent(session_id=session.id, offset_minutes=offset))
                s.flush()  # a concurrent timer that got here first makes this fail
                section = s.get(m.ClassSection, session.section_id)
                students = sorted(s.scalars(select(m.Placement.student_id).where(
                    m.Placement.section_id == session.section_id)))
                remind_at = reminder.starts_at - dt.timedelta(minutes=reminder.offset_minutes)
                add_event(s, events.SESSION_REMINDER_DUE, session.id, {
                    "session_id": session.id, **events.session_state(session, section.course_id),
                    "student_ids": students, "remind_at": events.iso(remind_at),
                    "offset_minutes": reminder.offset_minutes})
            emitted += 1
        except IntegrityError:
            continue
    return emitted
