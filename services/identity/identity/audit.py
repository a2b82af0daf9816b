"""The audit log (操作日志): append-only records of who did what, to what, when, from where,
with what outcome. Identity writes its own; the worker stores the gateway's."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from kit.bulk_insert import insert_rows
from kit.caller import Caller, correlation_id
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from . import pagination
from .models import AuditEvent, utcnow

ALLOWED, DENIED, FAILED = "allowed", "denied", "failed"


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a request came from, for the audit record."""

    method: str = ""            # the gRPC method
    client_address: str | None = None
    user_agent: str | None = None


def record(session: Session, *, action: str, outcome: str, actor: Caller | None = None,
           actor_user_id: str | None = None, actor_username: str | None = None,
           target_type: str | None = None, target_id: str | None = None,
           origin: Origin = Origin(), status_code: int = 0,
           detail: Mapping[str, Any] | None = None) -> AuditEvent:
    """Add one identity-sourced record to the session (commits with the change it audits)."""
    event = AuditEvent(
        id=str(uuid.uuid4()), occurred_at=utcnow(),
        actor_user_id=actor.user_id if actor else actor_user_id,
        actor_username=actor.username if actor else actor_username,
        action=action, method="grpc", path=origin.method, target_type=target_type,
        target_id=target_id, outcome=outcome, status_code=status_code,
        client_address=origin.client_address, user_agent=(origin.user_agent or None),
        correlation_id=correlation_id.get(), detail=dict(detail or {}), source="identity",
    )
    session.add(event)
    return event


def _parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def gateway_record_values(data: Mapping[str, Any], recorded_at: dt.datetime | None = None
                          ) -> dict[str, Any]:
    """A `crm.gateway.audit.recorded.v1` payload as the column values of its row."""
    values = dict(
        id=str(data["id"]), occurred_at=_parse_time(data["occurred_at"]),
        actor_user_id=data.get("actor_user_id"), actor_username=data.get("actor_username"),
        action=data["action"], method=data.get("method", ""), path=data.get("path", "")[:300],
        target_type=data.get("target_type"), target_id=data.get("target_id"),
        outcome=data["outcome"], status_code=int(data.get("status_code", 0)),
        client_address=data.get("client_address"),
        user_agent=(data.get("user_agent") or "")[:300] or None,
        correlation_id=data.get("correlation_id"), detail=dict(data.get("detail") or {}),
        source=data.get("source", "gateway"), phase=data.get("phase") or "request",
        recorded_at=recorded_at or utcnow(),
    )
    if data.get("intent_id"):  # an outcome names its intent
        values["detail"]["intent_id"] = str(data["intent_id"])
    return values


def store_gateway_records(session: Session, records: list[Mapping[str, Any]]) -> int:
    """Insert gateway records in one statement (kit.bulk_insert), skipping record ids already
    stored (the gateway may re-send a record under a new event id); returns how many were
    new. The caller's inbox claim makes each event once-only."""
    values: dict[str, dict[str, Any]] = {}
    recorded_at = utcnow()
    for data in records:
        row = gateway_record_values(data, recorded_at)
        values.setdefault(row["id"], row)
    return len(insert_rows(session, AuditEvent.__table__, list(values.values()),
                           conflict_columns=("id",), returning="id"))


@dataclasses.dataclass(frozen=True)
class AuditQuery:
    actor_user_id: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    outcome: str = ""
    correlation_id: str = ""
    phase: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def list_events(session: Session, query: AuditQuery, size: int, token: str
                ) -> tuple[list[AuditEvent], str]:
    """Newest first; keyset on (occurred_at, seq) so inserts never shift pages."""
    stmt = select(AuditEvent)
    for column, value in ((AuditEvent.actor_user_id, query.actor_user_id),
                          (AuditEvent.action, query.action),
                          (AuditEvent.target_type, query.target_type),
                          (AuditEvent.target_id, query.target_id),
                          (AuditEvent.outcome, query.outcome),
                          (AuditEvent.correlation_id, query.correlation_id),
                          (AuditEvent.phase, query.phase)):
        if value:
            stmt = stmt.where(column == value)
    if query.since:
        stmt = stmt.where(AuditEvent.occurred_at >= query.since)
    if query.until:
        stmt = stmt.where(AuditEvent.occurred_at < query.until)
    cursor = pagination.decode(token, 2)
    if cursor:
        at, seq = _parse_time(cursor[0]), int(cursor[1])
        stmt = stmt.where(or_(AuditEvent.occurred_at < at,
                              and_(AuditEvent.occurred_at == at, AuditEvent.seq < seq)))
    size = pagination.page_size(size)
    rows = list(session.scalars(
        stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.seq.desc()).limit(size + 1)))
    next_token = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_token = pagination.encode([_as_utc(last.occurred_at).isoformat(), last.seq])
    return rows, next_token


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
