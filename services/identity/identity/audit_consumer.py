"""Storing the gateway's audit records (`crm.gateway.audit.recorded.v1`) exactly once.

The gateway sends the records of concurrent requests as one batched message; the worker
stores a whole message in one transaction: one multi-row inbox claim, one multi-row INSERT of
the records. A redelivery claims nothing and stores nothing; a record the gateway re-sent
under a new event id is skipped by its record id.

Plain code (no nameko): the worker's entrypoint only calls `apply_gateway_audit_batch`.
"""
from __future__ import annotations

from kit.db import Database
from kit.events import Envelope, claim_events

from .audit import store_gateway_records

AUDIT_RECORDED = "crm.gateway.audit.recorded.v1"
CONSUMER = "identity.record_audit_event"


def apply_gateway_audit_batch(db: Database, events: list[Envelope],
                              consumer: str | None = None) -> int:
    """Store the records of `events` (one delivery); returns how many rows were new."""
    with db.session() as s:
        fresh = claim_events(s, events, consumer)
        if not fresh:
            return 0  # redelivery: the inbox says it is done
        return store_gateway_records(s, [e.data for e in events if e.id in fresh])


def apply_gateway_audit(db: Database, event: Envelope, consumer: str | None = None) -> bool:
    """Store one record; False when this event (or this record id) was already stored."""
    return apply_gateway_audit_batch(db, [event], consumer) == 1
