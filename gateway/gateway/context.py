"""What one request has learned about itself, for the audit record, metrics and logs.

The gateway middleware puts a RequestContext in the ASGI scope (`scope["educrm"]`); the
authentication dependency and the routes fill in who, what and which target.
"""
from __future__ import annotations

import dataclasses
import re
import uuid
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

    def target(self, kind: str, ident: str = "") -> None:
        self.target_type, self.target_id = kind, ident


def request_context(request: Request) -> RequestContext:
    return request.scope["educrm"]
