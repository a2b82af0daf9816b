"""Parked outbox rows (kit.events.relay parks a row after too many failed attempts): listing
them and handing them back to the relay.

A replay releases whole aggregates: every parked row of each chosen row's subject, so the
relay publishes them again in their original (id) order and nothing of an aggregate
overtakes an earlier event of it. The attempts start again from zero.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine

from kit.events.outbox import OUTBOX, outbox_committed


@dataclasses.dataclass(frozen=True)
class ParkedEvent:
    id: int
    event_id: str
    event_type: str
    subject: str | None
    created_at: dt.datetime
    parked_at: dt.datetime
    attempts: int
    last_error: str | None

    def summary(self) -> dict:
        return {"event_id": self.event_id, "type": self.event_type, "subject": self.subject,
                "created_at": self.created_at.isoformat(),
                "parked_at": self.parked_at.isoformat(), "attempts": self.attempts,
                "last_error": self.last_error}


_PARKED = (OUTBOX.c.published_at.is_(None), OUTBOX.c.parked_at.is_not(None))


def list_parked(engine: Engine, limit: int = 1000) -> list[ParkedEvent]:
    """Parked rows, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(OUTBOX.c.id, OUTBOX.c.event_id, OUTBOX.c.event_type, OUTBOX.c.subject,
                   OUTBOX.c.created_at, OUTBOX.c.parked_at, OUTBOX.c.attempts,
                   OUTBOX.c.last_error)
            .where(*_PARKED).order_by(OUTBOX.c.id).limit(limit)).all()
    return [ParkedEvent(**row._mapping) for row in rows]


def replay_parked(engine: Engine, *, event_ids: Iterable[str] | None = None,
                  subjects: Iterable[str] | None = None) -> list[str]:
    """Unpark the aggregates of `event_ids` and `subjects` (both None: every parked row);
    returns the event ids handed back to the relay, in the order it will publish them."""
    with engine.begin() as conn:
        if event_ids is None and subjects is None:
            chosen = select(OUTBOX.c.id).where(*_PARKED)
        else:
            event_ids, subjects = list(event_ids or ()), set(subjects or ())
            picked = conn.execute(select(OUTBOX.c.id, OUTBOX.c.subject).where(
                *_PARKED, OUTBOX.c.event_id.in_(event_ids))).all() if event_ids else []
            subjects |= {row.subject for row in picked if row.subject is not None}
            conditions = [OUTBOX.c.id.in_([row.id for row in picked])]
            if subjects:
                conditions.append(OUTBOX.c.subject.in_(subjects))
            chosen = select(OUTBOX.c.id).where(*_PARKED, or_(*conditions))
        ids = list(conn.execute(chosen.order_by(OUTBOX.c.id)).scalars())
        if not ids:
            return []
        released = list(conn.execute(select(OUTBOX.c.event_id).where(OUTBOX.c.id.in_(ids))
                                     .order_by(OUTBOX.c.id)).scalars())
        conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(ids)).values(
            parked_at=None, next_attempt_at=None, attempts=0))
    outbox_committed.set()  # a relay in this process picks them up at once
    return released
