"""What the worker does with enrollment's events (pure of nameko: takes a Database). Each
handler claims the event in the inbox in the transaction of its effect: a redelivery changes
nothing."""
from __future__ import annotations

import logging

from kit.db import Database
from kit.events import Envelope, claim_event

from . import lesson_hours, orders

log = logging.getLogger(__name__)


def on_order_placed(db: Database, event: Envelope) -> None:
    with db.session() as s:
        if claim_event(s, event):
            orders.record_placed(s, event.data)


def on_order_cancelled(db: Database, event: Envelope) -> None:
    with db.session() as s:
        if claim_event(s, event):
            orders.record_cancelled(s, event.data)


def on_enrollment_confirmed(db: Database, event: Envelope) -> None:
    with db.session() as s:
        if claim_event(s, event):
            lesson_hours.credit(s, event.data)


def on_attendance_recorded(db: Database, event: Envelope, *, low_balance_hours: int) -> None:
    data = event.data
    with db.session() as s:
        if not claim_event(s, event):
            return
        if s.get(lesson_hours.m.Enrollment, data["enrollment_id"]) is None:
            # an attendance of an enrollment finance holds no hours for (a trial lesson)
            log.info("attendance of an enrollment without hours",
                     extra={"enrollment_id": data["enrollment_id"]})
            return
        lesson_hours.deduct(s, lesson_hours.Attendance(
            enrollment_id=data["enrollment_id"], session_id=data["session_id"],
            attendance_id=data["attendance_id"], hours=int(data["lesson_hours"]),
            counts_as_consumed=bool(data.get("counts_as_consumed", True))),
            low_balance_hours=low_balance_hours)
