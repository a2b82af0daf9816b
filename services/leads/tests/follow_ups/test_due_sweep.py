"""The due sweep (the worker timer's work) against a migrated database, SQLite and
PostgreSQL: each due open plan's event is written once, with its mark, in one transaction;
two sweeps running at once (real threads, a barrier between reading and marking) write each
event once between them; a sweep that fails half-way leaves nothing, and the next one
notifies everything once."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from contracts.leads import follow_ups_pb2 as pb
from leads import models as m
from leads.follow_ups import due
from leads.follow_ups import events as plan_events
from sqlalchemy import select

from ..support import as_
from .support import customer_of, events_of, now, plan_on, running, set_due

DUE = "crm.leads.follow_up_plan.due.v1"
ROUNDS = 6


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as a:
        yield a


def due_plans(api, n: int, *, ago: dt.timedelta = dt.timedelta(minutes=5)) -> list[str]:
    c = customer_of(api, "sales1")
    ids = []
    for _ in range(n):
        p = plan_on(api, c, "sales1").plan
        set_due(api.db, p.id, now() - ago)
        ids.append(p.id)
    return ids


def notified(api, plan_ids) -> dict[str, int]:
    counts = dict.fromkeys(plan_ids, 0)
    for event in events_of(api.db, DUE):
        if event["plan_id"] in counts:
            counts[event["plan_id"]] += 1
    return counts


def test_each_due_plan_once(api):
    ids = due_plans(api, 3)
    c = customer_of(api, "sales1")
    later = plan_on(api, c, "sales1", hours=5).plan.id
    closed = plan_on(api, c, "sales1").plan.id
    set_due(api.db, closed, now() - dt.timedelta(minutes=1))
    api.follow_ups.CancelFollowUpPlan(pb.CancelFollowUpPlanRequest(plan_id=closed),
                                      metadata=as_("sales1"))
    assert due.sweep(api.db) == 3
    assert due.sweep(api.db) == 0       # a restarted worker's next sweep
    assert notified(api, [*ids, later, closed]) == {**dict.fromkeys(ids, 1), later: 0,
                                                     closed: 0}
    [first] = [e for e in events_of(api.db, DUE) if e["plan_id"] == ids[0]]
    assert (first["owner_id"], first["type"]) == ("sales1", "call")
    with api.db.session() as s:
        marks = s.scalars(select(m.FollowUpPlan.due_notified_at).where(
            m.FollowUpPlan.id.in_([*ids, later, closed]))).all()
        assert sum(mark is not None for mark in marks) == 3
    # the later plan is notified when its time comes, once
    assert due.sweep(api.db, now=now() + dt.timedelta(hours=6)) == 1
    assert due.sweep(api.db, now=now() + dt.timedelta(hours=6)) == 0
    assert notified(api, [later]) == {later: 1}


def race(api) -> list:
    """Two sweeps at once: both read the same due plans, meet at a barrier, then both mark
    and write; returns what each notified (or the error it raised)."""
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def sweep(i: int) -> None:
        try:
            at = now()
            found = due.due_plan_ids(api.db, at)
            barrier.wait(timeout=30)
            results[i] = due.notify(api.db, found, at)
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
            results[i] = error

    threads = [threading.Thread(target=sweep, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_concurrent_sweeps_write_each_event_once(api):
    for _ in range(ROUNDS):
        ids = due_plans(api, 4)
        results = race(api)
        assert sum(results) == 4, results
        assert notified(api, ids) == dict.fromkeys(ids, 1)


def test_a_failed_sweep_leaves_nothing_and_the_next_notifies_once(api, monkeypatch):
    ids = due_plans(api, 3)
    real = plan_events.plan_due
    calls = []

    def fail_on_the_second(s, plan, at):
        calls.append(plan.id)
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        real(s, plan, at)

    monkeypatch.setattr(plan_events, "plan_due", fail_on_the_second)
    with pytest.raises(RuntimeError, match="the worker died"):
        due.sweep(api.db)
    assert notified(api, ids) == dict.fromkeys(ids, 0)
    with api.db.session() as s:
        assert s.scalars(select(m.FollowUpPlan.due_notified_at).where(
            m.FollowUpPlan.id.in_(ids))).all() == [None, None, None]
    monkeypatch.setattr(plan_events, "plan_due", real)
    assert due.sweep(api.db) == 3
    assert notified(api, ids) == dict.fromkeys(ids, 1)
