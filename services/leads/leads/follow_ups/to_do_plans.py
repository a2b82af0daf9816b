"""The follow-ups area's source of the to-do list: the caller's open plans due by the end of
the window (overdue ones included)."""
from __future__ import annotations

from kit.caller import Caller
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import to_do
from ..models import FollowUpPlan
from . import rules

KIND = "follow_up_plan"


def due_plans(s: Session, caller: Caller, window: to_do.Window) -> list[to_do.ToDoItem]:
    plans = s.scalars(select(FollowUpPlan).where(
        FollowUpPlan.owner_id == caller.user_id, FollowUpPlan.status == rules.OPEN,
        FollowUpPlan.due_at <= window.until)
        .order_by(FollowUpPlan.due_at, FollowUpPlan.id).limit(window.limit + 1))
    return [to_do.ToDoItem(kind=KIND, id=p.id, customer_id=p.customer_id,
                           due_at=rules.aware(p.due_at),
                           overdue=rules.overdue(p.status, p.due_at, window.now),
                           summary=f"{p.type}: {p.note}" if p.note else p.type, detail=p)
            for p in plans]


to_do.SOURCES.append(("follow_up_plans", due_plans))
