"""A customer's account: money and lesson-hour balances, all derived from the journal."""
from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import journal
from . import models as m


@dataclasses.dataclass(frozen=True)
class HourBalance:
    enrollment_id: str
    order_id: str | None
    credited: int
    consumed: int
    forfeited: int
    remaining: int


@dataclasses.dataclass(frozen=True)
class Account:
    customer_id: str
    prepaid_fen: int          # money held for the customer (paid, not refunded)
    refunds_payable_fen: int  # refunds approved, not yet paid out
    paid_fen: int             # everything the customer paid
    refunded_fen: int         # refunds paid out
    hours: list[HourBalance]

    @property
    def remaining_hours(self) -> int:
        return sum(h.remaining for h in self.hours)


def account(session: Session, customer_id: str) -> Account:
    sums = journal.balances(session, customer_id)
    prepaid = -sum(v for (a, _r), v in sums.items() if a == "customer_prepaid")
    payable = -sum(v for (a, _r), v in sums.items() if a == "refunds_payable")
    # paid = the customer's prepaid credits; refunded = what left refunds payable for cash
    paid = refunded = 0
    rows = session.execute(
        select(m.JournalEntry.kind, m.JournalPosting.account, m.JournalPosting.amount)
        .join(m.JournalPosting, m.JournalPosting.entry_id == m.JournalEntry.id)
        .where(m.JournalPosting.party_id == customer_id,
               m.JournalEntry.kind.in_(("payment", "refund_payment"))))
    for kind, acct, amount in rows:
        if kind == "payment" and acct == "customer_prepaid":
            paid += -amount
        elif kind == "refund_payment" and acct == "refunds_payable":
            refunded += amount
    hours = []
    for e in session.scalars(select(m.Enrollment).where(m.Enrollment.customer_id == customer_id)
                             .order_by(m.Enrollment.confirmed_at, m.Enrollment.id)):
        per = {}
        for p in session.execute(
                select(m.JournalEntry.kind, m.JournalPosting.amount)
                .join(m.JournalPosting, m.JournalPosting.entry_id == m.JournalEntry.id)
                .where(m.JournalPosting.account == "lesson_hours",
                       m.JournalPosting.ref_id == e.id)):
            per[p.kind] = per.get(p.kind, 0) + p.amount
        credited = per.get("hours_credit", 0)
        consumed = -per.get("deduction", 0)
        forfeited = -per.get("hours_forfeit", 0)
        hours.append(HourBalance(e.id, e.order_id, credited, consumed, forfeited,
                                 sums.get(("lesson_hours", e.id), 0)))
    return Account(customer_id, prepaid, payable, paid, refunded, hours)
