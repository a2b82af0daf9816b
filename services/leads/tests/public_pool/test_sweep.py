"""The sweep on SQLite and PostgreSQL: due customers return to the pool (history, events),
owners are warned K days before once per period, a follow-up or a deal moves the clocks,
re-running changes nothing, and two sweepers at once return each customer exactly once."""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from kit.db import Database
from leads import models as m
from leads.public_pool import activity
from leads.public_pool.sweep import sweep
from leads.settings import LeadsSettings
from sqlalchemy import select, update

from .helpers import create, customer, events, held_since, running_pool_api

# N = 30 days without follow-up, M = 90 days without a deal, K = 3 days' warning (defaults)


@pytest.fixture
def api(database_url):
    with running_pool_api(database_url) as running:
        # every test starts from nobody held: earlier tests' customers leave the sweep's way
        with running.db.session() as s:
            s.execute(update(m.Customer).values(stage="alumni"))
        yield running


@dataclasses.dataclass(frozen=True)
class FollowUp:
    customer_id: str
    occurred_at: dt.datetime


def _history(db: Database, customer_id: str) -> list[tuple[str, dict]]:
    with db.session() as s:
        return [(h.action, h.detail) for h in s.scalars(
            select(m.CustomerHistory).where(m.CustomerHistory.customer_id == customer_id)
            .order_by(m.CustomerHistory.id))]


def test_due_customers_return_and_nearly_due_ones_are_warned_once(api):
    now = dt.datetime.now(dt.UTC)
    silent = create(api.customers, "sales1")        # claimed 31 days ago, never followed up
    followed = create(api.customers, "sales1")      # followed up 5 days ago
    no_deal = create(api.customers, "sales2")       # followed up, but 91 days without a deal
    dealt = create(api.customers, "sales2")         # a deal since the claim
    near = create(api.customers, "sales1")          # 28 days: warned (due in 2 days)
    held_since(api.db, silent, 31, now=now)
    held_since(api.db, followed, 40, follow_up_days_ago=5, now=now)
    held_since(api.db, no_deal, 91, follow_up_days_ago=1, now=now)
    held_since(api.db, dealt, 120, follow_up_days_ago=1, deal_days_ago=100, now=now)
    held_since(api.db, near, 28, now=now)

    result = sweep(api.db, api.settings, now=now)
    assert (result.returned, result.warned) == (2, 1)
    for cid, rule in ((silent, "no_follow_up"), (no_deal, "no_deal")):
        row = customer(api.db, cid)
        assert (row.owner_id, row.pool_reason, row.owner_department_id) == (
            None, rule, "dep-bj-sales")
        [returned] = events(api.db, "crm.leads.customer.returned_to_pool.v1", cid)
        assert (returned["rule"], returned["pool_region_id"]) == (rule, "reg-north")
        assert _history(api.db, cid)[-1] == ("owner_changed", {
            "previous_owner_id": returned["previous_owner_id"], "owner_id": None,
            "reason": "returned_to_pool"})
    for cid in (followed, dealt, near):
        assert customer(api.db, cid).owner_id is not None
    [warning] = events(api.db, "crm.leads.customer.pool_warning.v1", near)
    assert (warning["owner_id"], warning["rule"]) == ("sales1", "no_follow_up")
    assert warning["due_at"].startswith((now + dt.timedelta(days=2)).date().isoformat())

    # again, and a day later: nothing new (warned once for this period)
    assert sweep(api.db, api.settings, now=now) == type(result)(0, 0)
    assert sweep(api.db, api.settings, now=now + dt.timedelta(days=1)) == type(result)(0, 0)
    assert len(events(api.db, "crm.leads.customer.pool_warning.v1", near)) == 1

    # a follow-up starts a new period: no return when the old one ends, a new warning later
    with api.db.session() as s:
        assert activity.record_follow_up(s, FollowUp(near, now + dt.timedelta(days=1)))
        # an older follow-up arriving late moves nothing
        assert not activity.record_follow_up(s, FollowUp(near, now - dt.timedelta(days=3)))
    sweep(api.db, api.settings, now=now + dt.timedelta(days=3))
    assert customer(api.db, near).owner_id == "sales1"
    assert len(events(api.db, "crm.leads.customer.pool_warning.v1", near)) == 1
    later = now + dt.timedelta(days=1 + 27 + 1)  # 28 days after the follow-up
    sweep(api.db, api.settings, now=later)
    assert len(events(api.db, "crm.leads.customer.pool_warning.v1", near)) == 2
    sweep(api.db, api.settings, now=later + dt.timedelta(days=3))
    assert (customer(api.db, near).owner_id, customer(api.db, near).pool_reason) == (
        None, "no_follow_up")


