"""Service requests through the real api: first-responder ownership, due times by kind and
priority, the status machine with reopening, overdue, scope through the customer, transfer,
history events, and the handover of a leaver's open requests."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contracts.leads import network_pb2 as pb
from kit import grpc_errors
from kit.events.context import current_consumer
from kit.events.envelope import make_envelope
from leads import handover
from leads import models as m
from leads.models.network import ServiceRequest
from leads.network import handover as network_handover  # noqa: F401  (adds its step)
from sqlalchemy import func, select, update

from ...support import as_, error_of
from ..support import running_network


@pytest.fixture(scope="module")
def stubs(database_url):
    with running_network(database_url) as running:
        yield running


def _open(stubs, customer: str, who: str = "cs1", kind: str = "complaint",
          priority: str = "high") -> pb.ServiceRequest:
    return stubs.requests.CreateServiceRequest(pb.CreateServiceRequestRequest(
        customer_id=customer, kind=kind, priority=priority, subject="课程安排不满意",
        description="上课时间变了三次"), metadata=as_(who)).request


def _act(stubs, request_id: str, action: str, who: str, **kw) -> pb.ServiceRequest:
    return stubs.requests.ActOnServiceRequest(pb.ActOnServiceRequestRequest(
        request_id=request_id, action=action, **kw), metadata=as_(who)).request


def _reason(error) -> tuple:
    info = grpc_errors.error_info(error)
    return info.code, info.reason


def test_first_responder_owns_it_with_a_due_time(stubs):
    c = stubs.customer(6100, owner="sales1")
    r = _open(stubs, c)
    assert (r.status, r.owner.user_id, r.recorded_by, r.overdue) == ("open", "cs1", "cs1",
                                                                      False)
    hours = (r.due_at.ToDatetime() - r.created_at.ToDatetime()) / dt.timedelta(hours=1)
    assert hours == 8   # a high-priority complaint
    low = _open(stubs, c, kind="suggestion", priority="low")
    assert (low.due_at.ToDatetime() - low.created_at.ToDatetime()) == dt.timedelta(days=14)
    # the customer's owner cannot work a request somebody else first took
    for action in ("start", "resolve"):
        assert _reason(error_of(lambda a=action: _act(stubs, r.id, a, "sales1", note="x"))) == (
            grpc.StatusCode.PERMISSION_DENIED, "service_request.not_owner")
    started = _act(stubs, r.id, "start", "cs1")
    assert started.status == "in_progress"
    assert _reason(error_of(lambda: _act(stubs, r.id, "resolve", "cs1"))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.note")
    resolved = _act(stubs, r.id, "resolve", "cs1", note="已调整为固定周六上课")
    assert (resolved.status, resolved.resolution) == ("resolved", "已调整为固定周六上课")
    assert _reason(error_of(lambda: _act(stubs, r.id, "start", "cs1"))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "service_request.bad_status")
    reopened = _act(stubs, r.id, "reopen", "sales1", note="客户再次来电")
    assert (reopened.status, reopened.reopened_count, reopened.owner.user_id) == (
        "open", 1, "cs1")
    _act(stubs, r.id, "resolve", "cs1", note="退还调课差价")
    closed = _act(stubs, r.id, "close", "cs1")
    assert closed.status == "closed" and closed.HasField("closed_at")
    actions = [e["action"] for e in stubs.events("crm.leads.service_request.changed.v1", r.id)]
    assert actions == ["start", "resolve", "reopen", "resolve", "close"]


def test_transfer_is_explicit_and_moves_ownership(stubs):
    c = stubs.customer(6200, owner="sales1")
    r = _open(stubs, c, who="sales1", kind="consultation", priority="normal")
    assert r.owner.user_id == "sales1"
    assert _reason(error_of(lambda: _act(stubs, r.id, "transfer", "sales1"))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.transfer_to_user_id")
    moved = _act(stubs, r.id, "transfer", "sales1", transfer_to_user_id="cs1",
                 transfer_to_name="客服一")
    assert (moved.owner.user_id, moved.owner.name, moved.status) == ("cs1", "客服一", "open")
    # the former owner no longer works it
    assert _reason(error_of(lambda: _act(stubs, r.id, "start", "sales1"))) == (
        grpc.StatusCode.PERMISSION_DENIED, "service_request.not_owner")
    assert _act(stubs, r.id, "start", "cs1").status == "in_progress"


def test_scope_through_the_customer_and_the_owner(stubs):
    south = stubs.customer(6300, owner="sales3")
    r = _open(stubs, south, who="sales3")
    for who in ("sales1", "director1", "manager1"):
        assert error_of(lambda w=who: stubs.requests.GetServiceRequest(
            pb.GetServiceRequestRequest(request_id=r.id), metadata=as_(w))).code() == \
            grpc.StatusCode.NOT_FOUND
    assert stubs.requests.GetServiceRequest(pb.GetServiceRequestRequest(request_id=r.id),
                                            metadata=as_("director2")).request.id == r.id
    # recording one for a customer out of scope is NOT_FOUND (the customer's text)
    assert _reason(error_of(lambda: _open(stubs, south, who="sales1"))) == (
        grpc.StatusCode.NOT_FOUND, "customer.not_found")
    # transferred to sales1, it is theirs to see and work, though the customer is not
    _act(stubs, r.id, "transfer", "sales3", transfer_to_user_id="sales1")
    got = stubs.requests.GetServiceRequest(pb.GetServiceRequestRequest(request_id=r.id),
                                           metadata=as_("sales1")).request
    assert got.owner.user_id == "sales1"


def test_overdue_flag_and_filter(stubs):
    c = stubs.customer(6400, owner="sales2")
    late = _open(stubs, c, who="sales2", priority="urgent")
    fresh = _open(stubs, c, who="sales2", priority="low")
    with stubs.db.session() as s:
        s.execute(update(ServiceRequest).where(ServiceRequest.id == late.id).values(
            due_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    listed = stubs.requests.ListServiceRequests(pb.ListServiceRequestsRequest(
        customer_id=c), metadata=as_("sales2")).requests
    assert {(x.id, x.overdue) for x in listed} == {(late.id, True), (fresh.id, False)}
    overdue = stubs.requests.ListServiceRequests(pb.ListServiceRequestsRequest(
        customer_id=c, overdue_only=True), metadata=as_("sales2")).requests
    assert [x.id for x in overdue] == [late.id]
    # a resolved request is never overdue
    _act(stubs, late.id, "resolve", "sales2", note="已处理")
    got = stubs.requests.GetServiceRequest(pb.GetServiceRequestRequest(request_id=late.id),
                                           metadata=as_("sales2")).request
    assert got.overdue is False


def test_handover_moves_open_requests_to_the_successor(stubs):
    c = stubs.customer(6500, owner="sales2")
    open_one = _open(stubs, c, who="sales2")
    done = _open(stubs, c, who="sales2")
    _act(stubs, done.id, "resolve", "sales2", note="ok")
    with stubs.db.session() as s:
        open_of_sales2 = s.scalar(select(func.count()).select_from(ServiceRequest).where(
            ServiceRequest.owner_id == "sales2",
            ServiceRequest.status.in_(("open", "in_progress"))))
        s.merge(m.StaffMember(user_id="manager1", username="manager1",
                              roles=["department_manager"], department_id="dep-bj-sales",
                              region_id="reg-north"))
    event = make_envelope("crm.identity.user.left.v1", "sales2", {
        "user_id": "sales2", "successor_user_id": "manager1",
        "left_at": "2026-11-29T12:00:00Z"})
    token = current_consumer.set("leads.hand_over")   # as the worker's consumer runs it
    try:
        counts = handover.hand_over(stubs.db, event)
    finally:
        current_consumer.reset(token)
    # every unresolved request of sales2 moved (sales2 manages no channel)
    assert open_of_sales2 >= 1 and counts["network"] == open_of_sales2
    moved = stubs.requests.GetServiceRequest(pb.GetServiceRequestRequest(
        request_id=open_one.id), metadata=as_("manager1")).request
    kept = stubs.requests.GetServiceRequest(pb.GetServiceRequestRequest(
        request_id=done.id), metadata=as_("manager1")).request
    assert (moved.owner.user_id, kept.owner.user_id) == ("manager1", "sales2")


def test_overdue_requests_are_announced_once_per_due_time(stubs):
    from leads.network import overdue
    c = stubs.customer(6600, owner="sales1")
    r = _open(stubs, c, who="sales1", priority="urgent")
    due = r.due_at.ToDatetime(tzinfo=dt.UTC)
    kind = "crm.leads.service_request.overdue.v1"
    overdue.announce_overdue(stubs.db, now=due - dt.timedelta(minutes=1))
    assert stubs.events(kind, r.id) == []          # not due yet
    overdue.announce_overdue(stubs.db, now=due + dt.timedelta(minutes=1))
    overdue.announce_overdue(stubs.db, now=due + dt.timedelta(minutes=2))
    [event] = stubs.events(kind, r.id)
    assert (event["owner_id"], event["status"], event["priority"]) == ("sales1", "open",
                                                                      "urgent")
    # resolved and reopened: a new due time, announced again when it passes
    _act(stubs, r.id, "resolve", "sales1", note="处理中")
    reopened = _act(stubs, r.id, "reopen", "sales1")
    again_due = reopened.due_at.ToDatetime(tzinfo=dt.UTC)
    assert again_due > due
    overdue.announce_overdue(stubs.db, now=again_due + dt.timedelta(minutes=1))
    assert len(stubs.events(kind, r.id)) == 2
    # a resolved request is never announced
    _act(stubs, r.id, "resolve", "sales1", note="已解决")
    overdue.announce_overdue(stubs.db, now=again_due + dt.timedelta(days=30))
    assert len(stubs.events(kind, r.id)) == 2
