"""The network area's handover step: a leaver's unresolved service requests go to the
successor (first-responder ownership passes on, recorded as a transfer by the handover), and
the channels they managed get the successor as their manager (the channel keeps its region
and department)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..handover import STEPS, Handover
from ..models.network import Channel, ServiceRequest, ServiceRequestHistory
from . import events
from . import service_request_rules as rules


def move_network(s: Session, h: Handover) -> int:
    if h.successor_id is None:   # nobody to give them to: they stay (visible to managers)
        return 0
    moved = 0
    for row in s.scalars(select(ServiceRequest).where(
            ServiceRequest.owner_id == h.leaver_id,
            ServiceRequest.status.in_(rules.UNRESOLVED)).order_by(ServiceRequest.id)):
        row.owner_id, row.owner_name = h.successor_id, h.successor_name
        if h.successor_known:
            row.owner_department_id = h.successor_department_id
            row.owner_region_id = h.successor_region_id
        row.updated_at = h.at
        row.version += 1
        s.add(ServiceRequestHistory(request_id=row.id, action="transfer", actor_id=h.actor,
                                    detail={"from_owner": h.leaver_id,
                                            "to_owner": h.successor_id, "reason": "handover"},
                                    at=h.at))
        events.service_request_changed(s, row, "transfer", h.actor)
        moved += 1
    for channel in s.scalars(select(Channel).where(Channel.owner_id == h.leaver_id)
                             .order_by(Channel.id)):
        channel.owner_id, channel.owner_name = h.successor_id, h.successor_name
        channel.updated_at = h.at
        channel.version += 1
        events.channel_updated(s, channel, ["owner_id", "owner_name"], h.actor)
        moved += 1
    return moved


STEPS.append(("network", move_network))
