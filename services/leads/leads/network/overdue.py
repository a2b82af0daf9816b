"""The overdue timer's work (worker): each unresolved service request whose due time passed
is announced once (crm.leads.service_request.overdue.v1, for notify to remind its owner and
their manager), in the transaction that marks it announced. The mark is a conditional
UPDATE, so two workers running the timer announce a request once; a reopened request has a
new due time, announced again if that passes too."""
from __future__ import annotations

import datetime as dt

from kit.db import Database
from sqlalchemy import or_, select, update

from ..models import utcnow
from ..models.network import ServiceRequest
from . import events
from . import service_request_rules as rules

BATCH = 200


def _not_announced():
    return or_(ServiceRequest.overdue_announced_for.is_(None),
               ServiceRequest.overdue_announced_for != ServiceRequest.due_at)


def announce_overdue(db: Database, *, now: dt.datetime | None = None) -> int:
    """Announce the requests that became overdue; returns how many."""
    now = now or utcnow()
    announced = 0
    while True:
        with db.session() as s:
            ids = list(s.scalars(select(ServiceRequest.id).where(
                ServiceRequest.status.in_(rules.UNRESOLVED), ServiceRequest.due_at < now,
                _not_announced()).order_by(ServiceRequest.due_at, ServiceRequest.id)
                .limit(BATCH)))
        if not ids:
            return announced
        for request_id in ids:
            with db.session() as s:
                claimed = s.execute(update(ServiceRequest).where(
                    ServiceRequest.id == request_id, _not_announced(),
                    ServiceRequest.status.in_(rules.UNRESOLVED), ServiceRequest.due_at < now)
                    .values(overdue_announced_for=ServiceRequest.due_at)
                    .execution_options(synchronize_session=False)).rowcount
                if claimed:
                    events.service_request_overdue(s, s.get(ServiceRequest, request_id), now)
                    announced += 1
        if len(ids) < BATCH:
            return announced
