"""enrollment's events applied by the worker's handlers (pure of nameko) on SQLite and
PostgreSQL: once per event, and an event that overtook the one it depends on is retried, not
dropped."""
from __future__ import annotations

import pytest
from finance import enrollment_handlers, lesson_hours
from finance import models as m
from kit.events import make_envelope
from kit.events.context import current_consumer
from sqlalchemy import func, select


class _AsTheWorker:
    """Each handler called as the worker calls it: with its queue as the inbox consumer."""

    NotYetKnown = enrollment_handlers.NotYetKnown

    def __getattr__(self, name):
        handler = getattr(enrollment_handlers, name)

        def call(*args, **kwargs):
            token = current_consumer.set(f"finance.{name}")
            try:
                return handler(*args, **kwargs)
            finally:
                current_consumer.reset(token)
        return call


handlers = _AsTheWorker()


def attendance(enrollment_id: str, session_id: str, hours: int = 2, counts: bool = True):
    return make_envelope("crm.enrollment.attendance.recorded.v1", enrollment_id, {
        "attendance_id": f"a-{session_id}", "enrollment_id": enrollment_id,
        "customer_id": "c-h", "session_id": session_id, "lesson_hours": hours,
        "status": "attended" if counts else "leave", "counts_as_consumed": counts,
        "attended_at": "2026-09-15T10:00:00Z"})


def test_events_apply_once_and_early_ones_are_retried(db, fx):
    order, enrollment = fx.unique("o"), fx.unique("e")
    placed = make_envelope("crm.enrollment.order.placed.v1", order,
                           fx.order_placed(order, customer_id="c-h", lesson_hours=6))
    early = attendance(enrollment, "s-1")
    with pytest.raises(handlers.NotYetKnown):
        handlers.on_attendance_recorded(db, early, low_balance_hours=0)
    # an attendance that consumes nothing has nothing to wait for
    handlers.on_attendance_recorded(db, attendance(enrollment, "s-0", counts=False),
                                    low_balance_hours=0)
    for _ in range(2):
        handlers.on_order_placed(db, placed)
    confirmed = make_envelope("crm.enrollment.enrollment.confirmed.v1", enrollment, {
        "enrollment_id": enrollment, "customer_id": "c-h", "course_id": "course-pm",
        "order_id": order, "confirmed_at": "2026-09-02T09:00:00Z"})
    for _ in range(2):
        handlers.on_enrollment_confirmed(db, confirmed)
    for _ in range(2):  # the retry of the early one, then its redelivery
        handlers.on_attendance_recorded(db, early, low_balance_hours=0)
    with db.session() as s:
        assert lesson_hours.remaining(s, enrollment) == 4
        assert s.scalar(select(func.count()).select_from(m.HourDeduction).where(
            m.HourDeduction.enrollment_id == enrollment)) == 1
    cancelled = make_envelope("crm.enrollment.order.cancelled.v1", "o-unknown", {
        "order_id": "o-unknown", "reason": "", "cancelled_at": "2026-09-03T09:00:00Z"})
    with pytest.raises(handlers.NotYetKnown):
        handlers.on_order_cancelled(db, cancelled)
