"""Plan versus result per person and day, for managers (and each person for themselves):
planned, completed, overdue, and follow-ups recorded. Scoped like everything else: the plans
and follow-ups counted are those whose person (plan owner / recorder) the caller's data scope
covers (a manager their department, a director their region, sales themselves).

A plan counts on the day it is due (in the statistics' time zone) unless cancelled or merged;
`completed` are those of them completed, `overdue` those not completed by their due time
(still open past it, or completed late). Follow-ups count on the day they happened.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from kit import data_scope
from kit.caller import Caller
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FollowUp, FollowUpPlan
from . import rules, scope

RECORDER = data_scope.ScopeColumns(owner=FollowUp.recorded_by_id,
                                   department=FollowUp.recorder_department_id,
                                   region=FollowUp.recorder_region_id)


@dataclasses.dataclass
class Row:
    user_id: str
    user_name: str
    date: dt.date
    planned: int = 0
    completed: int = 0
    overdue: int = 0
    follow_ups: int = 0


def _bounds(first: dt.date, last: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return start, end


def per_person_day(s: Session, caller: Caller, *, from_date: str, to_date: str,
                   user_id: str = "", department_id: str = "", time_zone: str,
                   now: dt.datetime) -> list[Row]:
    zone = ZoneInfo(time_zone)
    first, last = rules.check_period(from_date, to_date, now.astimezone(zone).date())
    start, end = _bounds(first, last, zone)
    rows: dict[tuple[str, dt.date], Row] = {}
    names: dict[str, str] = collections.defaultdict(str)

    def row(user: str, name: str, when: dt.datetime) -> Row:
        day = rules.aware(when).astimezone(zone).date()
        names[user] = names[user] or name
        return rows.setdefault((user, day), Row(user, "", day))

    plans = select(FollowUpPlan.owner_id, FollowUpPlan.owner_name, FollowUpPlan.due_at,
                   FollowUpPlan.status, FollowUpPlan.completed_at).where(
        data_scope.where(caller, scope.PLAN_OWNER), FollowUpPlan.owner_id.is_not(None),
        FollowUpPlan.due_at >= start, FollowUpPlan.due_at < end,
        FollowUpPlan.status.in_((rules.OPEN, rules.COMPLETED)))
    contacts = select(FollowUp.recorded_by_id, FollowUp.recorded_by_name,
                      FollowUp.occurred_at).where(
        data_scope.where(caller, RECORDER), FollowUp.occurred_at >= start,
        FollowUp.occurred_at < end)
    if user_id:
        plans = plans.where(FollowUpPlan.owner_id == user_id)
        contacts = contacts.where(FollowUp.recorded_by_id == user_id)
    if department_id:
        plans = plans.where(FollowUpPlan.owner_department_id == department_id)
        contacts = contacts.where(FollowUp.recorder_department_id == department_id)
    for owner, name, due_at, status, completed_at in s.execute(plans):
        r = row(owner, name, due_at)
        r.planned += 1
        r.completed += status == rules.COMPLETED
        r.overdue += rules.completed_late(status, due_at, completed_at, now)
    for recorder, name, occurred_at in s.execute(contacts):
        row(recorder, name, occurred_at).follow_ups += 1
    for r in rows.values():
        r.user_name = names[r.user_id]
    return sorted(rows.values(), key=lambda r: (r.date, r.user_id))
