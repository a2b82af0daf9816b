"""Transactional outbox: an event row commits (or rolls back) with the domain change.

A service adds the table to its own metadata (`outbox_table(Base.metadata)`) so its Alembic
migration creates it, and calls `add_event(session, ...)` inside the transaction that makes
the change. The worker's relay (kit.events.relay) publishes committed rows; nothing is ever
published before commit.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import Session

from kit.db import NAMING_CONVENTION
from kit.events.catalogue import REGISTRY, Registry
from kit.events.envelope import Envelope, make_envelope

OUTBOX_TABLE = "outbox_events"

# BIGINT on PostgreSQL; SQLite only autoincrements an INTEGER primary key.
_ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def outbox_table(metadata: MetaData) -> Table:
    """Define (once) the outbox table in a service's metadata and return it."""
    if OUTBOX_TABLE in metadata.tables:
        return metadata.tables[OUTBOX_TABLE]
    table = Table(
        OUTBOX_TABLE, metadata,
        # The relay publishes in id order: the order of commit within one writer.
        Column("id", _ID_TYPE, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("subject", String(200), nullable=True),
        Column("exchange", String(100), nullable=False),
        Column("routing_key", String(200), nullable=False),
        Column("payload", Text, nullable=False),  # the CloudEvents JSON, exactly as published
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, default=0, server_default="0"),
        Column("last_error", Text, nullable=True),
        # A row that failed waits for its retry until then (its aggregate's later rows too).
        Column("next_attempt_at", DateTime(timezone=True), nullable=True),
        # Set after too many failed attempts: the relay goes on without it until a replay
        # (`educrm-bus outbox replay`) clears it. See kit.events.relay.
        Column("parked_at", DateTime(timezone=True), nullable=True),
    )
    # The relay's hot query reads only unsent rows; a partial index keeps it small.
    Index(f"ix_{OUTBOX_TABLE}_unsent", table.c.id,
          postgresql_where=table.c.published_at.is_(None),
          sqlite_where=table.c.published_at.is_(None))
    return table


# A private definition for the kit's own SQL; same table whatever metadata the service uses.
OUTBOX = outbox_table(MetaData(naming_convention=NAMING_CONVENTION))

# Set after a session that added events commits: the relay in this process wakes at once
# instead of waiting for its next poll. (Green under eventlet's monkey patching.)
outbox_committed = threading.Event()
_DIRTY_KEY = "kit.outbox.dirty"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def add_event(session: Session, event_type: str, subject: str | None, data: Mapping[str, Any],
              *, event_id: str | None = None, registry: Registry = REGISTRY) -> Envelope:
    """Validate `data` against the catalogue and insert the event in the session's transaction.

    Raises kit.events.catalogue.EventValidationError / UnknownEventType before touching the
    database, so a producer bug fails the request instead of poisoning consumers.
    """
    spec = registry.get(event_type)
    registry.validate_data(event_type, data)
    envelope = make_envelope(event_type, subject, data, event_id=event_id)
    session.execute(OUTBOX.insert().values(
        event_id=envelope.id, event_type=event_type, subject=subject,
        exchange=spec.exchange, routing_key=spec.routing_key, payload=envelope.to_json(),
        created_at=utcnow(), attempts=0,
    ))
    session.info[_DIRTY_KEY] = True
    return envelope


@event.listens_for(Session, "after_commit")
def _wake_relay(session: Session) -> None:
    if session.info.pop(_DIRTY_KEY, False):
        outbox_committed.set()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_DIRTY_KEY, None)
