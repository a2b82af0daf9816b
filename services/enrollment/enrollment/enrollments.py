"""Enrollments (销售开单): confirmed when finance reports their order paid in full
(prefilled from the order, one per course it sold), and their changes (transfer, suspend,
resume, withdraw / drop out, renew), each with its effect on hours (rules.py) and an
enrollment.changed event."""
from __future__ import annotations

import datetime as dt
import logging

from kit.caller import Caller
from kit.errors import FailedPrecondition
from kit.text import check_text
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import catalogue, events, rules, scope
from . import models as m

log = logging.getLogger(__name__)


def confirm_paid_order(s: Session, order_id: str, paid_at: dt.datetime) -> list[m.Enrollment]:
    """The order was paid in full: its enrollments (or, for a renewal, the hours added to
    the enrollment it renews). An order that does not stand (cancelled meanwhile, or
    unknown) changes nothing: finance refunds what it took. Returns the enrollments made or
    changed."""
    order = s.get(m.Order, order_id, with_for_update=True)
    if order is None or order.status != "placed":
        log.warning("paid in full: order %s is %s; nothing enrolled", order_id,
                    order.status if order else "unknown")
        return []
    order.status = "enrolled"
    if order.renews_enrollment_id:
        e = s.get(m.Enrollment, order.renews_enrollment_id, with_for_update=True)
        if e.status in rules.ENDED:  # left meanwhile: nothing to renew (finance refunds)
            log.warning("paid in full: renewal %s of enrollment %s that is %s; no hours added",
                        order.id, e.id, e.status)
            return []
        effect = rules.renew(e.status, order.lesson_hours)
        e.purchased_hours += effect.hours_delta
        e.price_fen += order.price_fen
        s.flush()
        events.enrollment_changed(s, e, effect.change, effect.hours_delta, paid_at,
                                  renewal_order_id=order.id)
        _record(s, e, effect.change, effect.hours_delta, {"order_id": order.id}, "system",
                paid_at)
        return [e]
    klass = s.get(m.Klass, order.class_id) if order.class_id else None
    made = []
    courses = [s.get(m.Course, c) for c in order.course_ids]
    total_list = sum(c.price_fen for c in courses) or 1
    remaining_price = order.price_fen
    for i, course in enumerate(courses):
        # a bundle's price is shared pro rata to list prices; the last course takes the rest
        share = remaining_price if i == len(courses) - 1 else \
            order.price_fen * course.price_fen // total_list
        remaining_price -= share
        hours = order.lesson_hours if order.kind != "bundle" else course.lesson_hours
        e = m.Enrollment(
            id=m.new_id(), order_id=order.id, customer_id=order.customer_id,
            course_id=course.id, class_id=order.class_id, term_id=order.term_id,
            campus_id=order.campus_id, seller_id=order.seller_id,
            seller_department_id=order.seller_department_id,
            seller_region_id=order.seller_region_id, status=rules.ACTIVE,
            purchased_hours=hours, consumed_hours=0, price_fen=share, confirmed_at=paid_at)
        s.add(e)
        s.flush()
        events.enrollment_confirmed(s, e, course, klass.start_date if klass else None)
        made.append(e)
    return made


def _record(s: Session, e: m.Enrollment, change: str, delta: int, detail: dict, by: str,
            at: dt.datetime) -> None:
    s.add(m.EnrollmentChange(id=m.new_id(), enrollment_id=e.id, change=change,
                             hours_delta=delta, detail=detail, changed_by=by, changed_at=at))
    s.flush()


def _apply(s: Session, caller: Caller, e: m.Enrollment, effect: rules.ChangeEffect,
           reason: str, **detail) -> rules.ChangeEffect:
    at = m.utcnow()
    e.status = effect.status
    e.purchased_hours += effect.hours_delta
    s.flush()
    events.enrollment_changed(s, e, effect.change, effect.hours_delta, at, **detail)
    _record(s, e, effect.change, effect.hours_delta,
            {"reason": check_text(reason, "reason", multiline=True)[:500], **detail},
            caller.user_id, at)
    return effect


def suspend(s: Session, caller: Caller, e: m.Enrollment, reason: str) -> rules.ChangeEffect:
    return _apply(s, caller, e, rules.suspend(e.status), reason)


def resume(s: Session, caller: Caller, e: m.Enrollment, reason: str) -> rules.ChangeEffect:
    return _apply(s, caller, e, rules.resume(e.status), reason)


def withdraw(s: Session, caller: Caller, e: m.Enrollment, reason: str) -> rules.ChangeEffect:
    return _apply(s, caller, e, rules.withdraw(e.status, e.purchased_hours, e.consumed_hours),
                  reason)


def transfer(s: Session, caller: Caller, e: m.Enrollment, class_id: str,
             reason: str) -> rules.ChangeEffect:
    """Into another class (of the same campus; its course may differ: a course transfer).
    The remaining hours move with the student; a full class refuses."""
    effect = rules.transfer(e.status, e.class_id == class_id)
    target = scope.row(s, caller, m.Klass, class_id, "class", "班级")
    s.refresh(target, with_for_update=True)
    if target.campus_id != e.campus_id:
        raise FailedPrecondition("transfers stay within the campus",
                                 reason="enrollment.other_campus",
                                 message_zh="转班须在同一校区内")
    if catalogue.taken_seats(s, target.id) >= target.capacity:
        raise FailedPrecondition("the class is full", reason="enrollment.class_full",
                                 message_zh="该班级已满")
    before_class, before_course = e.class_id, e.course_id
    e.class_id, e.term_id, e.course_id = target.id, target.term_id, target.course_id
    return _apply(s, caller, e, effect, reason, from_class_id=before_class,
                  from_course_id=before_course)


def of_customer(s: Session, customer_id: str) -> list[m.Enrollment]:
    return list(s.scalars(select(m.Enrollment).where(m.Enrollment.customer_id == customer_id)
                          .order_by(m.Enrollment.confirmed_at, m.Enrollment.id)))
