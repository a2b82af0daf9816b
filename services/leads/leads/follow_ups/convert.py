"""Rows → protobuf messages of crm.leads.v1 (follow_ups.proto)."""
from __future__ import annotations

import datetime as dt

from contracts.leads import follow_ups_pb2 as pb

from ..customers.convert import timestamp
from ..models import FollowUp, FollowUpPlan
from . import rules
from .records import TypeView


def follow_up(f: FollowUp) -> pb.FollowUp:
    return pb.FollowUp(
        id=f.id, customer_id=f.customer_id, type=f.type, occurred_at=timestamp(f.occurred_at),
        content=f.content, outcome=f.outcome, next_step=f.next_step,
        recorded_by=pb.Person(user_id=f.recorded_by_id, name=f.recorded_by_name,
                              department_id=f.recorder_department_id or "",
                              region_id=f.recorder_region_id or ""),
        plan_id=f.plan_id or "", recorded_at=timestamp(f.recorded_at))


def plan(p: FollowUpPlan, now: dt.datetime) -> pb.FollowUpPlan:
    return pb.FollowUpPlan(
        id=p.id, customer_id=p.customer_id,
        owner=pb.Person(user_id=p.owner_id or "", name=p.owner_name,
                        department_id=p.owner_department_id or "",
                        region_id=p.owner_region_id or ""),
        type=p.type, due_at=timestamp(p.due_at), note=p.note, status=p.status,
        requesters=[pb.Requester(user_id=r.get("user_id", ""), plan_id=r.get("plan_id", ""),
                                 note=r.get("note", "")) for r in (p.requesters or [])],
        created_by=p.created_by, created_at=timestamp(p.created_at),
        updated_at=timestamp(p.updated_at), completed_at=timestamp(p.completed_at),
        follow_up_id=p.follow_up_id or "", cancelled_reason=p.cancelled_reason,
        merged_into_id=p.merged_into_id or "", overdue=rules.overdue(p.status, p.due_at, now),
        version=p.version)


def follow_up_type(t: TypeView) -> pb.FollowUpType:
    return pb.FollowUpType(code=t.code, name=t.name, built_in=t.built_in, active=t.active)


def time_of(message, field: str) -> dt.datetime | None:
    """An optional Timestamp field as an aware datetime (None when unset)."""
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=dt.UTC)