def test_a_deal_stops_the_deal_rule_and_a_new_owner_restarts_the_clocks(api):
    now = dt.datetime.now(dt.UTC)
    cid = create(api.customers, "sales1")
    held_since(api.db, cid, 89, follow_up_days_ago=1, now=now)
    with api.db.session() as s:
        assert activity.record_deal(s, cid, now - dt.timedelta(hours=1))
    assert sweep(api.db, api.settings, now=now + dt.timedelta(days=5)).returned == 0
    row = customer(api.db, cid)
    assert (row.owner_id, row.deal_clock_at) == ("sales1", None)
    assert row.last_deal_at.replace(tzinfo=dt.UTC) == now - dt.timedelta(hours=1)
    # the owner changes (a handover, an arbitration...): the clocks start again
    with api.db.session() as s:
        c = s.get(m.Customer, cid)
        c.owner_id = "sales2"
    row = customer(api.db, cid)
    assert row.owned_since == row.follow_up_clock_at == row.deal_clock_at
    assert row.owned_since.replace(tzinfo=dt.UTC) >= now


def test_a_disabled_policy_sweeps_nothing_and_batches_cover_a_backlog(api):
    now = dt.datetime.now(dt.UTC)
    ids = [create(api.customers, "sales2") for _ in range(7)]
    for cid in ids:
        held_since(api.db, cid, 45, now=now)
    with api.db.session() as s:
        s.merge(m.PoolPolicyRow(id="default", enabled=False, follow_up_days=30, deal_days=90,
                                warning_days=3, caps={"*": 500}, version=1))
    try:
        assert sweep(api.db, api.settings, now=now).returned == 0
    finally:
        with api.db.session() as s:
            s.delete(s.get(m.PoolPolicyRow, "default"))
    assert sweep(api.db, api.settings, now=now, batch_size=3).returned == 7
    assert all(customer(api.db, cid).owner_id is None for cid in ids)


def test_two_sweepers_at_once_return_each_customer_exactly_once(api):
    now = dt.datetime.now(dt.UTC)
    ids = [create(api.customers, "sales1") for _ in range(40)]
    for cid in ids:
        held_since(api.db, cid, 60, now=now)
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        db = Database(api.db.url)  # each sweeper its own process-like engine
        try:
            barrier.wait()
            results.append(sweep(db, LeadsSettings(database_url=api.db.url), now=now,
                                 batch_size=5))
        finally:
            db.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    assert sum(r.returned for r in results) == 40
    for cid in ids:
        assert len(events(api.db, "crm.leads.customer.returned_to_pool.v1", cid)) == 1
        owner_events = events(api.db, "crm.leads.customer.owner_changed.v1", cid)
        assert [e["reason"] for e in owner_events] == ["returned_to_pool"]


def test_a_customer_already_due_is_returned_not_warned(api):
    from leads.public_pool import policy as pool_policy
    from leads.public_pool.sweep import due_condition, warning_condition

    now = dt.datetime.now(dt.UTC)
    due = create(api.customers, "sales1")
    near = create(api.customers, "sales1")
    held_since(api.db, due, 31, now=now)
    held_since(api.db, near, 28, now=now)
    p = pool_policy.defaults(api.settings)
    with api.db.session() as s:
        ids = [due, near]
        warn = set(s.scalars(select(m.Customer.id).where(
            m.Customer.id.in_(ids), warning_condition(p, now))))
        returned = set(s.scalars(select(m.Customer.id).where(
            m.Customer.id.in_(ids), due_condition(p, now))))
    assert (warn, returned) == ({near}, {due})
