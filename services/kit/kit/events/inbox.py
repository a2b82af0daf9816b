"""Inbox: the event ids each consumer has applied, so a redelivery is a no-op.

The handler records the id in the same transaction as its effects:

    with db.session() as session:
        if not claim_event(session, event):
            return            # already applied: ack and move on
        ...effects...

A unique (consumer, event_id) key settles races: on PostgreSQL a concurrent second claim waits
for the first transaction and then finds the row (or takes over if it rolled back); SQLite
serialises writers anyway.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, MetaData, PrimaryKeyConstraint, String, Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kit.bulk_insert import insert_rows
from kit.db import NAMING_CONVENTION
from kit.events.context import current_consumer
from kit.events.envelope import Envelope

INBOX_TABLE = "inbox_events"


def inbox_table(metadata: MetaData) -> Table:
    """Define (once) the inbox table in a service's metadata and return it."""
    if INBOX_TABLE in metadata.tables:
        return metadata.tables[INBOX_TABLE]
    return Table(
        INBOX_TABLE, metadata,
        Column("consumer", String(200), nullable=False),
        Column("event_id", String(64), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id"),
    )


INBOX = inbox_table(MetaData(naming_convention=NAMING_CONVENTION))


def claim_event(session: Session, event: Envelope, consumer: str | None = None) -> bool:
    """Record `event` as applied by `consumer`; False if it already was (skip the effects).

    `consumer` defaults to the queue of the kit consumer entrypoint handling the event.
    """
    consumer = consumer or current_consumer.get()
    if not consumer:
        raise RuntimeError("claim_event outside a kit event consumer needs consumer=")
    values = dict(consumer=consumer, event_id=event.id, event_type=event.type,
                  processed_at=dt.datetime.now(dt.UTC))
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(INBOX).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(INBOX).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported backends
        raise RuntimeError(f"inbox does not support {dialect}")
    return session.execute(statement).rowcount == 1


def claim_events(session: Session, events: list[Envelope], consumer: str | None = None
                 ) -> set[str]:
    """`claim_event` for a whole batch in one statement: record every event as applied by
    `consumer` and return the ids that were NOT applied before (apply only those).

    One INSERT ... ON CONFLICT DO NOTHING RETURNING (kit.bulk_insert); the same guarantees as
    claim_event (a concurrent claim of an id waits for the other transaction)."""
    consumer = consumer or current_consumer.get()
    if not consumer:
        raise RuntimeError("claim_events outside a kit event consumer needs consumer=")
    now = dt.datetime.now(dt.UTC)
    unique = {event.id: event for event in events}
    if not unique:
        return set()
    rows = [dict(consumer=consumer, event_id=event.id, event_type=event.type, processed_at=now)
            for event in unique.values()]
    return set(insert_rows(session, INBOX, rows, conflict_columns=("consumer", "event_id"),
                           returning="event_id"))


def purge_processed(session: Session, older_than: dt.timedelta) -> int:
    """Forget ids older than the longest possible redelivery window (housekeeping)."""
    cutoff = dt.datetime.now(dt.UTC) - older_than
    return session.execute(delete(INBOX).where(INBOX.c.processed_at < cutoff)).rowcount
