"""The events scheduling produces (types registered in contracts.events.scheduling) and
the payloads built from our rows. Written through kit's outbox in the caller's transaction."""
from __future__ import annotations

import datetime as dt
from typing import Any

from kit.events import add_event
from sqlalchemy.orm import Session

from . import models as m

SESSION_SCHEDULED = "crm.scheduling.session.scheduled.v1"
SESSION_CHANGED = "crm.scheduling.session.changed.v1"
SESSION_REMINDER_DUE = "crm.scheduling.session.reminder_due.v1"
TIMETABLE_PUBLISHED = "crm.scheduling.timetable.published.v1"
PLACEMENT_MADE = "crm.scheduling.placement.made.v1"
PLACEMENT_FAILED = "crm.scheduling.placement.failed.v1"
ENROLLMENT_CONFIRMED = "crm.enrollment.enrollment.confirmed.v1"

# the fields whose change makes a session.changed event
SESSION_FIELDS = ("date", "day", "period", "room_id", "teacher_id", "substitute_teacher_id",
                  "starts_at", "ends_at")


def iso(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite returns naive datetimes; we store UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def session_state(s: m.ScheduledSession, course_id: str | None) -> dict[str, Any]:
    return {
        "section_id": s.section_id, "course_id": course_id, "campus_id": s.campus_id,
        "term_id": s.term_id, "timetable_id": s.timetable_id,
        "lecture_number": s.lecture_number, "date": s.date.isoformat(), "day": s.day,
        "period": s.period, "room_id": s.room_id, "teacher_id": s.teacher_id,
        "substitute_teacher_id": s.substitute_teacher_id,
        "starts_at": iso(s.starts_at), "ends_at": iso(s.ends_at),
    }


def session_scheduled(db: Session, s: m.ScheduledSession, course_id: str | None) -> None:
    add_event(db, SESSION_SCHEDULED, s.id, {"session_id": s.id, **session_state(s, course_id)})


def session_changed(db: Session, s: m.ScheduledSession, course_id: str | None,
                    before: dict[str, Any] | None, *, cancelled: bool = False,
                    reason: str = "") -> None:
    after = session_state(s, course_id)
    changed = [k for k in SESSION_FIELDS if before is not None and before.get(k) != after.get(k)]
    if cancelled:
        changed.append("status")
    add_event(db, SESSION_CHANGED, s.id, {"session_id": s.id, **after, "before": before,
                                           "changed_fields": changed, "cancelled": cancelled,
                                           "reason": reason})
