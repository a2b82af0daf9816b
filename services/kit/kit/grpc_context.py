"""Per-call context a gRPC server interceptor sets and servicers (and outgoing clients) read.

The grpcio thread pool runs each call on a worker thread; the interceptor sets these
contextvars around the handler and resets them afterwards, so nothing leaks between calls.
"""
from __future__ import annotations

import contextvars
import dataclasses

from .caller import Caller
from .errors import PermissionDenied, Unauthenticated


@dataclasses.dataclass(frozen=True)
class CallInfo:
    method: str                      # "/crm.identity.v1.IdentityService/Login"
    authorization: str | None        # the raw inbound "Bearer …" (forwarded downstream)
    idempotency_key: str | None
    client_address: str | None       # the end user's address as the gateway saw it
    user_agent: str | None
    internal: bool                   # a system call carrying the valid internal token


current_caller: contextvars.ContextVar[Caller | None] = contextvars.ContextVar(
    "educrm_caller", default=None)
current_call: contextvars.ContextVar[CallInfo | None] = contextvars.ContextVar(
    "educrm_call", default=None)


def get_caller() -> Caller:
    """The authenticated caller, or Unauthenticated (for methods that need one)."""
    caller = current_caller.get()
    if caller is None:
        raise Unauthenticated("authentication required", reason="auth.required",
                              message_zh="需要登录")
    return caller


def optional_caller() -> Caller | None:
    return current_caller.get()


def is_internal_call() -> bool:
    call = current_call.get()
    return bool(call and call.internal)


def require_right(right: str) -> Caller:
    caller = get_caller()
    if not caller.can(right):
        raise PermissionDenied(f"right {right} required", reason="permission.denied",
                               message_zh="没有执行此操作的权限")
    return caller


def idempotency_key() -> str | None:
    call = current_call.get()
    return call.idempotency_key if call else None
