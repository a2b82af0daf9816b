"""Marketing activities through the real api: CRUD in scope, registrations and attendance,
the conversion funnel, and revenue attributed by direct calls of the finance-facing
function (attribution.attribute_payment)."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contracts.leads import network_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp
from kit import grpc_errors
from leads.network import attribution

from ...support import NORTH, as_, error_of
from ..support import running_network


@pytest.fixture(scope="module")
def stubs(database_url):
    with running_network(database_url) as running:
        yield running


def _ts(value: dt.datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


START = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)


def _activity(stubs, who: str = "manager1", **fields) -> pb.Activity:
    values = dict(kind="open_class", name="公开课：领导力", starts_at=_ts(START),
                  ends_at=_ts(START + dt.timedelta(hours=3)), campus_id="campus-bj",
                  budget_fen=500_000)
    values.update(fields)
    return stubs.activities.CreateActivity(pb.CreateActivityRequest(
        activity=pb.ActivityFields(**values)), metadata=as_(who)).activity


def _reason(error) -> tuple:
    info = grpc_errors.error_info(error)
    return info.code, info.reason


def test_create_update_and_scope(stubs):
    a = _activity(stubs)
    assert (a.region_id, a.owner_id, a.budget_fen, a.kind) == (NORTH, "manager1", 500_000,
                                                               "open_class")
    changed = stubs.activities.UpdateActivity(pb.UpdateActivityRequest(
        activity_id=a.id, activity=pb.ActivityFields(budget_fen=800_000, kind="demo_class"),
        update_fields=["budget_fen", "kind"]), metadata=as_("manager1")).activity
    assert (changed.budget_fen, changed.kind, changed.version) == (800_000, "demo_class", 2)
    # one end of the time range checked against the stored other
    later = stubs.activities.UpdateActivity(pb.UpdateActivityRequest(
        activity_id=a.id, activity=pb.ActivityFields(ends_at=_ts(START + dt.timedelta(hours=5))),
        update_fields=["ends_at"]), metadata=as_("manager1")).activity
    assert later.ends_at.ToDatetime(tzinfo=dt.UTC) == START + dt.timedelta(hours=5)
    assert _reason(error_of(lambda: stubs.activities.UpdateActivity(pb.UpdateActivityRequest(
        activity_id=a.id, activity=pb.ActivityFields(ends_at=_ts(START - dt.timedelta(hours=1))),
        update_fields=["ends_at"]), metadata=as_("manager1")))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.ends_at")
    for who in ("director2", "sales3"):
        assert error_of(lambda w=who: stubs.activities.GetActivity(pb.GetActivityRequest(
            activity_id=a.id), metadata=as_(w))).code() == grpc.StatusCode.NOT_FOUND
    listed = stubs.activities.ListActivities(pb.ListActivitiesRequest(kind="demo_class"),
                                             metadata=as_("director1")).activities
    assert a.id in [x.id for x in listed]
    assert _reason(error_of(lambda: _activity(stubs, ends_at=_ts(START - dt.timedelta(
        hours=1))))) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.ends_at")
    assert _reason(error_of(lambda: _activity(stubs, kind="webinar"))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.kind")
    assert _reason(error_of(lambda: _activity(stubs, who="sales1"))) == (
        grpc.StatusCode.PERMISSION_DENIED, "network.write_denied")


def test_registrations_attendance_and_funnel(stubs):
    a = _activity(stubs, kind="free_trial", name="免费试听", budget_fen=300_000, capacity=4)
    people = [stubs.customer(7100 + i, owner="sales1", campaign_id=a.id) for i in range(4)]
    for cid in people:
        reg = stubs.activities.RegisterForActivity(pb.RegisterForActivityRequest(
            activity_id=a.id, customer_id=cid), metadata=as_("sales1")).registration
        assert (reg.customer_id, reg.attended) == (cid, False)
    assert _reason(error_of(lambda: stubs.activities.RegisterForActivity(
        pb.RegisterForActivityRequest(activity_id=a.id, customer_id=people[0]),
        metadata=as_("sales1")))) == (grpc.StatusCode.ALREADY_EXISTS, "registration.exists")
    late = stubs.customer(7110, owner="sales1")
    assert _reason(error_of(lambda: stubs.activities.RegisterForActivity(
        pb.RegisterForActivityRequest(activity_id=a.id, customer_id=late),
        metadata=as_("sales1")))) == (grpc.StatusCode.FAILED_PRECONDITION, "activity.full")
    for cid in people[:3]:
        marked = stubs.activities.MarkAttendance(pb.MarkAttendanceRequest(
            activity_id=a.id, customer_id=cid, attended=True), metadata=as_("sales1"))
        assert marked.registration.attended is True
    stubs.set_stage(people[0], "enrolled")
    stubs.set_stage(people[3], "enrolled")   # enrolled without attending: not the funnel's
    st = stubs.activities.GetActivityStatistics(pb.GetActivityStatisticsRequest(
        activity_id=a.id), metadata=as_("manager1")).statistics
    assert (st.registered, st.attended, st.enrolled) == (4, 3, 1)
    assert (st.attendance_rate, st.enrollment_rate) == (0.75, 0.3333)
    assert (st.budget_fen, st.cost_per_attendee_fen, st.attributed_revenue_fen) == (
        300_000, 100_000, 0)
    attended = stubs.activities.ListActivityRegistrations(pb.ListActivityRegistrationsRequest(
        activity_id=a.id, attended="true"), metadata=as_("sales1")).registrations
    assert sorted(r.customer_id for r in attended) == sorted(people[:3])
    # another seller of the department sees the activity but none of sales1's customers
    assert list(stubs.activities.ListActivityRegistrations(pb.ListActivityRegistrationsRequest(
        activity_id=a.id), metadata=as_("manager1")).registrations) != []
    # one customer's campaign history across activities
    history = stubs.activities.ListActivityRegistrations(pb.ListActivityRegistrationsRequest(
        customer_id=people[0]), metadata=as_("sales1")).registrations
    assert [(h.activity_id, h.activity_name, h.activity_kind, h.attended) for h in history] \
        == [(a.id, "免费试听", "free_trial", True)]
    assert error_of(lambda: stubs.activities.ListActivityRegistrations(
        pb.ListActivityRegistrationsRequest(customer_id=people[0]), metadata=as_("sales2"))
    ).code() == grpc.StatusCode.NOT_FOUND
    other = stubs.customer(7120, owner="sales2")
    assert error_of(lambda: stubs.activities.RegisterForActivity(pb.RegisterForActivityRequest(
        activity_id=a.id, customer_id=other), metadata=as_("sales1"))).code() == \
        grpc.StatusCode.NOT_FOUND


def test_attributed_revenue_from_payments(stubs):
    channel = stubs.channels.CreateChannel(pb.CreateChannelRequest(channel=pb.ChannelFields(
        name="渠道收入", tier="agency_channel")), metadata=as_("manager1")).channel
    a = _activity(stubs, kind="edm_campaign", name="EDM 秋季", budget_fen=100_000)
    cid = stubs.customer(7200, owner="sales1", campaign_id=a.id, source_channel_id=channel.id)
    paid = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    with stubs.db.session() as s:
        first = attribution.attribute_payment(s, payment_id="pay-1", customer_id=cid,
                                              amount_fen=1_280_000, paid_at=paid)
        assert (first.activity_id, first.channel_id, first.applied) == (a.id, channel.id, True)
    with stubs.db.session() as s:   # a redelivered payment adds nothing
        again = attribution.attribute_payment(s, payment_id="pay-1", customer_id=cid,
                                              amount_fen=1_280_000, paid_at=paid)
        assert again.applied is False
    with stubs.db.session() as s:   # a refund is a negative payment
        attribution.attribute_payment(s, payment_id="refund-1", customer_id=cid,
                                      amount_fen=-280_000, paid_at=paid)
    st = stubs.activities.GetActivityStatistics(pb.GetActivityStatisticsRequest(
        activity_id=a.id), metadata=as_("manager1")).statistics
    assert (st.attributed_revenue_fen, st.attributed_payments) == (1_000_000, 2)
    got = stubs.channels.GetChannel(pb.GetChannelRequest(channel_id=channel.id),
                                    metadata=as_("manager1")).channel
    assert (got.attributed_revenue_fen, got.customers_count) == (1_000_000, 1)
    with stubs.db.session() as s, pytest.raises(TypeError):
        attribution.attribute_payment(s, payment_id="pay-float", customer_id=cid,
                                      amount_fen=12.5, paid_at=paid)


def test_concurrent_registrations_keep_to_the_capacity(stubs):
    import threading
    a = _activity(stubs, kind="demo_class", name="演示课", capacity=2)
    people = [stubs.customer(7300 + i, owner="sales1") for i in range(5)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def register(cid: str) -> None:
        barrier.wait()
        try:
            stubs.activities.RegisterForActivity(pb.RegisterForActivityRequest(
                activity_id=a.id, customer_id=cid), metadata=as_("sales1"))
            outcomes.append("registered")
        except grpc.RpcError as error:
            outcomes.append(grpc_errors.error_info(error).reason)

    threads = [threading.Thread(target=register, args=(c,)) for c in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["activity.full"] * 3 + ["registered"] * 2
    st = stubs.activities.GetActivityStatistics(pb.GetActivityStatisticsRequest(
        activity_id=a.id), metadata=as_("manager1")).statistics
    assert st.registered == 2


def test_only_an_unused_activity_is_deleted(stubs):
    unused, used = _activity(stubs, name="误建活动"), _activity(stubs, name="已报名活动")
    stubs.activities.RegisterForActivity(pb.RegisterForActivityRequest(
        activity_id=used.id, customer_id=stubs.customer(7400)), metadata=as_("sales1"))
    assert _reason(error_of(lambda: stubs.activities.DeleteActivity(pb.DeleteActivityRequest(
        activity_id=used.id), metadata=as_("manager1")))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "activity.in_use")
    assert error_of(lambda: stubs.activities.DeleteActivity(pb.DeleteActivityRequest(
        activity_id=unused.id), metadata=as_("director2"))).code() == grpc.StatusCode.NOT_FOUND
    stubs.activities.DeleteActivity(pb.DeleteActivityRequest(activity_id=unused.id),
                                    metadata=as_("manager1"))
    assert error_of(lambda: stubs.activities.GetActivity(pb.GetActivityRequest(
        activity_id=unused.id), metadata=as_("manager1"))).code() == grpc.StatusCode.NOT_FOUND
