"""What the worker does with enrollment's events (pure of nameko: takes a Database). Each
handler claims the event in the inbox in the transaction of its effect: a redelivery changes
nothing."""
from __future__ import annotations

import logging

from kit.db import Database
from kit.events import Envelope, claim_event

from . import lesson_hours, orders
from . import models as m

log = logging.getLogger(__name__)


class NotYetKnown(Exception):
    """An event about an order or enrollment whose own event has not been applied yet (they
    travel through different queues): raised so that the consumer retries it after a delay
    (and dead-letters it, for an operator, once the delivery limit is reached) instead of
    dropping a cancellation or a deduction."""


def on_order_placed(db: Database, event: Envelope) -> None:
    with db.session() as s:
        if claim_event(s, event):
            orders.record_placed(s, event.data)


def on_order_cancelled(db: Database, event: Envelope) -> None:
    with db.session() as s:
        if s.get(m.Order, event.data["order_id"]) is None:
            raise NotYetKnown(f"order {event.data['order_id']} is not placed here yet")
        if claim_event(s, event):
            orders.record_cancelled(s, event.data)


def on_enrollment_confirmed(db: Database, event: Envelope) -> None:
    with db.session() as s:
        if claim_event(s, event):
            lesson_hours.credit(s, event.data)


def on_attendance_recorded(db: Database, event: Envelope, *, low_balance_hours: int) -> None:
    data = event.data
    consumed = bool(data.get("counts_as_consumed", True)) and int(data["lesson_hours"]) > 0
    with db.session() as s:
        if s.get(m.Enrollment, data["enrollment_id"]) is None:
            if consumed:  # its confirmation is still on its way: retry, never drop hours
                raise NotYetKnown(f"enrollment {data['enrollment_id']} has no hours here yet")
            claim_event(s, event)  # nothing to deduct from an attendance that consumes none
            return
        if not claim_event(s, event):
            return
        lesson_hours.deduct(s, lesson_hours.Attendance(
            enrollment_id=data["enrollment_id"], session_id=data["session_id"],
            attendance_id=data["attendance_id"], hours=int(data["lesson_hours"]),
            counts_as_consumed=consumed),
            low_balance_hours=low_balance_hours)
