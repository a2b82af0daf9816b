"""The activity clocks of the pool rules, moved by the areas that see the activity, in their
own transaction:

- the follow-ups area calls `record_follow_up(session, follow_up)` when it records one
  (reads `.customer_id` and `.occurred_at`);
- enrollment's events will call `record_deal(session, customer_id, at)`.

Each is one conditional UPDATE that only moves a clock forward, so late or repeated
deliveries change nothing and concurrent ones need no lock of ours.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from ..models import Customer


def _forward(s: Session, column, customer_id: str, at: dt.datetime) -> bool:
    if at.tzinfo is None:
        raise ValueError("activity times must be timezone-aware")
    at = at.astimezone(dt.UTC)  # stored as UTC (SQLite compares the stored text)
    result = s.execute(
        update(Customer).where(Customer.id == customer_id,
                               or_(column.is_(None), column < at))
        .values({column.key: at}).execution_options(synchronize_session="fetch"))
    return result.rowcount == 1


def record_follow_up(s: Session, follow_up) -> bool:
    """The customer's last follow-up becomes `follow_up.occurred_at` if that is later than
    the one known; returns whether it moved."""
    return _forward(s, Customer.last_follow_up_at, follow_up.customer_id,
                    follow_up.occurred_at)


def record_deal(s: Session, customer_id: str, at: dt.datetime) -> bool:
    """The customer's last deal becomes `at` if later; returns whether it moved."""
    return _forward(s, Customer.last_deal_at, customer_id, at)
