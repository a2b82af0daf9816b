"""The follow-ups part of a customer's 360° view (served by the customers servicer's
GetCustomer, after it found the customer in the caller's scope): the latest follow-ups and
the open plans of the customer."""
from __future__ import annotations

import dataclasses
import datetime as dt

from contracts.leads import follow_ups_pb2 as pb
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FollowUp, FollowUpPlan, utcnow
from . import convert, plans

MAX_LIMIT = 50


@dataclasses.dataclass(frozen=True)
class RecentFollowUps:
    follow_ups: list[FollowUp]        # newest first
    open_plans: list[FollowUpPlan]    # earliest due first


def recent_for_customer(session: Session, customer_id: str, limit: int = 10
                        ) -> RecentFollowUps:
    """The customer's `limit` latest follow-ups and (up to `limit`) open plans. The caller
    has checked that the customer is in scope."""
    limit = max(1, min(limit, MAX_LIMIT))
    follow_ups = list(session.scalars(
        select(FollowUp).where(FollowUp.customer_id == customer_id)
        .order_by(FollowUp.occurred_at.desc(), FollowUp.id.desc()).limit(limit)))
    return RecentFollowUps(follow_ups, plans.open_plans_of(session, customer_id)[:limit])


def message_for_customer(session: Session, customer_id: str, limit: int = 10,
                         now: dt.datetime | None = None) -> pb.CustomerFollowUps:
    """`recent_for_customer` as the crm.leads.v1.CustomerFollowUps message."""
    recent = recent_for_customer(session, customer_id, limit)
    now = now or utcnow()
    return pb.CustomerFollowUps(follow_ups=[convert.follow_up(f) for f in recent.follow_ups],
                                open_plans=[convert.plan(p, now) for p in recent.open_plans])
