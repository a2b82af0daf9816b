"""The audit log (stored by identity), for callers with the audit.read right."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from contracts.identity import identity_pb2
from fastapi import APIRouter, Query
from google.protobuf.timestamp_pb2 import Timestamp

from ..auth import require_right
from ..runtime import forward_metadata
from ..schemas import ID_PATTERN, AuditEventOut, Page, Text, audit_event_json, page
from .deps import Auth, Ctx, Runtime

router = APIRouter(prefix="/v1", tags=["audit"])


def _timestamp(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(dt.UTC))
    return ts


@router.get("/audit-events", name="audit_events.list", response_model=Page[AuditEventOut])
async def list_audit_events(
    auth: Auth, ctx: Ctx, rt: Runtime,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[Text | None, Query(max_length=512)] = None,
    user: Annotated[str | None, Query(pattern=ID_PATTERN, description="Actor user id")] = None,
    action: Annotated[Text | None, Query(max_length=100)] = None,
    target_type: Annotated[Text | None, Query(max_length=50)] = None,
    target_id: Annotated[Text | None, Query(max_length=100)] = None,
    outcome: Literal["allowed", "denied", "failed", "pending"] | None = None,
    correlation_id: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._:\-]{1,128}$")] = None,
    phase: Literal["request", "intent", "outcome"] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> dict:
    require_right(auth, "audit.read")
    ctx.target("audit_event")
    request = identity_pb2.ListAuditEventsRequest(
        page_size=limit, page_token=cursor or "", actor_user_id=user or "",
        action=action or "", target_type=target_type or "", target_id=target_id or "",
        outcome=outcome or "", correlation_id=correlation_id or "", phase=phase or "",
        since=_timestamp(since), until=_timestamp(until))
    response = await rt.identity.call("ListAuditEvents", request, forward_metadata(ctx, auth))
    return page([audit_event_json(e) for e in response.audit_events], response.next_page_token)
