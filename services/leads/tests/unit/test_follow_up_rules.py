"""The follow-ups area's pure rules: texts, contact and due times, overdue, statistics
periods, plan visibility and who may change a plan (kit.data_scope through the owner), and
who counts as a teammate."""
from __future__ import annotations

import datetime as dt

import pytest
from kit.caller import Caller, DataScope
from kit.errors import InvalidArgument, NotFound
from leads import models as m
from leads.follow_ups import rules, scope

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)


def caller(user, scope_=DataScope.OWN, dept="dep-a", region="reg-1", roles=("sales",)):
    return Caller(user_id=user, username=user, roles=roles, org_unit_id=dept,
                  department_id=dept, region_id=region, data_scope=scope_)


def plan(owner="u1", dept="dep-a", region="reg-1") -> m.FollowUpPlan:
    return m.FollowUpPlan(id="p1", customer_id="c1", owner_id=owner, owner_department_id=dept,
                          owner_region_id=region, type="call", due_at=NOW, status="open")


def test_texts():
    assert rules.check_text_field("content", "  打了电话 ", required=True) == "打了电话"
    assert rules.check_text_field("note", "line1\nline2") == "line1\nline2"
    for field, value in (("content", ""), ("content", "x" * 2001), ("note", "a\x00b"),
                         ("name", "a\nb")):
        with pytest.raises(InvalidArgument) as caught:
            rules.check_text_field(field, value, required=field in ("content", "name"))
        assert caught.value.reason == f"invalid.{field}"


def test_type_codes():
    assert rules.check_type_code("wechat_call") == "wechat_call"
    for bad in ("", "a", "Call", "1call", "call-me", "x" * 41):
        with pytest.raises(InvalidArgument):
            rules.check_type_code(bad)


def test_contact_and_due_times():
    assert rules.check_occurred_at(None, NOW) == NOW
    assert rules.check_occurred_at(NOW + dt.timedelta(minutes=4), NOW) == NOW + dt.timedelta(
        minutes=4)
    with pytest.raises(InvalidArgument):
        rules.check_occurred_at(NOW + dt.timedelta(minutes=6), NOW)
    with pytest.raises(InvalidArgument):
        rules.check_due_at(None, NOW)
    with pytest.raises(InvalidArgument):
        rules.check_due_at(NOW - dt.timedelta(minutes=6), NOW)
    with pytest.raises(InvalidArgument):
        rules.check_due_at(NOW + dt.timedelta(days=732), NOW)
    assert rules.check_due_at(NOW + dt.timedelta(days=1), NOW) == NOW + dt.timedelta(days=1)


def test_overdue_and_late():
    past, future = NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=1)
    assert rules.overdue("open", past, NOW) is True
    assert rules.overdue("open", future, NOW) is False
    assert rules.overdue("completed", past, NOW) is False
    assert rules.overdue("open", past.replace(tzinfo=None), NOW) is True  # SQLite's naive UTC
    assert rules.completed_late("completed", past, NOW, NOW) is True
    assert rules.completed_late("completed", future, NOW, NOW) is False
    assert rules.completed_late("cancelled", past, None, NOW) is False


def test_statistics_period():
    today = dt.date(2026, 11, 29)
    assert rules.check_period("", "", today) == (dt.date(2026, 11, 23), today)
    assert rules.check_period("2026-09-01", "2026-11-30", today) == (
        dt.date(2026, 9, 1), dt.date(2026, 11, 30))  # 91 days
    with pytest.raises(InvalidArgument):
        rules.check_period("2026-08-01", "2026-11-30", today)


@pytest.mark.parametrize(("who", "may"), [
    (caller("u1"), True),                                     # the owner
    (caller("u2"), False),                                    # a colleague (own scope)
    (caller("m1", DataScope.DEPARTMENT), True),               # the owner's manager
    (caller("m2", DataScope.DEPARTMENT, dept="dep-b"), False),  # another department's
    (caller("d1", DataScope.REGION, dept=None), True),        # the region's director
    (caller("d2", DataScope.REGION, dept=None, region="reg-2"), False),
    (caller("a1", DataScope.ALL, dept=None, region=None), True),
    (caller("x", DataScope.REGION, dept=None, region=None), False),  # no anchor: own
])
def test_who_may_change_a_plan(who, may):
    assert scope.may_change(who, plan()) is may


class FakeSession:
    """Only `get` of staff members (the read model)."""

    def __init__(self, *members: m.StaffMember) -> None:
        self.members = {s.user_id: s for s in members}

    def get(self, _model, key):
        return self.members.get(key)


def staff(user, dept, region, left=False) -> m.StaffMember:
    return m.StaffMember(user_id=user, username=user, department_id=dept, region_id=region,
                         left=left)


def test_teammates():
    s = FakeSession(staff("u2", "dep-a", "reg-1"), staff("u3", "dep-b", "reg-1"),
                    staff("u4", "dep-a", "reg-1", left=True), staff("u5", "dep-c", "reg-2"))
    me = caller("u1")
    assert scope.teammate(s, me, "").user_id == "u1"          # the caller themselves
    assert scope.teammate(s, me, "u2").department_id == "dep-a"  # same department
    for stranger in ("u3", "u4", "nobody"):                    # other dept, left, unknown
        with pytest.raises(NotFound) as caught:
            scope.teammate(s, me, stranger)
        assert caught.value.reason == "staff.not_found"
    director = caller("d1", DataScope.REGION, dept=None)
    assert scope.teammate(s, director, "u3").user_id == "u3"   # within their region
    with pytest.raises(NotFound):
        scope.teammate(s, director, "u5")                      # the other region


def test_to_do_window_ends_at_local_midnight():
    from zoneinfo import ZoneInfo

    from leads import to_do

    zone = ZoneInfo("Asia/Shanghai")
    # 17:30 UTC is 01:30 the next day in Shanghai: today there ends at 16:00 UTC next day
    window = to_do.today_window(dt.datetime(2026, 11, 29, 17, 30, tzinfo=dt.UTC), zone, 0)
    assert window.until == dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)
    assert window.limit == to_do.DEFAULT_LIMIT
    assert to_do.today_window(NOW, zone, 10_000).limit == to_do.MAX_LIMIT
    assert to_do.today_window(NOW, zone, 7).until == dt.datetime(2026, 11, 29, 16, 0,
                                                                 tzinfo=dt.UTC)
