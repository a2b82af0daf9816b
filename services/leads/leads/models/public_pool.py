"""The public pool area's tables, and its columns on `customers`.

Columns on customers (declared here, so the customers model stays the customers area's):
- `last_follow_up_at`, `last_deal_at`: the latest follow-up / deal (public_pool.activity);
- `owned_since`: when the current owner got the customer; `pool_entered_at` / `pool_reason`:
  set while nobody owns the customer (in the pool);
- the rules' clocks, kept so that the sweep finds due customers by an index range:
  `follow_up_clock_at` (the later of the claim and the last follow-up: the follow-up rule
  counts from it) and `deal_clock_at` (the claim, while no deal came since; NULL after one);
  NULL while in the pool;
- `pool_warned_at`: when the owner was last warned that the customer is about to return.
The ownership columns are kept by an attribute event on `Customer.owner_id`, so that every
change of owner (a claim, an arbitration, a handover, a merge, an assignment) restarts the
clock or puts the customer in the pool, whichever area makes it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow
from .customers import Customer

Customer.last_follow_up_at = mapped_column(DateTime(timezone=True), nullable=True)
Customer.last_deal_at = mapped_column(DateTime(timezone=True), nullable=True)
Customer.owned_since = mapped_column(DateTime(timezone=True), nullable=True)
Customer.pool_entered_at = mapped_column(DateTime(timezone=True), nullable=True)
Customer.pool_reason = mapped_column(String(32), nullable=True)
Customer.pool_warned_at = mapped_column(DateTime(timezone=True), nullable=True)
Customer.follow_up_clock_at = mapped_column(DateTime(timezone=True), nullable=True)
Customer.deal_clock_at = mapped_column(DateTime(timezone=True), nullable=True)
# The stages the sweep sends back to the pool (students are not), and the sweep's two ranges
# over them; the pool lists newest arrivals first within a region (or overall).
SWEPT_STAGES = ("lead", "prospect")
_SWEPT = Customer.stage.in_(SWEPT_STAGES)
Index("ix_customers_follow_up_clock", Customer.follow_up_clock_at,
      postgresql_where=_SWEPT, sqlite_where=_SWEPT)
Index("ix_customers_deal_clock", Customer.deal_clock_at,
      postgresql_where=_SWEPT, sqlite_where=_SWEPT)
Index("ix_customers_pool_region", Customer.owner_region_id, Customer.pool_entered_at,
      Customer.id)
Index("ix_customers_pool", Customer.pool_entered_at, Customer.id)

UNOWNED = "unowned"


@event.listens_for(Customer.owner_id, "set")
def _owner_changed(target: Customer, value, oldvalue, _initiator) -> None:
    if value == oldvalue:
        return
    now = utcnow()
    if value:
        target.owned_since = target.follow_up_clock_at = target.deal_clock_at = now
        target.pool_entered_at = None
        target.pool_reason = None
        target.pool_warned_at = None
    else:
        target.owned_since = target.follow_up_clock_at = target.deal_clock_at = None
        target.pool_entered_at = now
        target.pool_reason = UNOWNED  # the pool's return sets its own reason after this


class PoolPolicyRow(Base):
    """The admins' pool policy (one row, id "default"); absent = the code's defaults."""
    __tablename__ = "public_pool_settings"
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default="default")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    follow_up_days: Mapped[int] = mapped_column(Integer)
    deal_days: Mapped[int] = mapped_column(Integer)
    warning_days: Mapped[int] = mapped_column(Integer)
    caps: Mapped[dict] = mapped_column(JSON, default=dict)   # role (or "*") → max customers
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PoolSweepRun(Base):
    """One row the sweep writes first in every batch on SQLite: the write takes the database's
    write lock, so two sweepers' batches run one after the other and the second sees what the
    first did (PostgreSQL shares the work with SELECT ... FOR UPDATE SKIP LOCKED instead)."""
    __tablename__ = "public_pool_sweeps"
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default="default")
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)


class AssignmentRule(Base):
    """One admin-configured rule for new leads: which leads it matches (region, tags), whom
    it picks among (a team or a department) and how (round robin, least load). `cursor` is
    the round robin's position, advanced atomically with each assignment."""
    __tablename__ = "assignment_rules"
    __table_args__ = (Index("ix_assignment_rules_position", "position", "id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    match_regions: Mapped[list] = mapped_column(JSON, default=list)
    match_tags: Mapped[list] = mapped_column(JSON, default=list)
    strategy: Mapped[str] = mapped_column(String(16))
    user_ids: Mapped[list] = mapped_column(JSON, default=list)
    department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = ["AssignmentRule", "PoolPolicyRow", "PoolSweepRun"]
