"""Service request (服务请求) rules, pure: kinds and priorities, due times by kind and
priority, the status machine, and first-responder ownership (首问负责制: whoever records a
request owns it until it is resolved or explicitly transferred).

    open ──start──▶ in_progress ──resolve──▶ resolved ──close──▶ closed
      └──────────────resolve────────────────▶    ▲  └──reopen──▶ open
                                   closed ──reopen──▶ open
"""
from __future__ import annotations

import datetime as dt

from kit.caller import Caller
from kit.errors import FailedPrecondition, PermissionDenied

from .common import invalid

KINDS = ("complaint", "suggestion", "consultation")
PRIORITIES = ("low", "normal", "high", "urgent")
OPEN, IN_PROGRESS, RESOLVED, CLOSED = "open", "in_progress", "resolved", "closed"
STATUSES = (OPEN, IN_PROGRESS, RESOLVED, CLOSED)
UNRESOLVED = (OPEN, IN_PROGRESS)
ACTIONS = ("start", "resolve", "close", "reopen", "transfer")

# Hours from recording (or reopening) to the due time. Complaints are answered first.
DUE_HOURS: dict[str, dict[str, int]] = {
    "complaint":    {"urgent": 2, "high": 8, "normal": 24, "low": 72},
    "consultation": {"urgent": 4, "high": 12, "normal": 48, "low": 96},
    "suggestion":   {"urgent": 24, "high": 72, "normal": 168, "low": 336},
}
# Roles that act on requests they do not own (within their scope): close what the owner
# resolved, transfer a request away from an absent owner.
SUPERVISOR_ROLES = ("admin", "general_manager", "director", "department_manager",
                    "customer_service")

# action → (statuses it applies to, status after)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "start": ((OPEN,), IN_PROGRESS),
    "resolve": (UNRESOLVED, RESOLVED),
    "close": ((RESOLVED,), CLOSED),
    "reopen": ((RESOLVED, CLOSED), OPEN),
    "transfer": (UNRESOLVED, None),          # the status stays
}


def due_at(kind: str, priority: str, since: dt.datetime) -> dt.datetime:
    return since + dt.timedelta(hours=DUE_HOURS[kind][priority])


def overdue(status: str, due: dt.datetime, now: dt.datetime) -> bool:
    return status in UNRESOLVED and due < now


def next_status(action: str, status: str) -> str:
    """The status after `action`, or FAILED_PRECONDITION naming why not."""
    if action not in TRANSITIONS:
        raise invalid("action", f"action must be one of {', '.join(ACTIONS)}", "操作无效")
    allowed, after = TRANSITIONS[action]
    if status not in allowed:
        raise FailedPrecondition(f"cannot {action} a request that is {status}",
                                 reason="service_request.bad_status",
                                 message_zh=f"当前状态（{status}）不允许此操作（{action}）")
    return after or status


def check_actor(action: str, who: Caller, owner_id: str, recorded_by: str) -> None:
    """First-responder ownership: the owner works the request (start, resolve, transfer);
    a supervisor may also transfer it and close it; the recorder or a supervisor closes;
    anyone working with customers may reopen (the customer came back)."""
    owner = who.user_id == owner_id
    supervisor = who.has_role(*SUPERVISOR_ROLES)
    if action in ("start", "resolve"):
        allowed = owner
    elif action == "transfer":
        allowed = owner or supervisor
    elif action == "close":
        allowed = owner or who.user_id == recorded_by or supervisor
    else:  # reopen
        allowed = True
    if not allowed:
        raise PermissionDenied(
            "only the request's owner (its first responder) may do this until it is "
            "transferred", reason="service_request.not_owner",
            message_zh="首问负责制：仅该请求的负责人可执行此操作，除非已明确转交")
