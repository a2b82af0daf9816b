"""Refunds at any stage (deposit, paid, enrolled, attending): prefilled from the order and its
enrollment, the amount bounded by refund_rule, approved seller → department head → finance →
general manager (kit.approval_chain, in order, nobody their own or two levels), then paid by
the cashier. Each step is booked once (journal sources `refund:<id>:approved|paid`).

A full refund (the whole refundable amount) ends the order: its remaining lesson hours are
forfeited, the order and enrollment are marked refunded, and refund.paid carries
`full_refund: true` (leads marks the customer invalid). A partial refund (less than the
refundable amount, e.g. a negotiated compensation) leaves the enrollment running. Approval
reverses the sale's commissions in proportion (commissions.py).
"""
from __future__ import annotations

import dataclasses

from kit import approval_chain
from kit.approval_chain import Chain, Level
from kit.caller import Caller
from kit.errors import FailedPrecondition, InvalidArgument, NotFound
from kit.events import add_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import commissions, journal, lesson_hours, orders, payments, refund_rule
from . import events as ev
from . import models as m

PENDING, APPROVED, REJECTED, PAID = "pending", "approved", "rejected", "paid"

CHAIN = Chain("refund", (
    Level("seller", "the seller", "销售", roles=frozenset({"sales"})),
    Level("department_head", "the department head", "部门负责人",
          roles=frozenset({"department_manager", "director"})),
    Level("finance", "finance", "财务", roles=frozenset({"finance"})),
    Level("general_manager", "the general manager", "总经理",
          roles=frozenset({"general_manager"})),
))
CASHIER_ROLES = ("cashier",)


def not_found(refund_id: str) -> NotFound:
    return NotFound(f"refund {refund_id} not found", reason="refund.not_found",
                    message_zh=f"退款单 {refund_id} 不存在")


@dataclasses.dataclass(frozen=True)
class Prefill:
    """What a refund of an order would be now: the form's prefilled values."""
    order: m.Order
    enrollment: m.Enrollment | None
    stage: str
    quote: refund_rule.Quote


def refunded_before(session: Session, order_id: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(m.Refund.amount_fen), 0)).where(
        m.Refund.order_id == order_id, m.Refund.status.in_((APPROVED, PAID)))))


def prefill(session: Session, order: m.Order) -> Prefill:
    enrollment = session.scalar(select(m.Enrollment).where(m.Enrollment.order_id == order.id)
                                .order_by(m.Enrollment.confirmed_at))
    used = lesson_hours.consumed(session, enrollment.id) if enrollment is not None else 0
    paid = payments.paid_total(session, order.id)
    if enrollment is not None:
        stage = "attending" if used else "enrolled"
    else:
        stage = "paid" if order.status == orders.PAID_IN_FULL else "deposit"
    hours = enrollment.hours_credited if enrollment is not None else order.lesson_hours
    price = enrollment.price_fen if enrollment is not None and enrollment.price_fen \
        else order.price_fen
    quote = refund_rule.quote(price_fen=price, lesson_hours=hours, paid_fen=paid,
                              refunded_before_fen=refunded_before(session, order.id),
                              consumed_hours=used)
    return Prefill(order, enrollment, stage, quote)


def request(session: Session, order_id: str, amount_fen: int, reason: str,
            caller: Caller) -> m.Refund:
    """Open a refund of `amount_fen` (0 = everything refundable) and submit it."""
    order = orders.lock(session, order_id)
    if order.status == orders.REFUNDED:
        raise FailedPrecondition("this order was refunded in full", reason="order.refunded",
                                 message_zh="该订单已全额退款")
    if session.scalar(select(m.Refund.id).where(m.Refund.order_id == order.id,
                                                m.Refund.status.in_((PENDING, APPROVED)))):
        raise FailedPrecondition("a refund of this order is already under way",
                                 reason="refund.under_way", message_zh="该订单已有退款在办理中")
    pre = prefill(session, order)
    refundable = pre.quote.refundable_fen
    amount = amount_fen or refundable
    if type(amount) is not int or amount < 0:
        raise InvalidArgument("amount_fen is a non-negative integer (fen)",
                              reason="refund.invalid", message_zh="退款金额必须为非负整数（分）")
    if refundable <= 0:
        raise FailedPrecondition("nothing of this order is refundable",
                                 reason="refund.nothing_refundable", message_zh="该订单无可退金额")
    if amount > refundable:
        raise FailedPrecondition(
            f"at most {refundable} fen is refundable", reason="refund.exceeds_refundable",
            message_zh=f"最多可退 {refundable} 分")
    q = pre.quote
    refund = m.Refund(
        id=m.new_id(), order_id=order.id,
        enrollment_id=pre.enrollment.id if pre.enrollment is not None else None,
        customer_id=order.customer_id, stage=pre.stage, paid_fen=q.paid_fen,
        refunded_before_fen=q.refunded_before_fen, consumed_hours=q.consumed_hours,
        unit_price_fen=q.unit_price_fen, consumed_value_fen=q.consumed_value_fen,
        refundable_fen=refundable, amount_fen=amount, full_refund=amount == refundable,
        reason=reason[:500], status=PENDING, requested_by=caller.user_id,
        requested_at=m.utcnow())
    session.add(refund)
    session.flush()
    approval_chain.submit(session, CHAIN, refund.id, caller,
                          department_id=order.seller_department_id,
                          region_id=order.seller_region_id)
    _event(session, ev.REFUND_REQUESTED, refund)
    return refund


