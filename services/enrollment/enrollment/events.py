"""The events enrollment produces (types in contracts.events.enrollment) and consumes, with
the payloads built from our rows. Written through kit's outbox in the caller's transaction."""
from __future__ import annotations

import datetime as dt

from kit.events import add_event
from sqlalchemy.orm import Session

from . import models as m

ORDER_PLACED = "crm.enrollment.order.placed.v1"
ORDER_CANCELLED = "crm.enrollment.order.cancelled.v1"
ENROLLMENT_CONFIRMED = "crm.enrollment.enrollment.confirmed.v1"
ENROLLMENT_CHANGED = "crm.enrollment.enrollment.changed.v1"
ORDER_PAID_IN_FULL = "crm.finance.order.paid_in_full.v1"

# course category -> the registration kind scheduling's placement reads
REGISTRATION_KIND = {"new_training": "new", "retraining": "retrain", "trial": "trial"}


def iso(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite returns naive datetimes; we store UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def order_placed(s: Session, order: m.Order, ratios: list[dict]) -> None:
    add_event(s, ORDER_PLACED, order.id, {
        "order_id": order.id, "kind": order.kind, "customer_id": order.customer_id,
        "payer_customer_id": order.payer_customer_id, "course_id": order.course_id,
        "course_ids": list(order.course_ids), "class_id": order.class_id,
        "term_id": order.term_id, "campus_id": order.campus_id, "seller_id": order.seller_id,
        "seller_department_id": order.seller_department_id,
        "seller_region_id": order.seller_region_id, "channel_id": order.channel_id,
        "channel_tier": order.channel_tier, "list_price_fen": order.list_price_fen,
        "discount_fen": order.discount_fen, "price_fen": order.price_fen,
        "deposit_fen": order.deposit_fen, "lesson_hours": order.lesson_hours,
        "renews_enrollment_id": order.renews_enrollment_id,
        "commission_ratios": ratios, "placed_at": iso(order.placed_at)})


def order_cancelled(s: Session, order: m.Order, at: dt.datetime) -> None:
    add_event(s, ORDER_CANCELLED, order.id, {"order_id": order.id,
                                             "reason": order.cancel_reason,
                                             "cancelled_at": iso(at)})


def enrollment_confirmed(s: Session, e: m.Enrollment, course: m.Course,
                         starts_on: dt.date | None) -> None:
    add_event(s, ENROLLMENT_CONFIRMED, e.id, {
        "enrollment_id": e.id, "order_id": e.order_id, "customer_id": e.customer_id,
        "course_id": e.course_id, "stage_id": None, "term_id": e.term_id,
        "class_id": e.class_id, "campus_id": e.campus_id,
        "registration_kind": REGISTRATION_KIND[course.category],
        "lesson_minutes": 0, "lesson_hours": e.purchased_hours, "price_fen": e.price_fen,
        "absence_counts_as_consumed": course.absence_counts_as_consumed,
        "starts_on": starts_on.isoformat() if starts_on else None,
        "confirmed_at": iso(e.confirmed_at)})


def enrollment_changed(s: Session, e: m.Enrollment, change: str, hours_delta: int,
                       at: dt.datetime, *, from_class_id: str | None = None,
                       from_course_id: str | None = None,
                       renewal_order_id: str | None = None) -> None:
    add_event(s, ENROLLMENT_CHANGED, e.id, {
        "enrollment_id": e.id, "order_id": e.order_id, "customer_id": e.customer_id,
        "change": change, "hours_delta": hours_delta, "status": e.status,
        "course_id": e.course_id, "class_id": e.class_id, "term_id": e.term_id,
        "from_class_id": from_class_id, "from_course_id": from_course_id,
        "purchased_hours": e.purchased_hours, "consumed_hours": e.consumed_hours,
        "remaining_hours": e.purchased_hours - e.consumed_hours,
        "renewal_order_id": renewal_order_id, "changed_at": iso(at)})


ATTENDANCE_RECORDED = "crm.enrollment.attendance.recorded.v1"


def attendance_recorded(s: Session, a: m.Attendance, term_id: str | None) -> None:
    add_event(s, ATTENDANCE_RECORDED, a.enrollment_id, {
        "attendance_id": a.id, "enrollment_id": a.enrollment_id, "customer_id": a.customer_id,
        "session_id": a.session_id, "term_id": term_id, "lesson_hours": a.lesson_hours,
        "status": a.status, "counts_as_consumed": a.counts_as_consumed, "method": a.method,
        "attended_at": iso(a.attended_at)})
