"""The due sweep (the worker's timer): every open plan whose due time has come gets its
`crm.leads.follow_up_plan.due.v1` event exactly once.

A plan is marked (`due_notified_at`) by a conditional UPDATE (`... WHERE due_notified_at IS
NULL`) in the same transaction as its outbox row: of two sweeps that read the same due plans
(two workers, or one restarted mid-sweep), the second's UPDATE waits for the first's
transaction (PostgreSQL's row lock, SQLite's write lock), then matches no row and writes
nothing. Plans are marked in (due_at, id) order, so two sweeps never wait on each other in
a cycle.
"""
from __future__ import annotations

import datetime as dt

from kit.db import Database
from sqlalchemy import select, update

from ..models import FollowUpPlan, utcnow
from . import events, rules

BATCH = 200


def due_plan_ids(db: Database, now: dt.datetime, limit: int = BATCH) -> list[str]:
    with db.read() as s:
        return list(s.scalars(
            select(FollowUpPlan.id).where(FollowUpPlan.status == rules.OPEN,
                                          FollowUpPlan.due_notified_at.is_(None),
                                          FollowUpPlan.due_at <= now)
            .order_by(FollowUpPlan.due_at, FollowUpPlan.id).limit(limit)))


def notify(db: Database, plan_ids: list[str], now: dt.datetime) -> int:
    """Mark each plan still unnotified and write its event, in one transaction; returns how
    many this call notified."""
    notified = 0
    with db.session() as s:
        for plan_id in plan_ids:
            marked = s.execute(
                update(FollowUpPlan)
                .where(FollowUpPlan.id == plan_id, FollowUpPlan.status == rules.OPEN,
                       FollowUpPlan.due_notified_at.is_(None))
                .values(due_notified_at=now)
                .execution_options(synchronize_session=False))
            if marked.rowcount != 1:
                continue  # another sweep got there first, or the plan closed meanwhile
            events.plan_due(s, s.get(FollowUpPlan, plan_id), now)
            notified += 1
    return notified


def sweep(db: Database, *, now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Notify every plan due by `now`; returns how many this sweep notified."""
    now = (now or utcnow()).astimezone(dt.UTC)  # SQLite compares the stored text
    total = 0
    while True:
        ids = due_plan_ids(db, now, batch)
        if not ids:
            return total
        done = notify(db, ids, now)
        total += done
        if len(ids) < batch:
            return total
