"""When two customer records merge (customers.records.merge), the merged record's follow-ups
and plans belong to the survivor: one call in the merge's transaction,
`customer_merge.move_to_survivor(s, survivor.id, merged.id)`; returns how many rows moved."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..models import FollowUp, FollowUpPlan


def move_to_survivor(s: Session, survivor_id: str, merged_id: str) -> int:
    moved = 0
    for model in (FollowUp, FollowUpPlan):
        moved += s.execute(update(model).where(model.customer_id == merged_id)
                           .values(customer_id=survivor_id)
                           .execution_options(synchronize_session=False)).rowcount
    return moved
