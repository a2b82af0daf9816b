"""What one request has learned about itself, for the audit record, metrics and logs.

The gateway middleware puts a RequestContext in the ASGI scope (`scope["educrm"]`); the
authentication dependency and the routes fill in who, what and which target.
"""
from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from fastapi import Request

_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def correlation_id_from(header_value: str | None) -> str:
    """Accept the caller's X-Correlation-Id when it is a sane token, else make one."""
    if header_value and _CORRELATION_ID.match(header_value):
        return header_value
    return uuid.uuid4().hex


@dataclasses.dataclass
class RequestContext:
    correlation_id: str
    client_address: str
    user_agent: str
    user_id: str = ""
    username: str = ""
    target_type: str = ""
    target_id: str = ""
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)
    # More audit records than the request's own (e.g. an automatic freeze decision).
    extra_audit: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    # Headers every response of this request carries (RateLimit, ...).
    response_headers: dict[str, str] = dataclasses.field(default_factory=dict)
    # A write's intent record: `confirm_intent` (set by the middleware on writes) publishes
    # it once, before the first call to a service; `intent_id` is set once it is confirmed.
    confirm_intent: Callable[[], Awaitable[None]] | None = None
    intent_id: str = ""

    def target(self, kind: str, ident: str = "") -> None:
        self.target_type, self.target_id = kind, ident


def request_context(request: Request) -> RequestContext:
    return request.scope["educrm"]


# The request being served (set by the middleware), for code that forwards to a service
# without being handed the request (the service clients).
current_request: ContextVar[RequestContext | None] = ContextVar("educrm_request",
                                                                default=None)


async def before_forward() -> None:
    """Called before anything is sent to a service: a write's intent record must be
    confirmed first (raises the 503 problem if it cannot be)."""
    ctx = current_request.get()
    if ctx is not None and ctx.confirm_intent is not None:
        await ctx.confirm_intent()
