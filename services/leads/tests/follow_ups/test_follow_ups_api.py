"""Follow-ups through the real api (in-process grpcio server, SQLite and PostgreSQL):
recording and listing a customer's contact history, the hooks run in the recording
transaction, the recorded event (ids only), custom types, and the data scope."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contracts.leads import follow_ups_pb2 as pb
from kit import grpc_errors
from kit.errors import FailedPrecondition
from leads import models as m
from leads.follow_ups import hooks
from sqlalchemy import func, select

from ..support import BJ_SALES, GZ_SALES, NORTH, SOUTH, TOKENS, as_, error_of
from .support import customer_of, events_of, now, running, ts

RECORDED = "crm.leads.follow_up.recorded.v1"


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as a:
        yield a


def record(a, customer_id, user, *, type_="call", content="聊了课程", at=None, **fields):
    return a.follow_ups.RecordFollowUp(pb.RecordFollowUpRequest(
        customer_id=customer_id, follow_up=pb.FollowUpFields(
            type=type_, content=content, occurred_at=ts(at) if at else None, **fields)),
        metadata=as_(user)).follow_up


def reason_of(call) -> tuple[grpc.StatusCode, str]:
    info = grpc_errors.error_info(error_of(call))
    return info.code, info.reason


def test_record_then_list_newest_first_with_the_event(api):
    c = customer_of(api, "sales1")
    first = record(api, c, "sales1", at=now() - dt.timedelta(days=2), outcome="有兴趣",
                   next_step="发资料")
    second = record(api, c, "sales1", type_="visit", content="到校参观",
                    at=now() - dt.timedelta(hours=1))
    assert (first.recorded_by.user_id, first.recorded_by.department_id) == (
        "sales1", "dep-bj-sales")
    assert (first.outcome, first.next_step) == ("有兴趣", "发资料")
    listed = api.follow_ups.ListFollowUps(pb.ListFollowUpsRequest(customer_id=c),
                                          metadata=as_("sales1"))
    assert [f.id for f in listed.follow_ups] == [second.id, first.id]
    page1 = api.follow_ups.ListFollowUps(pb.ListFollowUpsRequest(customer_id=c, page_size=1),
                                         metadata=as_("sales1"))
    page2 = api.follow_ups.ListFollowUps(pb.ListFollowUpsRequest(
        customer_id=c, page_size=1, page_token=page1.next_page_token), metadata=as_("sales1"))
    assert [f.id for f in [*page1.follow_ups, *page2.follow_ups]] == [second.id, first.id]
    assert page2.next_page_token == ""
    visits = api.follow_ups.ListFollowUps(pb.ListFollowUpsRequest(customer_id=c, type="visit"),
                                          metadata=as_("sales1"))
    assert [f.id for f in visits.follow_ups] == [second.id]
    [event, _] = events_of(api.db, RECORDED, subject=c)
    assert event["follow_up_id"] == first.id and event["recorded_by"] == "sales1"
    assert event["plan_id"] is None
    assert "content" not in event and "outcome" not in event  # free text may hold a phone


def test_visible_to_everyone_whose_scope_covers_the_customer(api):
    c = customer_of(api, "sales1")
    f = record(api, c, "sales1")
    for reader in ("sales1", "manager1", "director1", "cs1", "admin"):
        listed = api.follow_ups.ListFollowUps(pb.ListFollowUpsRequest(customer_id=c),
                                              metadata=as_(reader))
        assert [x.id for x in listed.follow_ups] == [f.id], reader
    # a colleague in the department manager's scope records too
    record(api, c, "manager1", type_="message", content="经理回访")
    for outsider in ("sales2", "sales3", "director2", "teacher1"):
        assert reason_of(lambda u=outsider: api.follow_ups.ListFollowUps(
            pb.ListFollowUpsRequest(customer_id=c), metadata=as_(u))) == (
            grpc.StatusCode.NOT_FOUND, "customer.not_found")
        assert reason_of(lambda u=outsider: record(api, c, u)) == (
            grpc.StatusCode.NOT_FOUND, "customer.not_found")
    assert reason_of(lambda: record(api, "no-such-customer", "sales1")) == (
        grpc.StatusCode.NOT_FOUND, "customer.not_found")


def test_hooks_run_inside_the_recording_transaction(api, monkeypatch):
    c = customer_of(api, "sales1")
    seen = []

    def touch(s, follow_up):
        # the row is flushed in this transaction: a query in the same session finds it
        seen.append(s.scalar(select(m.FollowUp.customer_id).where(
            m.FollowUp.id == follow_up.id)))

    monkeypatch.setattr(hooks, "ON_RECORDED", [touch])
    record(api, c, "sales1")
    assert seen == [c]

    def refuse(s, follow_up):
        raise FailedPrecondition("the pool refused", reason="pool.test_refused",
                                 message_zh="公海拒绝")

    monkeypatch.setattr(hooks, "ON_RECORDED", [touch, refuse])
    assert reason_of(lambda: record(api, c, "sales1")) == (
        grpc.StatusCode.FAILED_PRECONDITION, "pool.test_refused")
    assert len(seen) == 2  # the first hook ran, then the second refused
    with api.db.session() as s:  # nothing of the failed recording was kept
        assert s.scalar(select(func.count()).select_from(m.FollowUp).where(
            m.FollowUp.customer_id == c)) == 1
    assert len(events_of(api.db, RECORDED, subject=c)) == 1


def test_validation(api):
    c = customer_of(api, "sales1")
    cases = [
        ({"type_": "fax"}, "invalid.type"),
        ({"type_": "Call"}, "invalid.type"),
        ({"content": ""}, "invalid.content"),
        ({"content": "x" * 2001}, "invalid.content"),
        ({"at": now() + dt.timedelta(hours=1)}, "invalid.occurred_at"),
        ({"outcome": "a\x07b"}, "invalid.outcome"),
    ]
    for kwargs, reason in cases:
        assert reason_of(lambda k=kwargs: record(api, c, "sales1", **k)) == (
            grpc.StatusCode.INVALID_ARGUMENT, reason), kwargs


def test_custom_types_defined_by_admins(api):
    c = customer_of(api, "sales1")
    define = pb.DefineFollowUpTypeRequest(code="wechat_call", name="微信语音", active=True)
    assert reason_of(lambda: api.follow_ups.DefineFollowUpType(define, metadata=as_("sales1"))
                     ) == (grpc.StatusCode.PERMISSION_DENIED, "follow_up_type.admin_only")
    assert reason_of(lambda: record(api, c, "sales1", type_="wechat_call")) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.type")
    defined = api.follow_ups.DefineFollowUpType(define, metadata=as_("admin")).type
    assert (defined.code, defined.name, defined.built_in, defined.active) == (
        "wechat_call", "微信语音", False, True)
    assert record(api, c, "sales1", type_="wechat_call").type == "wechat_call"
    codes = [t.code for t in api.follow_ups.ListFollowUpTypes(
        pb.ListFollowUpTypesRequest(), metadata=as_("sales1")).types]
    assert codes == ["call", "visit", "message", "email", "pre_class_talk", "in_class_record",
                     "wechat_call"]
    api.follow_ups.DefineFollowUpType(pb.DefineFollowUpTypeRequest(
        code="wechat_call", name="微信语音", active=False), metadata=as_("admin"))
    assert reason_of(lambda: record(api, c, "sales1", type_="wechat_call")) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.type")
    assert reason_of(lambda: api.follow_ups.DefineFollowUpType(pb.DefineFollowUpTypeRequest(
        code="call", name="x", active=True), metadata=as_("admin"))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.code")


def test_idempotent_recording(api):
    c = customer_of(api, "sales1")
    request = pb.RecordFollowUpRequest(customer_id=c, follow_up=pb.FollowUpFields(
        type="call", content="同一次电话"))
    meta = (*as_("sales1"), ("idempotency-key", "fu-key-1"))
    first = api.follow_ups.RecordFollowUp(request, metadata=meta).follow_up
    again = api.follow_ups.RecordFollowUp(request, metadata=meta).follow_up
    assert again.id == first.id
    assert len(events_of(api.db, RECORDED, subject=c)) == 1


def test_a_branch_desk_service_account_works_over_grpc(api):
    """A branch's desk (service account, department scope) records and plans like a user."""
    desk = TOKENS.metadata("bj-campus-desk", "branch_integration", scope="department",
                           dept=BJ_SALES, region=NORTH)
    c = customer_of(api, "sales1")
    f = api.follow_ups.RecordFollowUp(pb.RecordFollowUpRequest(
        customer_id=c, follow_up=pb.FollowUpFields(type="in_class_record",
                                                   content="课堂签到后沟通")),
        metadata=desk).follow_up
    assert (f.recorded_by.user_id, f.type) == ("bj-campus-desk", "in_class_record")
    plan = api.follow_ups.CreateFollowUpPlan(pb.CreateFollowUpPlanRequest(
        customer_id=c, due_at=ts(now() + dt.timedelta(hours=1)), type="pre_class_talk"),
        metadata=desk).plan
    assert plan.owner.user_id == "bj-campus-desk"
    south_desk = TOKENS.metadata("gz-campus-desk", "branch_integration", scope="department",
                                 dept=GZ_SALES, region=SOUTH)
    assert reason_of(lambda: api.follow_ups.ListFollowUps(
        pb.ListFollowUpsRequest(customer_id=c), metadata=south_desk)) == (
        grpc.StatusCode.NOT_FOUND, "customer.not_found")
