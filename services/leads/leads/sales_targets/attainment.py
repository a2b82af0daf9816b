"""Attainment of sales targets: a read model fed by `record_sale`, the function enrollment's
and finance's event consumers call (in their handler's transaction) for each sale.

A sale counts toward every target of its seller's team (the sale's department) whose period
holds the sale's day and whose course, campus and customer type are "any" or the sale's.
`recorded_sales` keeps each sale once by its id, so a redelivered event adds nothing; a
target created later is filled from the sales already recorded (`backfill`).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import RecordedSale, SalesAttainment, SalesTarget, utcnow


def _matches_sale(sale: RecordedSale):
    return and_(SalesTarget.department_id == sale.department_id,
                SalesTarget.period_start <= sale.sold_on,
                SalesTarget.period_end >= sale.sold_on,
                SalesTarget.course_id.in_(("", sale.course_id)),
                SalesTarget.campus_id.in_(("", sale.campus_id)),
                SalesTarget.customer_type.in_(("", sale.customer_type)))


def _add(s: Session, target_id: str, user_id: str, amount_fen: int, deals: int) -> None:
    """attainment(target, user) += (amount, deals), one statement (concurrent sales of one
    seller add up instead of colliding on the insert)."""
    dialect = s.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SalesAttainment)
    table = SalesAttainment.__table__
    statement = insert.values(target_id=target_id, user_id=user_id, amount_fen=amount_fen,
                              deals=deals)
    s.execute(statement.on_conflict_do_update(
        index_elements=["target_id", "user_id"],
        set_={"amount_fen": table.c.amount_fen + statement.excluded.amount_fen,
              "deals": table.c.deals + statement.excluded.deals}))


def record_sale(session: Session, *, sale_id: str, user_id: str, department_id: str | None,
                amount_fen: int, sold_on: dt.date, course_id: str = "", campus_id: str = "",
                customer_type: str = "", customer_id: str = "") -> bool:
    """Count one sale (integer fen) toward the matching targets; False when this sale id
    was already recorded (nothing changes)."""
    if amount_fen < 0:
        raise ValueError("a sale's amount is not negative (use cancel_sale)")
    if session.get(RecordedSale, sale_id) is not None:
        return False
    sale = RecordedSale(sale_id=sale_id, user_id=user_id, department_id=department_id,
                        course_id=course_id or "", campus_id=campus_id or "",
                        customer_type=customer_type or "", customer_id=customer_id or "",
                        amount_fen=amount_fen, sold_on=sold_on, recorded_at=utcnow(),
                        cancelled=False)
    session.add(sale)
    session.flush()
    for target_id in session.scalars(select(SalesTarget.id).where(_matches_sale(sale))):
        _add(session, target_id, user_id, amount_fen, 1)
    return True


def cancel_sale(session: Session, sale_id: str) -> bool:
    """Take a recorded sale back out of the attainment (a full refund); False when unknown
    or already cancelled."""
    sale = session.get(RecordedSale, sale_id, with_for_update=True)
    if sale is None or sale.cancelled:
        return False
    sale.cancelled = True
    for target_id in session.scalars(select(SalesTarget.id).where(_matches_sale(sale))):
        _add(session, target_id, sale.user_id, -sale.amount_fen, -1)
    return True


def backfill(session: Session, target: SalesTarget) -> None:
    """Fill a new target's attainment from the sales recorded before it existed."""
    rows = session.execute(
        select(RecordedSale.user_id, func.sum(RecordedSale.amount_fen), func.count())
        .where(RecordedSale.department_id == target.department_id,
               RecordedSale.cancelled.is_(False),
               RecordedSale.sold_on >= target.period_start,
               RecordedSale.sold_on <= target.period_end,
               or_(target.course_id == "", RecordedSale.course_id == target.course_id),
               or_(target.campus_id == "", RecordedSale.campus_id == target.campus_id),
               or_(target.customer_type == "",
                   RecordedSale.customer_type == target.customer_type))
        .group_by(RecordedSale.user_id))
    for user_id, amount, deals in rows:
        _add(session, target.id, user_id, int(amount), int(deals))


def of_target(session: Session, target_id: str) -> dict[str, tuple[int, int]]:
    """user id -> (amount fen, deals) attained toward the target."""
    return {u: (int(a), int(d)) for u, a, d in session.execute(
        select(SalesAttainment.user_id, SalesAttainment.amount_fen, SalesAttainment.deals)
        .where(SalesAttainment.target_id == target_id))}
