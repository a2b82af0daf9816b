"""Follow-up plans through the real api (SQLite and PostgreSQL): the other open plans in the
answer, visibility to everyone involved, delegation to teammates only, completion by
recording the follow-up, cancellation, merging (keeping who asked), the to-do list, the
statistics' scope, and sales A never seeing or planning on sales B's customer."""
from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import grpc
import pytest
from contracts.leads import follow_ups_pb2 as pb
from kit import grpc_errors
from leads import models as m
from leads.settings import LeadsSettings
from sqlalchemy import select

from ..support import as_, error_of
from .support import add_staff, customer_of, events_of, later, now, plan_on, running, set_due


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as a:
        add_staff(a.db)
        yield a


def reason_of(call) -> tuple[grpc.StatusCode, str]:
    info = grpc_errors.error_info(error_of(call))
    return info.code, info.reason


def get(api, plan_id, user) -> pb.FollowUpPlan:
    return api.follow_ups.GetFollowUpPlan(pb.GetFollowUpPlanRequest(plan_id=plan_id),
                                          metadata=as_(user)).plan


def history(api, plan_id) -> list[tuple[str, str]]:
    with api.db.session() as s:
        return [(h.action, h.actor_id) for h in s.scalars(
            select(m.FollowUpPlanHistory).where(m.FollowUpPlanHistory.plan_id == plan_id)
            .order_by(m.FollowUpPlanHistory.id))]


def test_creating_a_plan_lists_the_other_open_plans_on_the_customer(api):
    c = customer_of(api, "sales1")
    first = plan_on(api, c, "sales1", hours=3, note="问报名")
    assert list(first.other_open_plans) == []
    assert (first.plan.owner.user_id, first.plan.status, first.plan.overdue) == (
        "sales1", "open", False)
    assert [(r.user_id, r.plan_id, r.note) for r in first.plan.requesters] == [
        ("sales1", first.plan.id, "问报名")]
    # the manager plans a call too: the answer shows sales1's plan (no second call unseen)
    second = plan_on(api, c, "manager1", hours=1, type_="visit")
    assert [p.id for p in second.other_open_plans] == [first.plan.id]
    assert second.other_open_plans[0].owner.user_id == "sales1"
    [event] = events_of(api.db, "crm.leads.follow_up_plan.created.v1",
                        subject=c)[:1]
    assert (event["plan_id"], event["owner_id"], event["created_by"]) == (
        first.plan.id, "sales1", "sales1")
    assert "note" not in event
    # everyone who sees the customer sees both plans, earliest due first
    for reader in ("sales1", "manager1", "director1", "cs1"):
        listed = api.follow_ups.ListFollowUpPlans(pb.ListFollowUpPlansRequest(customer_id=c),
                                                  metadata=as_(reader))
        assert [p.id for p in listed.plans] == [second.plan.id, first.plan.id], reader


def test_sales_a_cannot_see_or_plan_on_sales_b_customer(api):
    c = customer_of(api, "sales2")
    theirs = plan_on(api, c, "sales2").plan
    for outsider in ("sales1", "sales3", "director2"):
        assert reason_of(lambda u=outsider: plan_on(api, c, u)) == (
            grpc.StatusCode.NOT_FOUND, "customer.not_found")
        assert reason_of(lambda u=outsider: get(api, theirs.id, u)) == (
            grpc.StatusCode.NOT_FOUND, "plan.not_found")
        assert reason_of(lambda u=outsider: api.follow_ups.ListFollowUpPlans(
            pb.ListFollowUpPlansRequest(customer_id=c), metadata=as_(u))) == (
            grpc.StatusCode.NOT_FOUND, "customer.not_found")
        listed = api.follow_ups.ListFollowUpPlans(pb.ListFollowUpPlansRequest(),
                                                  metadata=as_(outsider))
        assert theirs.id not in [p.id for p in listed.plans]
        for write in (
            lambda u: api.follow_ups.CancelFollowUpPlan(
                pb.CancelFollowUpPlanRequest(plan_id=theirs.id), metadata=as_(u)),
            lambda u: api.follow_ups.CompleteFollowUpPlan(pb.CompleteFollowUpPlanRequest(
                plan_id=theirs.id, follow_up=pb.FollowUpFields(content="x")), metadata=as_(u)),
            lambda u: api.follow_ups.DelegateFollowUpPlan(pb.DelegateFollowUpPlanRequest(
                plan_id=theirs.id, to_user_id=u), metadata=as_(u)),
        ):
            assert reason_of(lambda w=write, u=outsider: w(u)) == (
                grpc.StatusCode.NOT_FOUND, "plan.not_found")
    # the missing plan answers the same text as the hidden one
    hidden = error_of(lambda: get(api, theirs.id, "sales1"))
    missing = error_of(lambda: get(api, "nope", "sales1"))
    assert hidden.details() == missing.details().replace("nope", theirs.id)
    # the owner still sees theirs
    assert get(api, theirs.id, "sales2").id == theirs.id


