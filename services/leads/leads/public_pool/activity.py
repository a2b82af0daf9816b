"""The activity clocks of the pool rules, moved by the areas that see the activity, in their
own transaction:

- the follow-ups area calls `record_follow_up(session, follow_up)` when it records one
  (reads `.customer_id` and `.occurred_at`);
- enrollment's events will call `record_deal(session, customer_id, at)`.

Each is one conditional UPDATE that only moves a clock forward, so late or repeated
deliveries change nothing and concurrent ones need no lock of ours. The rules' own clocks
move with them: a follow-up restarts the follow-up rule's clock of a held customer, a deal
since the claim stops the deal rule's.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import case, or_, update
from sqlalchemy.orm import Session

from ..models import Customer


def _utc(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("activity times must be timezone-aware")
    return at.astimezone(dt.UTC)  # stored as UTC (SQLite compares the stored text)


def record_follow_up(s: Session, follow_up) -> bool:
    """The customer's last follow-up becomes `follow_up.occurred_at` if that is later than
    the one known; returns whether it moved."""
    at = _utc(follow_up.occurred_at)
    clock = Customer.follow_up_clock_at
    result = s.execute(
        update(Customer).where(Customer.id == follow_up.customer_id,
                               or_(Customer.last_follow_up_at.is_(None),
                                   Customer.last_follow_up_at < at))
        .values(last_follow_up_at=at, follow_up_clock_at=case(
            (Customer.owner_id.is_(None), None),
            (or_(clock.is_(None), clock < at), at), else_=clock))
        .execution_options(synchronize_session="fetch"))
    return result.rowcount == 1


def record_deal(s: Session, customer_id: str, at: dt.datetime) -> bool:
    """The customer's last deal becomes `at` if later; returns whether it moved."""
    at = _utc(at)
    result = s.execute(
        update(Customer).where(Customer.id == customer_id,
                               or_(Customer.last_deal_at.is_(None), Customer.last_deal_at < at))
        .values(last_deal_at=at, deal_clock_at=case(
            (Customer.owned_since.is_(None), None),
            (Customer.owned_since <= at, None), else_=Customer.deal_clock_at))
        .execution_options(synchronize_session="fetch"))
    return result.rowcount == 1
