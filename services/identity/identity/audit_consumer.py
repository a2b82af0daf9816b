"""Storing the gateway's audit records (`crm.gateway.audit.recorded.v1`) exactly once.

Plain code (no nameko): the worker's entrypoint only calls `apply_gateway_audit`.
"""
from __future__ import annotations

from kit.db import Database
from kit.events import Envelope, claim_event
from sqlalchemy import select

from .audit import store_gateway_record
from .models import AuditEvent

AUDIT_RECORDED = "crm.gateway.audit.recorded.v1"
CONSUMER = "identity.record_audit_event"


def apply_gateway_audit(db: Database, event: Envelope, consumer: str | None = None) -> bool:
    """Store the record; False when this event (or this record id) was already stored."""
    with db.session() as s:
        if not claim_event(s, event, consumer):
            return False  # redelivery: the inbox says it is done
        if s.scalar(select(AuditEvent.seq).where(AuditEvent.id == str(event.data["id"]))):
            return False  # the gateway re-sent the same record under a new event id
        store_gateway_record(s, event.data)
        return True
