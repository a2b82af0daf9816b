"""Commissions: accrued once per sale, person and role when an order is paid in full (never on
a deposit), reversed by refunds with new rows and entries, gathered into monthly statements
that finance reviews and the cashier pays once."""
from __future__ import annotations

import datetime as dt
import zoneinfo

from kit.caller import Caller
from kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from kit.events import add_event
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import commission_rule, journal
from . import events as ev
from . import models as m

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
DRAFT, REVIEWED, PAID = "draft", "reviewed", "paid"


def month_of(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(LOCAL).strftime("%Y-%m")


def accrue(session: Session, order: m.Order) -> list[m.Commission]:
    """The sale's commissions, from the ratios snapshotted on the order. Called when the
    order is paid in full, in that transaction."""
    made = []
    now = m.utcnow()
    for a in commission_rule.applicable(order.commission_ratios or [], order.channel_tier):
        person = a.person_id or (order.seller_id if a.role == "seller" else None)
        if not person:
            continue  # a role nobody was named for on this order
        fen = commission_rule.amount(order.price_fen, a.ratio_bp)
        once_key = f"accrual:{order.id}:{person}:{a.role}"
        if fen <= 0 or session.scalar(select(m.Commission.id).where(
                m.Commission.once_key == once_key)) is not None:
            continue
        entry = journal.post(session, journal.Entry(
            source=f"commission:{once_key}", kind="commission_accrual",
            customer_id=order.customer_id, order_id=order.id,
            postings=[journal.Posting("commission_expense", fen),
                      journal.Posting("commission_payable", -fen, person, order.id)]))
        row = m.Commission(id=m.new_id(), once_key=once_key, kind="accrual", order_id=order.id,
                           person_id=person, role=a.role, channel_tier=a.channel_tier,
                           ratio_bp=a.ratio_bp, base_fen=order.price_fen, amount_fen=fen,
                           department_id=order.seller_department_id,
                           region_id=order.seller_region_id, month=month_of(now),
                           entry_id=entry.id, accrued_at=now)
        session.add(row)
        made.append(row)
        add_event(session, ev.COMMISSION_ACCRUED, order.id, {
            "commission_id": row.id, "order_id": order.id, "person_id": person,
            "role": a.role, "amount_fen": fen})
    session.flush()
    return made


def reverse_for_refund(session: Session, order: m.Order, refund: m.Refund,
                       paid_fen: int) -> list[m.Commission]:
    """Take back the refunded share of every accrual of the order (new rows, new entries)."""
    made = []
    now = m.utcnow()
    accruals = session.scalars(select(m.Commission).where(
        m.Commission.order_id == order.id, m.Commission.kind == "accrual")
        .order_by(m.Commission.id)).all()
    for accrual in accruals:
        reversed_before = -int(session.scalar(select(
            func.coalesce(func.sum(m.Commission.amount_fen), 0)).where(
            m.Commission.reverses_id == accrual.id)))
        fen = commission_rule.reversal(accrual.amount_fen, reversed_before, refund.amount_fen,
                                       paid_fen, full_refund=refund.full_refund)
        if fen <= 0:
            continue
        once_key = f"reversal:{refund.id}:{accrual.id}"
        entry = journal.post(session, journal.Entry(
            source=f"commission:{once_key}", kind="commission_reversal",
            customer_id=order.customer_id, order_id=order.id,
            postings=[journal.Posting("commission_payable", fen, accrual.person_id, order.id),
                      journal.Posting("commission_expense", -fen)]))
        row = m.Commission(id=m.new_id(), once_key=once_key, kind="reversal",
                           order_id=order.id, person_id=accrual.person_id, role=accrual.role,
                           channel_tier=accrual.channel_tier, ratio_bp=accrual.ratio_bp,
                           base_fen=refund.amount_fen, amount_fen=-fen, refund_id=refund.id,
                           reverses_id=accrual.id, department_id=accrual.department_id,
                           region_id=accrual.region_id, month=month_of(now),
                           entry_id=entry.id, accrued_at=now)
        session.add(row)
        made.append(row)
        add_event(session, ev.COMMISSION_REVERSED, order.id, {
            "commission_id": row.id, "order_id": order.id, "person_id": accrual.person_id,
            "role": accrual.role, "amount_fen": -fen})
    session.flush()
    return made


# ---- monthly statements -------------------------------------------------------------------
def _check_month(month: str) -> None:
    try:
        dt.datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise InvalidArgument("month is YYYY-MM", reason="statement.invalid",
                              message_zh="月份格式应为 YYYY-MM") from None


def statement_not_found(statement_id: str) -> NotFound:
    return NotFound(f"commission statement {statement_id} not found",
                    reason="statement.not_found", message_zh=f"佣金结算单 {statement_id} 不存在")


def create_statement(session: Session, person_id: str, month: str,
                     caller: Caller) -> m.CommissionStatement:
    """Gather the person's commissions up to `month` not yet on a statement (a reversal
    after last month's statement lands on this one)."""
    _check_month(month)
    if session.scalar(select(m.CommissionStatement.id).where(
            m.CommissionStatement.person_id == person_id,
            m.CommissionStatement.month == month)) is not None:
        raise AlreadyExists(f"{person_id} already has a statement for {month}",
                            reason="statement.exists", message_zh=f"{month} 的佣金结算单已存在")
    statement = m.CommissionStatement(id=m.new_id(), person_id=person_id, month=month,
                                      total_fen=0, lines=0, status=DRAFT,
                                      created_by=caller.user_id, created_at=m.utcnow())
    session.add(statement)
    session.flush()
    taken = session.execute(update(m.Commission).where(
        m.Commission.person_id == person_id, m.Commission.month <= month,
        m.Commission.statement_id.is_(None)).values(statement_id=statement.id)).rowcount
    lines = session.execute(select(func.coalesce(func.sum(m.Commission.amount_fen), 0),
                                   func.max(m.Commission.department_id),
                                   func.max(m.Commission.region_id))
                            .where(m.Commission.statement_id == statement.id)).one()
    statement.total_fen, statement.lines = int(lines[0]), taken
    statement.department_id, statement.region_id = lines[1], lines[2]
    return statement


def _lock_statement(session: Session, statement_id: str) -> m.CommissionStatement:
    moved = session.execute(update(m.CommissionStatement).where(
        m.CommissionStatement.id == statement_id).values(
        lines=m.CommissionStatement.lines)).rowcount
    if moved != 1:
        raise statement_not_found(statement_id)
    row = session.get(m.CommissionStatement, statement_id, populate_existing=True)
    assert row is not None
    return row


def review_statement(session: Session, statement_id: str,
                     caller: Caller) -> m.CommissionStatement:
    statement = _lock_statement(session, statement_id)
    if statement.status != DRAFT:
        raise FailedPrecondition(f"statement is {statement.status}, not draft",
                                 reason=f"statement.{statement.status}",
                                 message_zh="该结算单已审核")
    statement.status, statement.reviewed_by, statement.reviewed_at = \
        REVIEWED, caller.user_id, m.utcnow()
    return statement


def pay_statement(session: Session, statement_id: str, caller: Caller) -> m.CommissionStatement:
    """Pay a reviewed statement once: cash out of commission payable. Paying twice is
    refused (status, and the journal's unique source)."""
    statement = _lock_statement(session, statement_id)
    if statement.status == PAID:
        raise FailedPrecondition("this commission statement is already paid",
                                 reason="statement.already_paid",
                                 message_zh="该佣金结算单已支付，不能重复支付")
    if statement.status != REVIEWED:
        raise FailedPrecondition("finance reviews a statement before it is paid",
                                 reason="statement.not_reviewed",
                                 message_zh="结算单须经财务审核后才能支付")
    if statement.total_fen < 0:
        raise FailedPrecondition(
            "this statement takes back more than it pays; it stays open until later "
            "accruals cover it", reason="statement.negative",
            message_zh="该结算单为负数（冲回多于计提），暂不能支付")
    if statement.total_fen > 0:
        entry = journal.post(session, journal.Entry(
            source=f"commission_statement:{statement.id}:paid", kind="commission_payment",
            posted_by=caller.user_id, memo=f"{statement.person_id} {statement.month}",
            postings=[journal.Posting("commission_payable", statement.total_fen,
                                      statement.person_id, ""),
                      journal.Posting("cash", -statement.total_fen)]))
        statement.entry_id = entry.id
    statement.status, statement.paid_by, statement.paid_at = PAID, caller.user_id, m.utcnow()
    return statement