def test_delegate_to_a_teammate_only(api):
    c = customer_of(api, "sales1")
    p = plan_on(api, c, "sales1").plan
    # another region's salesperson, an unknown user: not a teammate (404 like a stranger)
    for to in ("sales3", "nobody"):
        assert reason_of(lambda t=to: api.follow_ups.DelegateFollowUpPlan(
            pb.DelegateFollowUpPlanRequest(plan_id=p.id, to_user_id=t), metadata=as_("sales1"))
        ) == (grpc.StatusCode.NOT_FOUND, "staff.not_found")
    moved = api.follow_ups.DelegateFollowUpPlan(pb.DelegateFollowUpPlanRequest(
        plan_id=p.id, to_user_id="sales2", note="你熟悉他"), metadata=as_("sales1")).plan
    assert (moved.owner.user_id, moved.owner.department_id, moved.status) == (
        "sales2", "dep-bj-sales", "open")
    assert [(r.user_id, r.plan_id) for r in moved.requesters] == [("sales1", p.id)]
    # sales2 does not own the customer, yet sees and completes the plan given to them
    assert get(api, p.id, "sales2").id == p.id
    done = api.follow_ups.CompleteFollowUpPlan(pb.CompleteFollowUpPlanRequest(
        plan_id=p.id, follow_up=pb.FollowUpFields(content="打过了", outcome="约了试听")),
        metadata=as_("sales2"))
    assert (done.plan.status, done.plan.follow_up_id, done.follow_up.plan_id) == (
        "completed", done.follow_up.id, p.id)
    assert (done.follow_up.type, done.follow_up.recorded_by.user_id) == ("call", "sales2")
    # sales1 (no longer the owner, but the customer's) sees the follow-up in the history
    listed = api.follow_ups.ListFollowUps(pb.ListFollowUpsRequest(customer_id=c),
                                          metadata=as_("sales1"))
    assert [f.id for f in listed.follow_ups] == [done.follow_up.id]
    assert history(api, p.id) == [("created", "sales1"), ("delegated", "sales1"),
                                  ("completed", "sales2")]
    [delegated] = events_of(api.db, "crm.leads.follow_up_plan.delegated.v1", subject=c)
    assert (delegated["previous_owner_id"], delegated["owner_id"], delegated["reason"]) == (
        "sales1", "sales2", "delegate")
    [completed] = events_of(api.db, "crm.leads.follow_up_plan.completed.v1", subject=c)
    assert completed["follow_up_id"] == done.follow_up.id
    [recorded] = events_of(api.db, "crm.leads.follow_up.recorded.v1", subject=c)
    assert recorded["plan_id"] == p.id
    # a closed plan changes no more
    assert reason_of(lambda: api.follow_ups.CancelFollowUpPlan(
        pb.CancelFollowUpPlanRequest(plan_id=p.id), metadata=as_("sales2"))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "plan.not_open")


def test_a_manager_plans_for_and_delegates_within_the_department(api):
    c = customer_of(api, "sales1")
    p = plan_on(api, c, "manager1", owner_id="sales1").plan
    assert (p.owner.user_id, p.created_by, p.requesters[0].user_id) == (
        "sales1", "manager1", "manager1")
    moved = api.follow_ups.DelegateFollowUpPlan(pb.DelegateFollowUpPlanRequest(
        plan_id=p.id, to_user_id="sales2"), metadata=as_("manager1")).plan
    assert moved.owner.user_id == "sales2"
    # sales1 sees the plan (their customer) but may not change sales2's plan
    assert reason_of(lambda: api.follow_ups.CancelFollowUpPlan(
        pb.CancelFollowUpPlanRequest(plan_id=p.id), metadata=as_("sales1"))) == (
        grpc.StatusCode.PERMISSION_DENIED, "plan.change_denied")
    cancelled = api.follow_ups.CancelFollowUpPlan(pb.CancelFollowUpPlanRequest(
        plan_id=p.id, reason="客户已报名"), metadata=as_("sales2")).plan
    assert (cancelled.status, cancelled.cancelled_reason) == ("cancelled", "客户已报名")


