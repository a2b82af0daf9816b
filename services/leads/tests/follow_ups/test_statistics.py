"""Plan versus result per person and day (SQLite and PostgreSQL), with its scope: a manager
sees their department's people, a director their region's, sales themselves."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import grpc
import pytest
from contracts.leads import follow_ups_pb2 as pb
from kit import grpc_errors
from leads import models as m
from leads.settings import LeadsSettings

from ..support import as_, error_of
from .support import customer_of, now, plan_on, running, set_due, ts

ZONE = ZoneInfo(LeadsSettings().follow_up_time_zone)


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as a:
        yield a


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), ZONE)


def stats(api, user, **kwargs) -> list[tuple]:
    rows = api.follow_ups.GetPlanStatistics(pb.GetPlanStatisticsRequest(**kwargs),
                                            metadata=as_(user)).rows
    return [(r.user_id, r.date, r.planned, r.completed, r.overdue, r.follow_ups) for r in rows]


def record_on(api, customer_id, user, when):
    api.follow_ups.RecordFollowUp(pb.RecordFollowUpRequest(
        customer_id=customer_id, follow_up=pb.FollowUpFields(type="call", content="通话",
                                                             occurred_at=ts(when))),
        metadata=as_(user))


@pytest.fixture(scope="module")
def seeded(api):
    """Two days ago (D): sales1 planned 3 (one completed late, one still open, one cancelled)
    and recorded 2 follow-ups; sales2 planned 1 for tomorrow and completed it in time;
    sales3 (south) planned 1 on D."""
    today = now().astimezone(ZONE).date()
    d = today - dt.timedelta(days=2)
    c1, c2, c3 = (customer_of(api, u) for u in ("sales1", "sales2", "sales3"))
    late = plan_on(api, c1, "sales1").plan.id
    set_due(api.db, late, local(d, 10))
    api.follow_ups.CompleteFollowUpPlan(pb.CompleteFollowUpPlanRequest(
        plan_id=late, follow_up=pb.FollowUpFields(content="晚了两天")), metadata=as_("sales1"))
    still_open = plan_on(api, c1, "sales1").plan.id
    set_due(api.db, still_open, local(d, 11))
    cancelled = plan_on(api, c1, "sales1").plan.id
    set_due(api.db, cancelled, local(d, 12))
    api.follow_ups.CancelFollowUpPlan(pb.CancelFollowUpPlanRequest(plan_id=cancelled),
                                      metadata=as_("sales1"))
    record_on(api, c1, "sales1", local(d, 15))
    record_on(api, c1, "sales1", local(d, 16))
    in_time = plan_on(api, c2, "sales2").plan.id
    set_due(api.db, in_time, local(today + dt.timedelta(days=1), 9))
    api.follow_ups.CompleteFollowUpPlan(pb.CompleteFollowUpPlanRequest(
        plan_id=in_time, follow_up=pb.FollowUpFields(content="提前打了")), metadata=as_("sales2"))
    south = plan_on(api, c3, "sales3").plan.id
    set_due(api.db, south, local(d, 10))
    with api.db.session() as s:  # the completion of the late plan counts as today's contact
        assert s.get(m.FollowUpPlan, late).status == "completed"
    return d, today


def test_a_manager_sees_the_department_per_person_and_day(api, seeded):
    d, today = seeded
    tomorrow = today + dt.timedelta(days=1)
    period = {"from_date": d.isoformat(), "to_date": tomorrow.isoformat()}
    sales1 = [("sales1", d.isoformat(), 2, 1, 2, 2),
              ("sales1", today.isoformat(), 0, 0, 0, 1)]
    sales2 = [("sales2", today.isoformat(), 0, 0, 0, 1),
              ("sales2", tomorrow.isoformat(), 1, 1, 0, 0)]
    expected = sorted(sales1 + sales2, key=lambda r: (r[1], r[0]))
    assert stats(api, "manager1", **period) == expected
    assert stats(api, "director1", **period) == expected
    assert stats(api, "sales1", **period) == sales1
    assert stats(api, "sales2", **period) == sales2
    assert stats(api, "director2", **period) == [("sales3", d.isoformat(), 1, 0, 1, 0)]
    assert stats(api, "manager1", user_id="sales2", **period) == sales2
    assert stats(api, "admin", department_id="dep-gz-sales", **period) == [
        ("sales3", d.isoformat(), 1, 0, 1, 0)]
    # a salesperson asking for a colleague gets nothing of theirs
    assert stats(api, "sales1", user_id="sales2", **period) == []
    # only the days asked for
    assert stats(api, "sales1", from_date=today.isoformat(), to_date=today.isoformat()) == [
        ("sales1", today.isoformat(), 0, 0, 0, 1)]


def test_period_validation(api):
    for kwargs, reason in (({"from_date": "2026-13-01"}, "invalid.from"),
                           ({"from_date": "2026-03-02", "to_date": "2026-03-01"}, "invalid.to"),
                           ({"from_date": "2026-01-01", "to_date": "2026-06-01"}, "invalid.to")):
        info = grpc_errors.error_info(error_of(lambda k=kwargs: stats(api, "manager1", **k)))
        assert (info.code, info.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)
