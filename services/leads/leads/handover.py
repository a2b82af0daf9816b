"""Handover (移交): when identity says a user left, their work goes to the successor the
event names, or else to the manager of their department (leads' staff read model), in one
transaction with the event's inbox claim (a redelivery changes nothing).

Every area that holds work per user adds a step: `STEPS.append(("plans", move_plans))`, a
function `(session, Handover) -> int` (how many items it moved) that records its own history
and events. The customers area's step is customers.handover.move_customers.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable

from contracts.events import queue_name
from kit.db import Database
from kit.events import Envelope, claim_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import StaffMember, utcnow

log = logging.getLogger(__name__)
ACTOR = "system:handover"
MANAGER_ROLE = "department_manager"


@dataclasses.dataclass(frozen=True)
class Handover:
    leaver_id: str
    successor_id: str | None          # None: nobody named and no manager known
    successor_name: str
    # where the successor sits; None when leads does not know them (then each item keeps the
    # department and region it had)
    successor_department_id: str | None
    successor_region_id: str | None
    successor_known: bool
    at: dt.datetime
    actor: str = ACTOR


# the inbox consumers: the worker's queues (contracts.events.leads)
STAFF_CONSUMER = queue_name("leads", "record_staff_member")
HANDOVER_CONSUMER = queue_name("leads", "hand_over")

HandoverStep = Callable[[Session, Handover], int]
STEPS: list[tuple[str, HandoverStep]] = []


def record_staff_member(db: Database, event: Envelope) -> None:
    """crm.identity.user.created.v1 → the staff read model."""
    data = event.data
    with db.session() as s:
        if not claim_event(s, event, STAFF_CONSUMER):
            return
        row = s.get(StaffMember, data["user_id"]) or StaffMember(user_id=data["user_id"])
        row.username = data.get("username", "")
        row.roles = list(data.get("roles") or [])
        row.department_id = data.get("department_id")
        row.region_id = data.get("region_id")
        row.updated_at = utcnow()
        s.add(row)


def successor_of(s: Session, leaver_id: str, named: str | None) -> StaffMember | str | None:
    """The named successor (a StaffMember when known, else their bare id), or the manager of
    the leaver's department."""
    if named:
        return s.get(StaffMember, named) or named
    leaver = s.get(StaffMember, leaver_id)
    if leaver is None or not leaver.department_id:
        return None
    managers = s.scalars(select(StaffMember).where(
        StaffMember.department_id == leaver.department_id, StaffMember.left.is_(False),
        StaffMember.user_id != leaver_id).order_by(StaffMember.user_id))
    return next((m for m in managers if MANAGER_ROLE in (m.roles or [])), None)


def hand_over(db: Database, event: Envelope) -> dict[str, int]:
    """crm.identity.user.left.v1 → every step moves the leaver's work; returns the counts."""
    data = event.data
    leaver_id = data["user_id"]
    with db.session() as s:
        if not claim_event(s, event, HANDOVER_CONSUMER):
            return {}
        leaver = s.get(StaffMember, leaver_id)
        if leaver is not None:
            leaver.left = True
        successor = successor_of(s, leaver_id, data.get("successor_user_id"))
        if isinstance(successor, StaffMember):
            handover = Handover(leaver_id, successor.user_id, successor.username,
                                successor.department_id, successor.region_id, True, utcnow())
        else:
            handover = Handover(leaver_id, successor, "", None, None, False, utcnow())
        counts = {name: step(s, handover) for name, step in STEPS}
        log.info("handover of %s to %s: %s", leaver_id, handover.successor_id or "nobody",
                 counts)
        return counts
