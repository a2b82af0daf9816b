"""Lesson hours: credited to an enrollment when it is confirmed, deducted once per (enrollment,
session) by attendances that count as consumed, never below zero.

Deductions of one enrollment run one after another (the enrollment row's lock), so 20
attendances racing for 3 remaining hours deduct 3 and find the rest insufficient; the unique
(enrollment, session) row and the journal source `deduction:<enrollment>:<session>` make a
redelivered or repeated attendance change nothing.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from kit.errors import NotFound
from kit.events import add_event
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import events as ev
from . import journal, refund_rule
from . import models as m

DEDUCTED, NOT_CONSUMED, INSUFFICIENT = "deducted", "not_consumed", "insufficient"


def not_found(enrollment_id: str) -> NotFound:
    return NotFound(f"enrollment {enrollment_id} not found", reason="enrollment.not_found",
                    message_zh=f"报名 {enrollment_id} 不存在")


def credit(session: Session, data: Mapping[str, Any]) -> m.Enrollment:
    """Credit a confirmed enrollment's hours (from enrollment.confirmed; once per enrollment).
    Hours and price come from the event, else from the order it names."""
    existing = session.get(m.Enrollment, data["enrollment_id"])
    if existing is not None:
        return existing
    order = session.get(m.Order, data["order_id"]) if data.get("order_id") else None
    hours = data.get("lesson_hours")
    if hours is None:
        hours = order.lesson_hours if order is not None else 0
    price = data.get("price_fen")
    if price is None:
        price = order.price_fen if order is not None else 0
    row = m.Enrollment(id=data["enrollment_id"], order_id=data.get("order_id"),
                       customer_id=data["customer_id"], course_id=data["course_id"],
                       hours_credited=int(hours), price_fen=int(price),
                       confirmed_at=ev.parse_time(data.get("confirmed_at")), status="active",
                       version=1)
    session.add(row)
    session.flush()
    if row.hours_credited > 0:
        journal.post(session, journal.Entry(
            source=f"hours_credit:{row.id}", kind="hours_credit", customer_id=row.customer_id,
            order_id=row.order_id,
            postings=[journal.Posting("lesson_hours", row.hours_credited, row.customer_id,
                                      row.id),
                      journal.Posting("hours_issued", -row.hours_credited)]))
    return row


def remaining(session: Session, enrollment_id: str) -> int:
    return journal.balance(session, "lesson_hours", ref_id=enrollment_id)


def lock(session: Session, enrollment_id: str) -> m.Enrollment:
    moved = session.execute(update(m.Enrollment).where(m.Enrollment.id == enrollment_id)
                            .values(version=m.Enrollment.version + 1)).rowcount
    if moved != 1:
        raise not_found(enrollment_id)
    row = session.get(m.Enrollment, enrollment_id, populate_existing=True)
    assert row is not None
    return row


@dataclasses.dataclass(frozen=True)
class Attendance:
    enrollment_id: str
    session_id: str
    attendance_id: str
    hours: int
    counts_as_consumed: bool


def deduct(session: Session, attendance: Attendance, *,
           low_balance_hours: int) -> m.HourDeduction:
    """Apply one attendance to its enrollment's hours; returns the (enrollment, session) row,
    the one recorded before when there is one."""
    enrollment = lock(session, attendance.enrollment_id)
    done = session.scalar(select(m.HourDeduction).where(
        m.HourDeduction.enrollment_id == enrollment.id,
        m.HourDeduction.session_id == attendance.session_id))
    if done is not None:
        return done
    before = remaining(session, enrollment.id)
    hours, entry_id = 0, None
    if not attendance.counts_as_consumed or attendance.hours <= 0:
        outcome = NOT_CONSUMED
    elif attendance.hours > before or enrollment.status != "active":
        outcome = INSUFFICIENT
    else:
        outcome, hours = DEDUCTED, attendance.hours
        postings = [journal.Posting("hours_consumed", hours),
                    journal.Posting("lesson_hours", -hours, enrollment.customer_id,
                                    enrollment.id)]
        earned = _earned(enrollment, consumed(session, enrollment.id), hours)
        if earned:  # the consumed value moves from the customer's prepaid money to revenue
            postings += [journal.Posting("customer_prepaid", earned, enrollment.customer_id,
                                         enrollment.order_id or ""),
                         journal.Posting("revenue", -earned)]
        entry_id = journal.post(session, journal.Entry(
            source=f"deduction:{enrollment.id}:{attendance.session_id}", kind="deduction",
            customer_id=enrollment.customer_id, order_id=enrollment.order_id,
            postings=postings)).id
    after = before - hours
    row = m.HourDeduction(id=m.new_id(), enrollment_id=enrollment.id,
                          session_id=attendance.session_id,
                          attendance_id=attendance.attendance_id, hours=hours, outcome=outcome,
                          remaining_hours=after, entry_id=entry_id, recorded_at=m.utcnow())
    session.add(row)
    session.flush()
    if outcome == DEDUCTED:
        add_event(session, ev.LESSON_HOURS_DEDUCTED, enrollment.id, {
            "customer_id": enrollment.customer_id, "enrollment_id": enrollment.id,
            "session_id": attendance.session_id, "attendance_id": attendance.attendance_id,
            "hours": hours, "remaining_hours": after, "deducted_at": ev.iso(row.recorded_at)})
    crossed = outcome == DEDUCTED and before > low_balance_hours >= after
    if crossed or outcome == INSUFFICIENT:
        add_event(session, ev.BALANCE_LOW, enrollment.id, {
            "customer_id": enrollment.customer_id, "enrollment_id": enrollment.id,
            "remaining_hours": after})
    return row


def _earned(enrollment: m.Enrollment, consumed_before: int, hours: int) -> int:
    """The revenue `hours` more consumed hours earn: the growth of refund_rule's consumed
    value, so that revenue recognised always equals what a refund keeps back."""
    def value(used: int) -> int:
        return refund_rule.quote(price_fen=enrollment.price_fen,
                                 lesson_hours=enrollment.hours_credited, paid_fen=0,
                                 refunded_before_fen=0, consumed_hours=used).consumed_value_fen
    return value(consumed_before + hours) - value(consumed_before)


def consumed(session: Session, enrollment_id: str) -> int:
    """Hours the enrollment's attendances consumed (the journal's deduction entries)."""
    return int(session.scalar(select(func.coalesce(func.sum(m.HourDeduction.hours), 0)).where(
        m.HourDeduction.enrollment_id == enrollment_id)))
