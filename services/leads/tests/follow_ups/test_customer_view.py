"""The follow-ups part of the 360° view (customer_view.recent_for_customer and its message):
the latest follow-ups newest first, the open plans earliest due first, nothing of other
customers."""
from __future__ import annotations

import datetime as dt

import pytest
from contracts.leads import follow_ups_pb2 as pb
from leads.follow_ups import customer_merge, customer_view

from ..support import as_
from .support import customer_of, now, plan_on, running, ts


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as a:
        yield a


def test_recent_follow_ups_and_open_plans(api):
    c, other = customer_of(api, "sales1"), customer_of(api, "sales1")
    recorded = [api.follow_ups.RecordFollowUp(pb.RecordFollowUpRequest(
        customer_id=c, follow_up=pb.FollowUpFields(
            type="call", content=f"第{i}次", occurred_at=ts(now() - dt.timedelta(days=5 - i)))),
        metadata=as_("sales1")).follow_up.id for i in range(4)]
    api.follow_ups.RecordFollowUp(pb.RecordFollowUpRequest(
        customer_id=other, follow_up=pb.FollowUpFields(type="call", content="别人")),
        metadata=as_("sales1"))
    late = plan_on(api, c, "sales1", hours=9).plan.id
    soon = plan_on(api, c, "manager1", hours=1).plan.id
    cancelled = plan_on(api, c, "sales1", hours=2).plan.id
    api.follow_ups.CancelFollowUpPlan(pb.CancelFollowUpPlanRequest(plan_id=cancelled),
                                      metadata=as_("sales1"))
    plan_on(api, other, "sales1")
    with api.db.read() as s:
        recent = customer_view.recent_for_customer(s, c, limit=3)
        assert [f.id for f in recent.follow_ups] == recorded[::-1][:3]
        assert [p.id for p in recent.open_plans] == [soon, late]
        message = customer_view.message_for_customer(s, c, limit=2)
    assert [f.id for f in message.follow_ups] == recorded[::-1][:2]
    assert [(p.id, p.owner.user_id) for p in message.open_plans] == [(soon, "manager1"),
                                                                     (late, "sales1")]


def test_a_merged_customer_s_follow_ups_and_plans_move_to_the_survivor(api):
    survivor, merged = customer_of(api, "sales1"), customer_of(api, "sales1")
    f = api.follow_ups.RecordFollowUp(pb.RecordFollowUpRequest(
        customer_id=merged, follow_up=pb.FollowUpFields(type="call", content="旧档案")),
        metadata=as_("sales1")).follow_up.id
    p = plan_on(api, merged, "sales1").plan.id
    with api.db.session() as s:
        assert customer_merge.move_to_survivor(s, survivor, merged) == 2
    with api.db.read() as s:
        recent = customer_view.recent_for_customer(s, survivor)
        assert ([x.id for x in recent.follow_ups], [x.id for x in recent.open_plans]) == (
            [f], [p])
