"""Domain errors every service raises; the gRPC layer maps them to status codes and the
gateway maps those to RFC 9457 problem documents. Messages carry zh-CN and en text."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import grpc


class DomainError(Exception):
    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN
    # A stable machine-readable reason, e.g. "user.frozen"; the gateway builds `type` from it.
    reason: str = "error"

    def __init__(self, message: str, *, reason: str | None = None, message_zh: str | None = None,
                 details: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message
        if reason:
            self.reason = reason
        # Machine-readable facts about the refusal (e.g. the id of the record a duplicate
        # collides with), JSON-serialisable; the gateway adds them to the problem document.
        self.details = dict(details or {})


class InvalidArgument(DomainError):
    code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "invalid_argument"


class NotFound(DomainError):
    code = grpc.StatusCode.NOT_FOUND
    reason = "not_found"


class AlreadyExists(DomainError):
    code = grpc.StatusCode.ALREADY_EXISTS
    reason = "already_exists"


class FailedPrecondition(DomainError):
    code = grpc.StatusCode.FAILED_PRECONDITION
    reason = "failed_precondition"


class PermissionDenied(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED
    reason = "permission_denied"


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "unauthenticated"


class IdempotencyConflict(DomainError):
    """The same idempotency key was used with a different request."""
    code = grpc.StatusCode.FAILED_PRECONDITION
    reason = "idempotency_conflict"
