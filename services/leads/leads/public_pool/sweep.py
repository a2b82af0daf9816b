"""The sweep the worker runs on a timer: owned customers past a rule return to the pool, and
owners are warned K days before, once per customer per period.

A period is the stretch a rule's clock measures (models/public_pool.py): for the follow-up
rule, since the later of the claim and the last follow-up (a new follow-up starts a new
period); for the deal rule, since the claim. `pool_warned_at` later than the clock means
"warned already". Each rule is an index range over its clock.

Batches of `batch_size`, each its own transaction, so a large backlog neither holds locks for
long nor is lost to one failure; every step re-reads the clocks, so running the sweep again
(or twice at once) changes nothing more. Two sweepers: PostgreSQL locks each batch's rows with
FOR UPDATE SKIP LOCKED (they share the work); SQLite serializes their batches through the
sweep row written first (the second then finds the first's customers done).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from kit.db import Database
from sqlalchemy import ColumnElement, and_, false, not_, or_, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from ..models import Customer, PoolSweepRun, utcnow
from ..models.public_pool import SWEPT_STAGES
from ..settings import LeadsSettings
from . import events
from . import policy as pool_policy
from .policy import PoolPolicy
from .pool import return_to_pool

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SweepResult:
    returned: int = 0
    warned: int = 0


def _held() -> ColumnElement[bool]:
    # the stage condition is the clock indexes' own (partial indexes over these stages)
    return and_(Customer.stage.in_(SWEPT_STAGES), Customer.owner_id.is_not(None),
                Customer.merged_into_id.is_(None))


def _before(clock, cut: dt.datetime) -> ColumnElement[bool]:
    # false, never NULL, for a stopped clock: the conditions are negated below
    return and_(clock.is_not(None), clock < cut)


def due_condition(p: PoolPolicy, now: dt.datetime) -> ColumnElement[bool]:
    """Past a rule: one index range per rule over its clock."""
    rules = []
    if p.follow_up_days:
        rules.append(_before(Customer.follow_up_clock_at,
                             now - dt.timedelta(days=p.follow_up_days)))
    if p.deal_days:
        rules.append(_before(Customer.deal_clock_at, now - dt.timedelta(days=p.deal_days)))
    return or_(*rules) if rules else false()


def warning_condition(p: PoolPolicy, now: dt.datetime) -> ColumnElement[bool]:
    """Within K days of a rule, not warned since that rule's clock last started, and not due
    yet (a customer that became due while the return step ran is returned by the next sweep,
    not warned)."""
    if not p.warning_days:
        return false()
    warned = Customer.pool_warned_at
    rules = []
    for days, clock in ((p.follow_up_days, Customer.follow_up_clock_at),
                        (p.deal_days, Customer.deal_clock_at)):
        if days:
            rules.append(and_(_before(clock, now - dt.timedelta(days=days - p.warning_days)),
                              or_(warned.is_(None), warned < clock)))
    return and_(or_(*rules), not_(due_condition(p, now))) if rules else false()


def _serialize_on_sqlite(s: Session, now: dt.datetime) -> None:
    if s.get_bind().dialect.name != "sqlite":
        return
    s.execute(sqlite.insert(PoolSweepRun).values(id="default", started_at=now)
              .on_conflict_do_nothing())
    s.execute(update(PoolSweepRun).where(PoolSweepRun.id == "default")
              .values(started_at=now))


def _batch(s: Session, condition: ColumnElement[bool], size: int) -> list[Customer]:
    stmt = select(Customer).where(_held(), condition).order_by(Customer.id).limit(size)
    if s.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(s.scalars(stmt))


def _run(db: Database, settings: LeadsSettings, now: dt.datetime, size: int, step) -> int:
    done = 0
    while True:
        with db.session() as s:
            _serialize_on_sqlite(s, now)
            p = pool_policy.load(s, settings)
            if not p.enabled:
                return done
            rows, n = step(s, p)
            done += n
        if rows < size:
            return done


def sweep(db: Database, settings: LeadsSettings, *, now: dt.datetime | None = None,
          batch_size: int | None = None) -> SweepResult:
    """Return the due customers, then warn the nearly due ones; returns the counts."""
    now = now or utcnow()
    size = batch_size or settings.pool_sweep_batch_size

    def returns(s: Session, p: PoolPolicy) -> tuple[int, int]:
        rows = _batch(s, due_condition(p, now), size)
        n = 0
        with s.no_autoflush:  # the batch's row changes go out together at commit
            for c in rows:
                due = pool_policy.due(p, c.follow_up_clock_at, c.deal_clock_at)
                if due is not None and due.at <= now:
                    return_to_pool(s, c, due.rule, now)
                    n += 1
        return len(rows), n

    def warnings(s: Session, p: PoolPolicy) -> tuple[int, int]:
        rows = _batch(s, warning_condition(p, now), size)
        with s.no_autoflush:
            for c in rows:
                due = pool_policy.due(p, c.follow_up_clock_at, c.deal_clock_at)
                events.pool_warning(s, c, due.rule, due.at, now)
                c.pool_warned_at = now
        return len(rows), len(rows)

    result = SweepResult(returned=_run(db, settings, now, size, returns),
                         warned=_run(db, settings, now, size, warnings))
    if result.returned or result.warned:
        log.info("public pool sweep: %d returned, %d warned", result.returned, result.warned)
    return result

