"""Payments against an order: a deposit, instalments, the full payment. Each is booked in the
journal (cash ← the customer's prepaid account of the order) and never takes the order's total
past its price; the payment that reaches the price marks the order paid in full, once, and
accrues the sale's commissions (commissions.py)."""
from __future__ import annotations

import dataclasses

from kit.errors import FailedPrecondition, InvalidArgument
from kit.events import add_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import commissions, journal, orders
from . import events as ev
from . import models as m

KINDS = ("deposit", "instalment", "full")
METHODS = ("cash", "bank_transfer", "wechat", "alipay", "card", "other")


@dataclasses.dataclass(frozen=True)
class PaymentCommand:
    order_id: str
    kind: str
    amount_fen: int
    method: str = "cash"
    note: str = ""


def paid_total(session: Session, order_id: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(m.Payment.amount_fen), 0))
                              .where(m.Payment.order_id == order_id)))


def _check(order: m.Order, cmd: PaymentCommand, paid_before: int) -> None:
    if cmd.kind not in KINDS:
        raise InvalidArgument("kind must be deposit, instalment or full",
                              reason="payment.invalid", message_zh="付款类型应为定金、分期或全款")
    if cmd.method not in METHODS:
        raise InvalidArgument(f"method must be one of {', '.join(METHODS)}",
                              reason="payment.invalid", message_zh="付款方式无效")
    if type(cmd.amount_fen) is not int or cmd.amount_fen <= 0:
        raise InvalidArgument("amount_fen must be a positive integer (fen)",
                              reason="payment.invalid", message_zh="金额必须为正整数（分）")
    if order.status != orders.OPEN:
        raise FailedPrecondition(
            f"order {order.id} takes no more payments ({order.status})",
            reason=f"order.{order.status}",
            message_zh=f"订单 {order.id} 已不能再收款"
                       f"（{_STATUS_ZH.get(order.status, order.status)}）")
    remaining = order.price_fen - paid_before
    if cmd.amount_fen > remaining:
        raise FailedPrecondition(
            f"{cmd.amount_fen} fen would pay more than the order's price "
            f"({remaining} fen remain of {order.price_fen})", reason="payment.exceeds_price",
            message_zh=f"付款 {cmd.amount_fen} 分超过订单应付余额（剩余 {remaining} 分）")
    if cmd.kind == "deposit" and (paid_before > 0 or cmd.amount_fen == remaining):
        raise FailedPrecondition(
            "a deposit is the first payment and less than the price; record a full payment "
            "or an instalment", reason="payment.not_a_deposit",
            message_zh="定金须为首笔且少于订单金额；请登记全款或分期")
    if cmd.kind == "full" and cmd.amount_fen != remaining:
        raise FailedPrecondition(
            f"a full payment settles the order: {remaining} fen", reason="payment.not_full",
            message_zh=f"全款须付清余额：{remaining} 分")


_STATUS_ZH = {"paid_in_full": "已付清", "cancelled": "已取消", "refunded": "已退款"}


def record(session: Session, cmd: PaymentCommand, *, recorded_by: str | None) -> m.Payment:
    order = orders.lock(session, cmd.order_id)
    paid_before = paid_total(session, order.id)
    _check(order, cmd, paid_before)
    payment_id = m.new_id()
    entry = journal.post(session, journal.Entry(
        source=f"payment:{payment_id}", kind="payment", customer_id=order.customer_id,
        order_id=order.id, posted_by=recorded_by, memo=f"{cmd.kind} {cmd.method}",
        postings=[journal.Posting("cash", cmd.amount_fen),
                  journal.Posting("customer_prepaid", -cmd.amount_fen, order.customer_id,
                                  order.id)]))
    total = paid_before + cmd.amount_fen
    payment = m.Payment(id=payment_id, order_id=order.id, customer_id=order.customer_id,
                        kind=cmd.kind, method=cmd.method, amount_fen=cmd.amount_fen,
                        paid_total_fen=total, note=cmd.note[:500], recorded_by=recorded_by,
                        recorded_at=m.utcnow(), entry_id=entry.id)
    session.add(payment)
    session.flush()
    add_event(session, ev.PAYMENT_RECORDED, order.id, {
        "payment_id": payment.id, "order_id": order.id, "customer_id": order.customer_id,
        "kind": cmd.kind, "amount_fen": cmd.amount_fen, "paid_total_fen": total,
        "price_fen": order.price_fen, "recorded_at": ev.iso(payment.recorded_at)})
    if total == order.price_fen:
        _paid_in_full(session, order, total, payment.recorded_at)
    return payment


def _paid_in_full(session: Session, order: m.Order, total: int, at) -> None:
    # under the order's row lock and from status open: once per order
    order.status = orders.PAID_IN_FULL
    order.paid_in_full_at = at
    add_event(session, ev.ORDER_PAID_IN_FULL, order.id, {
        "order_id": order.id, "customer_id": order.customer_id, "paid_total_fen": total,
        "paid_at": ev.iso(at)})
    commissions.accrue(session, order)
