"""Identity's revocation state: who is frozen or has left, which sessions were revoked while
their access tokens may still verify. ListRevocations serves it to the other services' deny
lists (kit.revocations); identity's own api keeps the same in-memory deny list, loaded from
its database and updated by its own commits (`after_commit`) and, for changes made by other
identity processes, by the same events every service follows."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from kit.db import Database
from kit.revocations import RevokedSession, Snapshot
from sqlalchemy import event, select
from sqlalchemy.orm import Session as DbSession

from .freeze_rules import FROZEN, LEFT
from .models import Session, User, utcnow


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


RevokedRows = list[tuple[Session, dt.datetime]]  # (revoked session, when its tokens expire)


def read_snapshot(s: DbSession, access_token_ttl_seconds: int,
                  now: dt.datetime | None = None) -> tuple[Snapshot, RevokedRows]:
    """The current state; revoked sessions only while a token of theirs may still verify."""
    now = now or utcnow()
    ttl = dt.timedelta(seconds=access_token_ttl_seconds)
    rows = s.execute(select(User.id, User.status).where(User.status.in_((FROZEN, LEFT)))).all()
    sessions = s.scalars(select(Session).where(Session.revoked_at.is_not(None),
                                               Session.revoked_at > now - ttl)).all()
    revoked = [(row, _aware(row.revoked_at) + ttl) for row in sessions]
    snapshot = Snapshot(
        frozen_user_ids=frozenset(uid for uid, status in rows if status == FROZEN),
        left_user_ids=frozenset(uid for uid, status in rows if status == LEFT),
        revoked_sessions=tuple(RevokedSession(row.id, row.user_id, expires.timestamp())
                               for row, expires in revoked))
    return snapshot, revoked


def load_snapshot(db: Database, access_token_ttl_seconds: int) -> Snapshot:
    with db.session() as s:
        return read_snapshot(s, access_token_ttl_seconds)[0]


_PENDING = "educrm_revocations_after_commit"


def after_commit(s: DbSession, action: Callable[[], None]) -> None:
    """Run `action` once `s` commits (never if it rolls back): the local deny list learns a
    change only when it is true, and at once (other identity processes learn it from the
    change's event). A rolled-back session is closed with its pending actions."""
    pending = s.info.get(_PENDING)
    if pending is None:
        pending = s.info[_PENDING] = []

        def run(session: DbSession) -> None:
            actions = session.info.pop(_PENDING, [])
            for queued in actions:
                queued()

        event.listen(s, "after_commit", run, once=True)
    pending.append(action)
