"""The follow-ups area's handover step: a leaver's open plans go to the successor (placed
where the successor sits when leads knows them, else where the plan was), each with a
history row and a `delegated` event (reason `handover`). With nobody to take them, the plans
stay open without an owner (their customer's people still see them)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..customers.records import OwnerPlacement
from ..handover import STEPS, Handover
from ..models import FollowUpPlan
from . import events, plans, rules


def move_plans(s: Session, h: Handover) -> int:
    moved = 0
    for p in s.scalars(select(FollowUpPlan).where(FollowUpPlan.owner_id == h.leaver_id,
                                                  FollowUpPlan.status == rules.OPEN)
                       .order_by(FollowUpPlan.id).with_for_update()):
        owner = OwnerPlacement(
            h.successor_id, h.successor_name if h.successor_id else "",
            h.successor_department_id if h.successor_known else p.owner_department_id,
            h.successor_region_id if h.successor_known else p.owner_region_id)
        plans._set_owner(p, owner)
        p.updated_at = h.at
        p.version += 1
        plans.history(s, p.id, "handed_over", h.actor, h.at, previous_owner_id=h.leaver_id,
                      owner_id=h.successor_id)
        events.plan_delegated(s, p, h.leaver_id, "handover", h.actor, h.at)
        moved += 1
    return moved


STEPS.append(("follow_up_plans", move_plans))
