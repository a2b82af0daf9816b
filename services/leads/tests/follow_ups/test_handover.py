"""The plans' handover step driven by identity's user.left event (leads.handover.hand_over,
as the worker calls it): the leaver's open plans go to the successor (history, delegated
events with reason handover), closed plans stay; a redelivery changes nothing; with nobody
to take them the plans stay open without an owner."""
from __future__ import annotations

import pytest
from contracts.events.definitions import queue_name
from contracts.leads import follow_ups_pb2 as pb
from kit.events import make_envelope
from kit.events.context import current_consumer
from leads import handover
from leads import models as m
from leads.customers import handover as customers_handover  # noqa: F401 - its step
from leads.follow_ups import handover as follow_ups_handover  # noqa: F401 - its step
from sqlalchemy import select

from ..support import as_
from .support import add_staff, customer_of, events_of, plan_on, running

LEFT = "crm.identity.user.left.v1"


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as a:
        add_staff(a.db)
        yield a


def left(user_id: str, successor: str | None):
    return make_envelope(LEFT, user_id, {"user_id": user_id, "successor_user_id": successor,
                                         "left_at": "2026-11-29T00:00:00Z"})


@pytest.fixture(autouse=True)
def as_the_worker_handler():
    """hand_over runs inside the worker's consumer of user.left (its inbox claim names it)."""
    token = current_consumer.set(queue_name("leads", "hand_over"))
    yield
    current_consumer.reset(token)


def plan_row(api, plan_id) -> m.FollowUpPlan:
    with api.db.session() as s:
        row = s.get(m.FollowUpPlan, plan_id)
        s.expunge(row)
        return row


def test_a_leaver_s_open_plans_go_to_the_successor(api):
    c = customer_of(api, "sales1")
    open1 = plan_on(api, c, "sales1", hours=1).plan.id
    open2 = plan_on(api, c, "sales1", hours=2).plan.id
    closed = plan_on(api, c, "sales1", hours=3).plan.id
    api.follow_ups.CancelFollowUpPlan(pb.CancelFollowUpPlanRequest(plan_id=closed),
                                      metadata=as_("sales1"))
    others = plan_on(api, c, "manager1").plan.id
    event = left("sales1", "sales2")
    counts = handover.hand_over(api.db, event)
    assert counts["follow_up_plans"] == 2 and counts["customers"] == 1
    for plan_id in (open1, open2):
        row = plan_row(api, plan_id)
        assert (row.owner_id, row.owner_name, row.owner_department_id, row.owner_region_id,
                row.status) == ("sales2", "sales2", "dep-bj-sales", "reg-north", "open")
    assert plan_row(api, closed).owner_id == "sales1"
    assert plan_row(api, others).owner_id == "manager1"
    with api.db.session() as s:
        rows = s.execute(select(m.FollowUpPlanHistory.plan_id, m.FollowUpPlanHistory.action,
                                m.FollowUpPlanHistory.actor_id, m.FollowUpPlanHistory.detail)
                         .where(m.FollowUpPlanHistory.action == "handed_over")
                         .order_by(m.FollowUpPlanHistory.plan_id)).all()
    assert [tuple(r) for r in rows] == sorted(
        (p, "handed_over", "system:handover", {"previous_owner_id": "sales1",
                                               "owner_id": "sales2"}) for p in (open1, open2))
    moved = [e for e in events_of(api.db, "crm.leads.follow_up_plan.delegated.v1", subject=c)
             if e["reason"] == "handover"]
    assert sorted((e["plan_id"], e["previous_owner_id"], e["owner_id"]) for e in moved) == \
        sorted((p, "sales1", "sales2") for p in (open1, open2))
    # the successor's to-do list has them now
    todo = api.follow_ups.GetToDo(pb.GetToDoRequest(), metadata=as_("sales2"))
    assert {open1, open2} <= {i.id for i in todo.items}
    # identity redelivers the event: nothing moves twice
    assert handover.hand_over(api.db, event) == {}
    assert len([e for e in events_of(api.db, "crm.leads.follow_up_plan.delegated.v1",
                                     subject=c) if e["reason"] == "handover"]) == 2


def test_nobody_to_take_them(api):
    c = customer_of(api, "sales3")
    p = plan_on(api, c, "sales3").plan.id
    with api.db.session() as s:  # no manager in sales3's department
        assert s.scalars(select(m.StaffMember.user_id).where(
            m.StaffMember.department_id == "dep-gz-sales",
            m.StaffMember.user_id != "sales3")).all() == []
    counts = handover.hand_over(api.db, left("sales3", None))
    assert counts["follow_up_plans"] == 1
    row = plan_row(api, p)
    assert (row.owner_id, row.owner_name, row.owner_department_id, row.status) == (
        None, "", "dep-gz-sales", "open")