def test_merge_keeps_who_asked(api):
    c = customer_of(api, "sales1")
    mine = plan_on(api, c, "sales1", hours=5, note="问课程").plan
    managers = plan_on(api, c, "manager1", hours=2, type_="visit", note="问续费").plan
    third = plan_on(api, c, "manager1", hours=9, owner_id="sales2", note="问续费").plan
    merged = api.follow_ups.MergeFollowUpPlans(pb.MergeFollowUpPlansRequest(
        plan_ids=[mine.id, managers.id, third.id], into_plan_id=mine.id),
        metadata=as_("sales1"))
    survivor = merged.plan
    assert survivor.id == mine.id and set(merged.merged_plan_ids) == {managers.id, third.id}
    assert survivor.due_at.ToDatetime() == managers.due_at.ToDatetime()  # the earliest
    assert survivor.note == "问课程\n问续费"
    assert {(r.user_id, r.plan_id) for r in survivor.requesters} == {
        ("sales1", mine.id), ("manager1", managers.id), ("manager1", third.id)}
    for other in (managers.id, third.id):
        closed = get(api, other, "manager1")
        assert (closed.status, closed.merged_into_id) == ("merged", mine.id)
    [event] = events_of(api.db, "crm.leads.follow_up_plan.merged.v1", subject=c)
    assert (event["plan_id"], sorted(event["merged_plan_ids"])) == (
        mine.id, sorted([managers.id, third.id]))
    assert history(api, third.id)[-1] == ("merged_into", "sales1")
    # merged plans are closed: merging them again is refused
    assert reason_of(lambda: api.follow_ups.MergeFollowUpPlans(pb.MergeFollowUpPlansRequest(
        plan_ids=[mine.id, managers.id]), metadata=as_("sales1"))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "plan.not_open")


