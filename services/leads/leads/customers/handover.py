"""The customers area's handover step: a leaver's customers go to the successor (owner
changed, reason `handover`, history and event per customer), and the leaver's waiting claims
are rejected."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..handover import STEPS, Handover
from ..models import Claim, Customer
from . import claims
from .records import OwnerPlacement


def move_customers(s: Session, h: Handover) -> int:
    moved = 0
    for c in s.scalars(select(Customer).where(Customer.owner_id == h.leaver_id)
                       .order_by(Customer.id)):
        owner = OwnerPlacement(
            h.successor_id, h.successor_name,
            h.successor_department_id if h.successor_known else c.owner_department_id,
            h.successor_region_id if h.successor_known else c.owner_region_id)
        # the protection carries over: the successor continues the leaver's work
        claims.set_owner(s, c, owner, reason="handover", actor=h.actor,
                         protected_until=c.protected_until if h.successor_id else None,
                         now=h.at)
        moved += 1
    for row in s.scalars(select(Claim).where(Claim.claimant_id == h.leaver_id,
                                             Claim.status == claims.REQUESTED)):
        claims._decide(s, row, claims.REJECTED, h.actor, "the claimant left", h.at)
    return moved


STEPS.append(("customers", move_customers))
