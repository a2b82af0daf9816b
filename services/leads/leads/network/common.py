"""What every part of the network area shares: who may write, field checks with bilingual
errors, UTC handling, and the idempotent-write wrapper around kit.idempotency."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from google.protobuf.timestamp_pb2 import Timestamp
from kit import idempotency, personal_data
from kit.caller import Caller
from kit.db import Database
from kit.errors import InvalidArgument, PermissionDenied
from kit.grpc_context import current_caller, idempotency_key
from kit.text import check_text

T = TypeVar("T")

# Who works with customers (records visits, referrals, registrations, service requests and
# survey answers); everyone reads within their scope.
WRITER_ROLES = ("admin", "general_manager", "director", "department_manager", "sales",
                "customer_service", "branch_integration")
# Who sets up channels, activities and surveys (within their scope).
MANAGER_ROLES = ("admin", "general_manager", "director", "department_manager",
                 "branch_integration")
# Who defines channel tiers (they feed finance's commission rules).
TIER_ROLES = ("admin", "general_manager")


def invalid(field: str, message: str, message_zh: str) -> InvalidArgument:
    return InvalidArgument(message, reason=f"invalid.{field}", message_zh=message_zh)


def caller() -> Caller:
    found = current_caller.get()
    if found is None:  # the internal token opens no method of this area
        raise PermissionDenied("a user's access token is required",
                               reason="auth.user_required", message_zh="需要用户访问令牌")
    return found


def require_role(who: Caller, roles, what: str, what_zh: str) -> Caller:
    if not who.has_role(*roles):
        raise PermissionDenied(f"your roles may not {what}", reason="network.write_denied",
                               message_zh=f"您无权{what_zh}")
    return who


def text(field: str, value: str, limit: int, zh: str, *, required: bool = False,
         multiline: bool = False) -> str:
    value = (value or "").strip()
    check_text(value, field, multiline=multiline)
    if required and not value:
        raise invalid(field, f"{field} is required", f"{zh}不能为空")
    if len(value) > limit:
        raise invalid(field, f"{field} is longer than {limit} characters",
                      f"{zh}超过 {limit} 个字符")
    return value


def ident(field: str, value: str) -> str | None:
    """An id given by the caller (None when empty)."""
    return text(field, value, 64, field) or None


def choice(field: str, value: str, allowed, zh: str) -> str:
    if value not in allowed:
        raise invalid(field, f"{field} must be one of {', '.join(allowed)}", f"{zh}取值无效")
    return value


def mobile(field: str, value: str) -> str:
    if not value:
        return ""
    try:
        return personal_data.normalise_cn_mobile(value, field)
    except personal_data.PersonalDataError as exc:
        raise invalid(field, exc.message, exc.message_zh) from None


def email(field: str, value: str) -> str:
    from ..customers.rules import check_email  # the one e-mail rule of leads
    try:
        return check_email(value)
    except InvalidArgument:
        raise invalid(field, "invalid e-mail address", "邮箱地址无效") from None


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; we store UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def iso(value: dt.datetime | None) -> str | None:
    value = aware(value)
    return None if value is None else value.astimezone(dt.UTC).isoformat().replace(
        "+00:00", "Z")


def from_timestamp(message, field: str) -> dt.datetime | None:
    if not message.HasField(field):
        return None
    ts: Timestamp = getattr(message, field)
    return ts.ToDatetime(tzinfo=dt.UTC)


def timestamp(value: dt.datetime | None) -> Timestamp | None:
    value = aware(value)
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(dt.UTC))
    return ts


def tri_state(field: str, value: str) -> bool | None:
    """"" (any) | "true" | "false" of a list filter."""
    return {"": None, "true": True, "false": False}[choice(field, value, ("", "true", "false"),
                                                          field)]


def run_write(db: Database, who: Caller, method: str, request, response_type,
              apply: Callable[..., T]) -> T:
    """An idempotent write: the request's key (metadata or field) replays the first answer."""
    key = idempotency_key() or getattr(request, "idempotency_key", "")
    print_ = idempotency.fingerprint([who.user_id, idempotency.protobuf_fingerprint(
        request, exclude=("idempotency_key",))])
    return idempotency.run_once(db, key, method, print_, apply,
                                idempotency.protobuf_codec(response_type))


def insert_unique(s, row, error: Exception) -> None:
    """Add `row`; a unique key taken meanwhile by a concurrent request raises `error` (the
    answer the later request would have got) instead of an integrity error."""
    from sqlalchemy import exc
    try:
        with s.begin_nested():
            s.add(row)
            s.flush()
    except exc.IntegrityError:
        raise error from None


def lock_row(s, column, value, *, where=None) -> None:
    """Take the write lock of a row before reading what a rule counts: a no-op UPDATE of it.
    PostgreSQL locks the row until commit; SQLite (whose SELECT ... FOR UPDATE does nothing
    and whose reads run outside the transaction until its first write) takes its database
    write lock here, so the reads that follow see every committed competitor."""
    from sqlalchemy import update
    condition = where if where is not None else column == value
    s.execute(update(column.class_).where(condition).values(
        {column.key: column}).execution_options(synchronize_session=False))
