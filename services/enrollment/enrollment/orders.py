"""Sales orders (销售订单): placing one (what it sells, its price and discount, the
prerequisites), the discount approval (kit.approval_chain, one level), cancelling.

The order stands (`placed`, order.placed emitted) at once when its discount is within the
limit, else after a manager approved it; a rejected discount ends the order."""
from __future__ import annotations

import dataclasses

from kit import approval_chain
from kit.caller import Caller
from kit.errors import FailedPrecondition, InvalidArgument
from kit.text import check_text
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import catalogue, events, rules, scope
from . import models as m

DISCOUNT_DOCUMENT = "enrollment.order_discount"


def discount_chain(approver_roles: tuple[str, ...]) -> approval_chain.Chain:
    return approval_chain.Chain(DISCOUNT_DOCUMENT, (approval_chain.Level(
        "manager", "a manager", "经理", roles=frozenset(approver_roles)),))


@dataclasses.dataclass(frozen=True)
class OrderRequest:
    kind: str
    customer_id: str
    payer_customer_id: str
    proxy_registration: bool
    course_id: str
    lesson_hours: int
    class_id: str
    course_ids: tuple[str, ...]
    campus_id: str
    channel_id: str
    channel_tier: str
    discount_fen: int
    deposit_fen: int
    renews_enrollment_id: str = ""


def _invalid(field: str, en: str, zh: str) -> InvalidArgument:
    return InvalidArgument(en, reason=f"invalid.{field}", message_zh=zh)


def _course(s: Session, caller: Caller | None, course_id: str, campus_id: str) -> m.Course:
    course = scope.row(s, caller, m.Course, course_id, "course", "课程")
    if not course.active:
        raise FailedPrecondition(f"course {course.name} is no longer sold",
                                 reason="enrollment.course_inactive",
                                 message_zh=f"课程「{course.name}」已停售")
    if course.campus_id and course.campus_id != campus_id:
        raise _invalid("course_id", "the course is taught at another campus",
                       "该课程属于其他校区")
    return course


def completed_courses(s: Session, customer_id: str) -> set[str]:
    """Course ids the customer holds (an enrollment that was not withdrawn before class)."""
    return set(s.scalars(select(m.Enrollment.course_id).where(
        m.Enrollment.customer_id == customer_id, m.Enrollment.status != rules.WITHDRAWN)))


def place(s: Session, caller: Caller, req: OrderRequest, *, discount_limit_bp: int,
          chain: approval_chain.Chain) -> m.Order:
    if req.kind not in rules.ORDER_KINDS:
        raise _invalid("kind", "kind must be lesson_hours, class or bundle",
                       "订单类型须为 lesson_hours（课时）、class（班级）或 bundle（课程组合）")
    if not req.customer_id:
        raise _invalid("customer_id", "customer_id required", "请指定客户")
    if req.proxy_registration and not req.payer_customer_id:
        raise _invalid("payer_customer_id", "a proxy registration names the payer",
                       "代报名须指定付款人")
    campus = scope.campus(s, caller, req.campus_id)
    klass = None
    if req.kind == "class":
        klass = scope.row(s, caller, m.Klass, req.class_id, "class", "班级")
        # lock the class: two orders racing for its last seat are serialized here
        s.refresh(klass, with_for_update=True)
        if klass.campus_id != campus.id:
            raise _invalid("class_id", "the class is at another campus", "该班级属于其他校区")
        courses = [_course(s, caller, klass.course_id, campus.id)]
        if catalogue.taken_seats(s, klass.id) >= klass.capacity:
            raise FailedPrecondition("the class is full", reason="enrollment.class_full",
                                     message_zh="该班级已满")
        list_price, hours = courses[0].price_fen, courses[0].lesson_hours
    elif req.kind == "lesson_hours":
        courses = [_course(s, caller, req.course_id, campus.id)]
        list_price = rules.hours_price(courses[0].price_fen, courses[0].lesson_hours,
                                       req.lesson_hours)
        hours = req.lesson_hours
    else:
        if len(req.course_ids) < 2 or len(set(req.course_ids)) != len(req.course_ids):
            raise _invalid("course_ids", "a bundle sells two or more different courses",
                           "课程组合须包含两门及以上不同课程")
        courses = [_course(s, caller, c, campus.id) for c in req.course_ids]
        list_price = sum(c.price_fen for c in courses)
        hours = sum(c.lesson_hours for c in courses)
    if not req.renews_enrollment_id:
        rules.check_prerequisites(
            [rules.CourseStep(c.id, c.name, c.prerequisite_course_id) for c in courses],
            completed_courses(s, req.customer_id))
    pricing = rules.price(list_price, req.discount_fen, req.deposit_fen,
                          discount_limit_bp=discount_limit_bp)
    order = m.Order(
        id=m.new_id(), kind=req.kind, customer_id=req.customer_id,
        payer_customer_id=req.payer_customer_id or None,
        proxy_registration=req.proxy_registration, course_id=courses[0].id,
        course_ids=[c.id for c in courses], class_id=klass.id if klass else None,
        term_id=klass.term_id if klass else None, campus_id=campus.id,
        seller_id=caller.user_id, seller_department_id=caller.department_id,
        seller_region_id=caller.region_id, channel_id=req.channel_id or None,
        channel_tier=check_text(req.channel_tier, "channel_tier") or None,
        list_price_fen=pricing.list_price_fen, discount_fen=pricing.discount_fen,
        price_fen=pricing.price_fen, deposit_fen=pricing.deposit_fen, lesson_hours=hours,
        commission_versions={c.id: c.commission_version for c in courses},
        status="pending_approval" if pricing.needs_approval else "placed",
        renews_enrollment_id=req.renews_enrollment_id or None, created_at=m.utcnow())
    s.add(order)
    s.flush()
    if pricing.needs_approval:
        approval_chain.submit(s, chain, order.id, caller,
                              department_id=order.seller_department_id,
                              region_id=order.seller_region_id)
    else:
        _stand(s, order)
    return order