def test_merge_refusals(api):
    c1, c2 = customer_of(api, "sales1"), customer_of(api, "sales1")
    a, b = plan_on(api, c1, "sales1").plan, plan_on(api, c2, "sales1").plan
    assert reason_of(lambda: api.follow_ups.MergeFollowUpPlans(pb.MergeFollowUpPlansRequest(
        plan_ids=[a.id, b.id]), metadata=as_("sales1"))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "plan.customers_differ")
    assert reason_of(lambda: api.follow_ups.MergeFollowUpPlans(pb.MergeFollowUpPlansRequest(
        plan_ids=[a.id]), metadata=as_("sales1"))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.plan_ids")
    hidden = plan_on(api, customer_of(api, "sales2"), "sales2").plan
    assert reason_of(lambda: api.follow_ups.MergeFollowUpPlans(pb.MergeFollowUpPlansRequest(
        plan_ids=[a.id, hidden.id]), metadata=as_("sales1"))) == (
        grpc.StatusCode.NOT_FOUND, "plan.not_found")
    # the survivor must be changeable by the merger: sales1 sees manager1's plan, not more
    theirs = plan_on(api, c1, "manager1").plan
    assert reason_of(lambda: api.follow_ups.MergeFollowUpPlans(pb.MergeFollowUpPlansRequest(
        plan_ids=[a.id, theirs.id], into_plan_id=theirs.id), metadata=as_("sales1"))) == (
        grpc.StatusCode.PERMISSION_DENIED, "plan.change_denied")


def test_plan_validation(api):
    c = customer_of(api, "sales1")
    for request, reason in (
        (pb.CreateFollowUpPlanRequest(customer_id=c, type="call"), "invalid.due_at"),
        (pb.CreateFollowUpPlanRequest(customer_id=c, type="call", due_at=later(days=-1)),
         "invalid.due_at"),
        (pb.CreateFollowUpPlanRequest(customer_id=c, type="call", due_at=later(days=800)),
         "invalid.due_at"),
        (pb.CreateFollowUpPlanRequest(customer_id=c, type="fax", due_at=later(hours=1)),
         "invalid.type"),
        (pb.CreateFollowUpPlanRequest(customer_id=c, type="call", due_at=later(hours=1),
                                      note="x" * 501), "invalid.note"),
    ):
        assert reason_of(lambda r=request: api.follow_ups.CreateFollowUpPlan(
            r, metadata=as_("sales1"))) == (grpc.StatusCode.INVALID_ARGUMENT, reason)
    assert reason_of(lambda: api.follow_ups.ListFollowUpPlans(pb.ListFollowUpPlansRequest(
        status="done"), metadata=as_("sales1"))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.status")


def test_to_do_lists_my_due_and_overdue_plans(api):
    """cs1's plans only (no other test gives cs1 any): overdue first, then those due by the
    end of today in the service's time zone; not tomorrow's, not closed ones, not others'."""
    zone = ZoneInfo(LeadsSettings().follow_up_time_zone)
    midnight = dt.datetime.combine(now().astimezone(zone).date() + dt.timedelta(days=1),
                                   dt.time(), zone)
    c = customer_of(api, "sales2")
    overdue = plan_on(api, c, "cs1", hours=1).plan
    set_due(api.db, overdue.id, now() - dt.timedelta(hours=3))
    tonight = plan_on(api, c, "cs1", hours=1).plan
    set_due(api.db, tonight.id, midnight - dt.timedelta(minutes=1))
    tomorrow = plan_on(api, c, "cs1", hours=1).plan
    set_due(api.db, tomorrow.id, midnight + dt.timedelta(minutes=1))
    done = plan_on(api, c, "cs1", hours=1).plan
    set_due(api.db, done.id, now() - dt.timedelta(hours=2))
    api.follow_ups.CancelFollowUpPlan(pb.CancelFollowUpPlanRequest(plan_id=done.id),
                                      metadata=as_("cs1"))
    others = plan_on(api, c, "sales2", hours=1).plan  # sales2's, not cs1's
    todo = api.follow_ups.GetToDo(pb.GetToDoRequest(), metadata=as_("cs1"))
    assert [(i.kind, i.id) for i in todo.items] == [
        ("follow_up_plan", overdue.id), ("follow_up_plan", tonight.id)]
    assert (todo.items[0].overdue, todo.items[0].plan.overdue, todo.truncated) == (
        True, True, False)
    assert todo.items[0].customer_id == c and todo.items[0].plan.owner.user_id == "cs1"
    assert others.id in [i.id for i in api.follow_ups.GetToDo(
        pb.GetToDoRequest(), metadata=as_("sales2")).items]
    limited = api.follow_ups.GetToDo(pb.GetToDoRequest(limit=1), metadata=as_("cs1"))
    assert ([i.id for i in limited.items], limited.truncated) == ([overdue.id], True)


def test_two_completions_of_one_plan_at_once_one_wins(api):
    """Two people complete the same plan at the same moment (a barrier, two calls in
    flight): one records the follow-up, the other is told the plan is no longer open."""
    for _ in range(5):
        c = customer_of(api, "sales1")
        p = plan_on(api, c, "sales1").plan.id
        barrier = threading.Barrier(2)
        results: list = [None, None]

        def complete(i: int, user: str, plan_id: str = p, gate=barrier, out=results) -> None:
            gate.wait(timeout=30)
            try:
                out[i] = api.follow_ups.CompleteFollowUpPlan(pb.CompleteFollowUpPlanRequest(
                    plan_id=plan_id, follow_up=pb.FollowUpFields(content=f"{user} 打了")),
                    metadata=as_(user), timeout=30)
            except grpc.RpcError as error:
                out[i] = error

        threads = [threading.Thread(target=complete, args=(i, u))
                   for i, u in enumerate(("sales1", "manager1"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        won = [r for r in results if isinstance(r, pb.CompleteFollowUpPlanResponse)]
        lost = [r for r in results if isinstance(r, grpc.RpcError)]
        assert (len(won), len(lost)) == (1, 1), results
        info = grpc_errors.error_info(lost[0])
        assert (info.code, info.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                            "plan.not_open")
        listed = api.follow_ups.ListFollowUps(pb.ListFollowUpsRequest(customer_id=c),
                                              metadata=as_("sales1"))
        assert [f.id for f in listed.follow_ups] == [won[0].follow_up.id]
