"""The events the follow-ups area writes through kit's outbox (types in
contracts.events.leads), in the transaction of the change. Ids, types and times only."""
from __future__ import annotations

import datetime as dt

from kit.events import add_event
from sqlalchemy.orm import Session

from ..customers.events import iso
from ..models import FollowUp, FollowUpPlan

FOLLOW_UP_RECORDED = "crm.leads.follow_up.recorded.v1"
PLAN_CREATED = "crm.leads.follow_up_plan.created.v1"
PLAN_DUE = "crm.leads.follow_up_plan.due.v1"
PLAN_COMPLETED = "crm.leads.follow_up_plan.completed.v1"
PLAN_DELEGATED = "crm.leads.follow_up_plan.delegated.v1"
PLAN_CANCELLED = "crm.leads.follow_up_plan.cancelled.v1"
PLAN_MERGED = "crm.leads.follow_up_plan.merged.v1"


def follow_up_recorded(s: Session, f: FollowUp) -> None:
    add_event(s, FOLLOW_UP_RECORDED, f.customer_id, {
        "follow_up_id": f.id, "customer_id": f.customer_id, "type": f.type,
        "occurred_at": iso(f.occurred_at), "recorded_by": f.recorded_by_id,
        "recorder_department_id": f.recorder_department_id,
        "recorder_region_id": f.recorder_region_id, "plan_id": f.plan_id,
        "recorded_at": iso(f.recorded_at)})


def _plan(p: FollowUpPlan) -> dict:
    return {"plan_id": p.id, "customer_id": p.customer_id, "owner_id": p.owner_id,
            "owner_department_id": p.owner_department_id,
            "owner_region_id": p.owner_region_id, "type": p.type, "due_at": iso(p.due_at)}


def plan_created(s: Session, p: FollowUpPlan) -> None:
    add_event(s, PLAN_CREATED, p.customer_id, {
        **_plan(p), "created_by": p.created_by, "created_at": iso(p.created_at)})


def plan_due(s: Session, p: FollowUpPlan, at: dt.datetime) -> None:
    add_event(s, PLAN_DUE, p.customer_id, {**_plan(p), "noticed_at": iso(at)})


def plan_completed(s: Session, p: FollowUpPlan, by: str) -> None:
    add_event(s, PLAN_COMPLETED, p.customer_id, {
        **_plan(p), "follow_up_id": p.follow_up_id, "completed_by": by,
        "completed_at": iso(p.completed_at)})


def plan_delegated(s: Session, p: FollowUpPlan, previous_owner_id: str | None, reason: str,
                   by: str, at: dt.datetime) -> None:
    add_event(s, PLAN_DELEGATED, p.customer_id, {
        **_plan(p), "previous_owner_id": previous_owner_id, "reason": reason,
        "changed_by": by, "changed_at": iso(at)})


def plan_cancelled(s: Session, p: FollowUpPlan, by: str, at: dt.datetime) -> None:
    add_event(s, PLAN_CANCELLED, p.customer_id, {
        **_plan(p), "cancelled_by": by, "cancelled_at": iso(at)})


def plan_merged(s: Session, p: FollowUpPlan, merged_ids: list[str], by: str,
                at: dt.datetime) -> None:
    add_event(s, PLAN_MERGED, p.customer_id, {
        **_plan(p), "merged_plan_ids": merged_ids, "merged_by": by, "merged_at": iso(at)})