def _event(session: Session, event_type: str, refund: m.Refund) -> None:
    add_event(session, event_type, refund.id, {
        "refund_id": refund.id, "order_id": refund.order_id,
        "enrollment_id": refund.enrollment_id, "customer_id": refund.customer_id,
        "amount_fen": refund.amount_fen, "full_refund": refund.full_refund})


def _locked(session: Session, refund_id: str) -> tuple[m.Refund, m.Order]:
    refund = session.get(m.Refund, refund_id)
    if refund is None:
        raise not_found(refund_id)
    order = orders.lock(session, refund.order_id)
    session.refresh(refund)
    return refund, order


def decide(session: Session, refund_id: str, caller: Caller, *, approve: bool,
           note: str = "") -> m.Refund:
    refund, order = _locked(session, refund_id)
    if refund.status != PENDING:
        raise FailedPrecondition(f"this refund is {refund.status}; nothing is left to decide",
                                 reason="approval.ended", message_zh="该退款审批已结束")
    result = approval_chain.decide(session, CHAIN, refund.id, caller, approve=approve,
                                   note=note)
    refund.decided_at = m.utcnow()
    if result.status == approval_chain.REJECTED:
        refund.status = REJECTED
        _event(session, ev.REFUND_REJECTED, refund)
    elif result.status == approval_chain.APPROVED:
        _approve(session, refund, order, caller)
    return refund


def _approve(session: Session, refund: m.Refund, order: m.Order, caller: Caller) -> None:
    # hours may have been consumed while the refund waited: the amount must still be covered
    pre = prefill(session, order)
    if refund.amount_fen > pre.quote.refundable_fen:
        raise FailedPrecondition(
            f"lessons attended since the request leave {pre.quote.refundable_fen} fen "
            "refundable; reject this refund and request a new one",
            reason="refund.exceeds_refundable",
            message_zh=f"申请后又消耗了课时，当前可退 {pre.quote.refundable_fen} 分；"
                       "请驳回后重新申请")
    refund.status = APPROVED
    journal.post(session, journal.Entry(
        source=f"refund:{refund.id}:approved", kind="refund_approval",
        customer_id=order.customer_id, order_id=order.id, posted_by=caller.user_id,
        postings=[journal.Posting("customer_prepaid", refund.amount_fen, order.customer_id,
                                  order.id),
                  journal.Posting("refunds_payable", -refund.amount_fen, order.customer_id,
                                  refund.id)]))
    if refund.full_refund:
        order.status = orders.REFUNDED
        enrollment = pre.enrollment
        if enrollment is not None:
            enrollment = lesson_hours.lock(session, enrollment.id)
            left = lesson_hours.remaining(session, enrollment.id)
            if left > 0:
                journal.post(session, journal.Entry(
                    source=f"refund:{refund.id}:hours", kind="hours_forfeit",
                    customer_id=order.customer_id, order_id=order.id,
                    posted_by=caller.user_id,
                    postings=[journal.Posting("hours_forfeited", left),
                              journal.Posting("lesson_hours", -left, order.customer_id,
                                              enrollment.id)]))
            enrollment.status = "refunded"
    commissions.reverse_for_refund(session, order, refund, pre.quote.paid_fen)
    _event(session, ev.REFUND_APPROVED, refund)


def pay(session: Session, refund_id: str, caller: Caller) -> m.Refund:
    """The cashier pays an approved refund out, once."""
    refund, order = _locked(session, refund_id)
    if refund.status == PAID:
        raise FailedPrecondition("this refund is already paid", reason="refund.already_paid",
                                 message_zh="该退款已支付，不能重复支付")
    if refund.status != APPROVED:
        raise FailedPrecondition(f"only an approved refund is paid (this one is "
                                 f"{refund.status})", reason="refund.not_approved",
                                 message_zh="退款须审批通过后才能支付")
    journal.post(session, journal.Entry(
        source=f"refund:{refund.id}:paid", kind="refund_payment",
        customer_id=order.customer_id, order_id=order.id, posted_by=caller.user_id,
        postings=[journal.Posting("refunds_payable", refund.amount_fen, order.customer_id,
                                  refund.id),
                  journal.Posting("cash", -refund.amount_fen)]))
    refund.status, refund.paid_by, refund.paid_at = PAID, caller.user_id, m.utcnow()
    _event(session, ev.REFUND_PAID, refund)
    return refund
