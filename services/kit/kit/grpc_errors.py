"""Mapping between kit.errors and gRPC status, on both sides of a call.

Server side: a DomainError becomes its status code plus trailing metadata `x-error-reason`
and `x-error-message-zh` (URL-quoted: metadata values must be ASCII), and, when the error
carries details, `x-error-details` (URL-quoted JSON). Client side:
`error_info(rpc_error)` reads them back so the gateway can build problem+json.
"""
from __future__ import annotations

import dataclasses
import json
import urllib.parse
from typing import Any

import grpc

from . import errors

REASON_METADATA = "x-error-reason"
MESSAGE_ZH_METADATA = "x-error-message-zh"
DETAILS_METADATA = "x-error-details"
CORRELATION_ID_METADATA = "x-correlation-id"

# Safe for callers to retry with the same idempotency key.
RETRYABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})

_DEFAULT_REASONS = {
    grpc.StatusCode.INVALID_ARGUMENT: "invalid_argument",
    grpc.StatusCode.NOT_FOUND: "not_found",
    grpc.StatusCode.ALREADY_EXISTS: "already_exists",
    grpc.StatusCode.FAILED_PRECONDITION: "failed_precondition",
    grpc.StatusCode.PERMISSION_DENIED: "permission_denied",
    grpc.StatusCode.UNAUTHENTICATED: "unauthenticated",
    grpc.StatusCode.UNAVAILABLE: "unavailable",
    grpc.StatusCode.DEADLINE_EXCEEDED: "deadline_exceeded",
    grpc.StatusCode.INTERNAL: "internal",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "resource_exhausted",
}


def error_trailers(error: errors.DomainError) -> tuple[tuple[str, str], ...]:
    trailers = (
        (REASON_METADATA, error.reason),
        (MESSAGE_ZH_METADATA, urllib.parse.quote(error.message_zh, safe="")),
    )
    details = getattr(error, "details", None)
    if details:
        text = json.dumps(details, ensure_ascii=False, separators=(",", ":"))
        trailers += ((DETAILS_METADATA, urllib.parse.quote(text, safe="")),)
    return trailers


@dataclasses.dataclass(frozen=True)
class ErrorInfo:
    code: grpc.StatusCode
    reason: str
    message: str
    message_zh: str
    correlation_id: str | None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def retryable(self) -> bool:
        return self.code in RETRYABLE_CODES


def _trailers(rpc_error) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        trailing = rpc_error.trailing_metadata() or ()
    except Exception:  # noqa: BLE001 - some errors (e.g. channel closed) carry none
        trailing = ()
    for key, value in trailing:
        found[key] = value.decode() if isinstance(value, bytes) else value
    return found


def _details(quoted: str | None) -> dict[str, Any]:
    if not quoted:
        return {}
    try:
        value = json.loads(urllib.parse.unquote(quoted))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def error_info(rpc_error: grpc.RpcError) -> ErrorInfo:
    """Read an RpcError (sync or aio) back into code, reason and both messages."""
    code = rpc_error.code()
    message = rpc_error.details() or ""
    trailers = _trailers(rpc_error)
    zh = trailers.get(MESSAGE_ZH_METADATA)
    return ErrorInfo(
        details=_details(trailers.get(DETAILS_METADATA)),
        code=code,
        reason=trailers.get(REASON_METADATA) or _DEFAULT_REASONS.get(code, "error"),
        message=message,
        message_zh=urllib.parse.unquote(zh) if zh else message,
        correlation_id=trailers.get(CORRELATION_ID_METADATA),
    )


async def aio_error_info(rpc_error: grpc.aio.AioRpcError) -> ErrorInfo:
    """grpc.aio errors already hold their trailers; same as `error_info`."""
    return error_info(rpc_error)