def commission_snapshot(s: Session, order: m.Order) -> list[dict]:
    """The ratios of the commission versions the order used (per course)."""
    out = []
    for course_id in order.course_ids:
        version = int(order.commission_versions.get(course_id, 0))
        ratios = [rules.Ratio(r.role, r.channel_tier, r.ratio_bp)
                  for r in catalogue.ratios(s, course_id, version)]
        for r in rules.applicable_ratios(ratios, order.channel_tier):
            out.append({"course_id": course_id, "version": version, "role": r.role,
                        "channel_tier": r.channel_tier or None, "ratio_bp": r.ratio_bp})
    return out


def _stand(s: Session, order: m.Order) -> None:
    order.status = "placed"
    order.placed_at = m.utcnow()
    s.flush()
    events.order_placed(s, order, commission_snapshot(s, order))


def decide_discount(s: Session, caller: Caller, order: m.Order, *, approve: bool, note: str,
                    chain: approval_chain.Chain) -> m.Order:
    if order.status != "pending_approval":
        raise FailedPrecondition("the order waits for no approval",
                                 reason="enrollment.order_not_pending",
                                 message_zh="该订单无待审批的优惠")
    decided = approval_chain.decide(s, chain, order.id, caller, approve=approve,
                                    note=check_text(note, "note", multiline=True))
    if decided.status == approval_chain.APPROVED:
        _stand(s, order)
    elif decided.status == approval_chain.REJECTED:
        order.status = "rejected"
        s.flush()
    return order


def cancel(s: Session, caller: Caller, order: m.Order, reason: str, *,
           chain: approval_chain.Chain) -> m.Order:
    """Cancel an order that has not become an enrollment; a discount request its seller
    cancels is withdrawn too, so it leaves the managers' to-do lists."""
    if order.status not in ("pending_approval", "placed"):
        raise FailedPrecondition(f"an order that is {order.status} cannot be cancelled",
                                 reason="enrollment.order_not_cancellable",
                                 message_zh="该订单当前状态不能取消")
    was_placed = order.status == "placed"
    if not was_placed and approval_chain.load(s, chain, order.id).submitted_by == caller.user_id:
        approval_chain.withdraw(s, chain, order.id, caller)
    order.status = "cancelled"
    order.cancel_reason = check_text(reason, "reason", multiline=True)[:500]
    s.flush()
    if was_placed:  # finance knew of it
        events.order_cancelled(s, order, m.utcnow())
    return order
