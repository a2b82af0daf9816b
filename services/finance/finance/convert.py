"""Rows → protobuf messages (no rules here)."""
from __future__ import annotations

from contracts.finance import finance_pb2 as pb
from kit import approval_chain

from . import accounts, refund_rule, refunds
from . import models as m
from .events import iso


def _s(value) -> str:
    return value or ""


def _t(value) -> str:
    return iso(value) or ""


def account(a: accounts.Account) -> pb.Account:
    return pb.Account(
        customer_id=a.customer_id, prepaid_fen=a.prepaid_fen,
        refunds_payable_fen=a.refunds_payable_fen, paid_fen=a.paid_fen,
        refunded_fen=a.refunded_fen, remaining_hours=a.remaining_hours,
        hours=[pb.HourBalance(enrollment_id=h.enrollment_id, order_id=_s(h.order_id),
                              credited=h.credited, consumed=h.consumed,
                              forfeited=h.forfeited, remaining=h.remaining) for h in a.hours])


def order(o: m.Order, paid_fen: int) -> pb.Order:
    return pb.Order(id=o.id, customer_id=o.customer_id, course_id=o.course_id,
                    campus_id=o.campus_id, seller_id=o.seller_id,
                    channel_tier=_s(o.channel_tier), price_fen=o.price_fen,
                    deposit_fen=o.deposit_fen, lesson_hours=o.lesson_hours, paid_fen=paid_fen,
                    status=o.status, placed_at=_t(o.placed_at),
                    paid_in_full_at=_t(o.paid_in_full_at))


def payment(p: m.Payment) -> pb.Payment:
    return pb.Payment(id=p.id, order_id=p.order_id, customer_id=p.customer_id, kind=p.kind,
                      method=p.method, amount_fen=p.amount_fen,
                      paid_total_fen=p.paid_total_fen, note=p.note,
                      recorded_by=_s(p.recorded_by), recorded_at=_t(p.recorded_at))


def voucher(v: m.Voucher) -> pb.Voucher:
    return pb.Voucher(id=v.id, document_type=v.document_type, document_id=v.document_id,
                      content_type=v.content_type, size_bytes=v.size_bytes,
                      file_name=v.file_name, content_hash=v.content_hash,
                      uploaded_by=_s(v.uploaded_by), uploaded_at=_t(v.uploaded_at))


def quote(order_id: str, enrollment_id: str | None, customer_id: str, stage: str,
          q: refund_rule.Quote) -> pb.RefundQuote:
    return pb.RefundQuote(order_id=order_id, enrollment_id=_s(enrollment_id),
                          customer_id=customer_id, stage=stage, paid_fen=q.paid_fen,
                          refunded_before_fen=q.refunded_before_fen,
                          consumed_hours=q.consumed_hours, unit_price_fen=q.unit_price_fen,
                          consumed_value_fen=q.consumed_value_fen,
                          refundable_fen=q.refundable_fen)


def refund(r: m.Refund, approval: approval_chain.Approval | None) -> pb.Refund:
    q = refund_rule.Quote(r.paid_fen, r.refunded_before_fen, r.consumed_hours,
                          r.unit_price_fen, r.consumed_value_fen, r.refundable_fen)
    msg = pb.Refund(id=r.id, quote=quote(r.order_id, r.enrollment_id, r.customer_id, r.stage, q),
                    amount_fen=r.amount_fen, full_refund=r.full_refund, reason=r.reason,
                    status=r.status, requested_by=r.requested_by,
                    requested_at=_t(r.requested_at), paid_by=_s(r.paid_by),
                    paid_at=_t(r.paid_at))
    if approval is not None:
        if r.status == refunds.PENDING and approval.next_level is not None:
            msg.next_level = approval.next_level.name
        msg.decisions.extend(pb.ApprovalDecision(
            level=d.level, level_name=d.level_name, decision=d.decision,
            decided_by=d.decided_by, note=d.note, decided_at=_t(d.decided_at))
            for d in approval.decisions)
    return msg


def commission(c: m.Commission) -> pb.Commission:
    return pb.Commission(id=c.id, kind=c.kind, order_id=c.order_id, person_id=c.person_id,
                         role=c.role, channel_tier=_s(c.channel_tier), ratio_bp=c.ratio_bp,
                         base_fen=c.base_fen, amount_fen=c.amount_fen,
                         refund_id=_s(c.refund_id), month=c.month,
                         statement_id=_s(c.statement_id), accrued_at=_t(c.accrued_at))


def statement(s: m.CommissionStatement) -> pb.CommissionStatement:
    return pb.CommissionStatement(id=s.id, person_id=s.person_id, month=s.month,
                                  total_fen=s.total_fen, lines=s.lines, status=s.status,
                                  created_by=s.created_by, reviewed_by=_s(s.reviewed_by),
                                  paid_by=_s(s.paid_by), paid_at=_t(s.paid_at))
