"""Identity's outgoing events, written to the outbox in the transaction of the change.
Schemas live in contracts.events.identity."""
from __future__ import annotations

import datetime as dt

from kit.events import add_event
from sqlalchemy.orm import Session

from .models import User

USER_CREATED = "crm.identity.user.created.v1"
USER_FROZEN = "crm.identity.user.frozen.v1"
USER_UNFROZEN = "crm.identity.user.unfrozen.v1"
USER_LEFT = "crm.identity.user.left.v1"
SESSION_REVOKED = "crm.identity.session.revoked.v1"
USER_FREEZE_WITHHELD = "crm.identity.user.freeze_withheld.v1"


def _ts(value: dt.datetime) -> str:
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def user_created(session: Session, user: User) -> None:
    add_event(session, USER_CREATED, user.id, {
        "user_id": user.id, "username": user.username, "display_name": user.display_name,
        "roles": list(user.roles), "org_unit_id": user.org_unit_id,
        "department_id": user.department_id, "region_id": user.region_id,
        "created_at": _ts(user.created_at)})


def user_frozen(session: Session, user: User, *, automatic: bool, frozen_by: str | None) -> None:
    add_event(session, USER_FROZEN, user.id, {
        "user_id": user.id, "username": user.username, "reason": user.frozen_reason or "",
        "automatic": automatic, "frozen_by": frozen_by, "frozen_at": _ts(user.frozen_at)})


def user_freeze_withheld(session: Session, user: User, *, reason: str,
                         at: dt.datetime) -> None:
    add_event(session, USER_FREEZE_WITHHELD, user.id, {
        "user_id": user.id, "username": user.username, "reason": reason,
        "withheld_because": "no_other_active_unfreezer", "at": _ts(at)})


def user_unfrozen(session: Session, user: User, *, unfrozen_by: str, at: dt.datetime,
                  note: str) -> None:
    add_event(session, USER_UNFROZEN, user.id, {
        "user_id": user.id, "username": user.username, "unfrozen_by": unfrozen_by,
        "unfrozen_at": _ts(at), "note": note})


def user_left(session: Session, user: User) -> None:
    add_event(session, USER_LEFT, user.id, {
        "user_id": user.id, "successor_user_id": user.successor_user_id,
        "left_at": _ts(user.left_at)})


def session_revoked(session: Session, *, user_id: str, session_id: str, reason: str,
                    revoked_at: dt.datetime, expires_at: dt.datetime) -> None:
    add_event(session, SESSION_REVOKED, session_id, {
        "user_id": user_id, "session_id": session_id, "reason": reason[:64],
        "revoked_at": _ts(revoked_at), "expires_at": _ts(expires_at)})
