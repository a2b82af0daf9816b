"""Idempotent commands: the same key with the same request gives the same result, with a
different request an error (ARCHITECTURE §4 and §6).

A service adds the table to its own metadata (`idempotency_table(Base.metadata)`) so its
Alembic migration creates it, and runs each state-changing command through `run_once`:

    def create(session):                      # the whole effect, in the given session
        order = Order(...); session.add(order); session.flush()
        add_event(session, ...)
        return pb.CreateOrderResponse(order=...)

    return run_once(db, key, "CreateOrder", protobuf_fingerprint(request), create,
                    protobuf_codec(pb.CreateOrderResponse))

How it holds:
- the stored result is inserted in the SAME transaction as the effect (after `apply`), so
  either both commit or neither does: no effect without its record, no record without its
  effect; a failing `apply` stores nothing (a retry with the key runs again);
- two concurrent requests with one new key both find nothing and both run `apply`; the
  primary key settles it. On PostgreSQL the second INSERT of the key waits for the first
  transaction and then fails (or goes ahead if the first rolled back); SQLite serialises
  writers. The loser's whole transaction rolls back (its effects too) and it answers from the
  winner's stored result, exactly like a later repeat (or IdempotencyConflict if the winner's
  request was a different one). An IntegrityError of the loser's own effects (say a unique
  username the winner just took) is settled the same way: first look for the winner's record.
- a row is (key, operation): the key is the client's name for one logical request (the
  gateway forwards one `Idempotency-Key` to every call a route makes), so one key may drive
  several different commands of one service, each once. A key reused for a different request
  of the same operation is an error.
- the fingerprint is a sha256 hex digest the caller computes from a canonical form of the
  request WITHOUT secrets (never hash a raw password: a digest of a guessable value leaks
  it). Include the caller's identity in the canonical form when one user must never be
  answered from another user's request under the same key.
- records expire: the worker's outbox relay deletes those older than the bus retention
  (kit.events.relay), or call `purge_idempotency`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    select,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kit.db import NAMING_CONVENTION, Database
from kit.errors import IdempotencyConflict, InvalidArgument

IDEMPOTENCY_TABLE = "idempotency_keys"
MAX_KEY_LENGTH = 255        # the gateway accepts 1..255 visible ASCII characters
MAX_OPERATION_LENGTH = 100

T = TypeVar("T")


def idempotency_table(metadata: MetaData) -> Table:
    """Define (once) the idempotency table in a service's metadata and return it."""
    if IDEMPOTENCY_TABLE in metadata.tables:
        return metadata.tables[IDEMPOTENCY_TABLE]
    table = Table(
        IDEMPOTENCY_TABLE, metadata,
        Column("key", String(MAX_KEY_LENGTH), nullable=False),
        Column("operation", String(MAX_OPERATION_LENGTH), nullable=False),
        Column("fingerprint", String(64), nullable=False),   # sha256 hex of the request
        Column("response", LargeBinary, nullable=False),     # Codec.encode(result)
        Column("created_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("key", "operation"),
    )
    Index(f"ix_{IDEMPOTENCY_TABLE}_created_at", table.c.created_at)  # expiry scans by age
    return table


# A private definition for the kit's own SQL; same table whatever metadata the service uses.
IDEMPOTENCY = idempotency_table(MetaData(naming_convention=NAMING_CONVENTION))


# --- results and fingerprints -----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Codec(Generic[T]):
    """How a command's result is stored and read back. `decode` gets the session of the
    replaying transaction, so a stored id can be loaded as a row."""

    encode: Callable[[T], bytes]
    decode: Callable[[bytes, Session], T]


def _canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


JSON_CODEC: Codec[Any] = Codec(encode=_canonical_json,
                               decode=lambda data, _session: json.loads(data))


def protobuf_codec(message_type) -> Codec:
    """Store a protobuf response as its serialized bytes."""
    return Codec(encode=lambda message: message.SerializeToString(deterministic=True),
                 decode=lambda data, _session: message_type.FromString(data))


def fingerprint(canonical: Any) -> str:
    """sha256 hex of `canonical`: bytes as they are, anything else as canonical JSON.
    The caller leaves secrets out."""
    data = canonical if isinstance(canonical, bytes) else _canonical_json(canonical)
    return hashlib.sha256(data).hexdigest()


def protobuf_fingerprint(message, *, exclude: Iterable[str] = ()) -> str:
    """sha256 hex of a message's deterministic serialization, `exclude` fields cleared
    (a password, say)."""
    exclude = tuple(exclude)
    if exclude:
        copy = type(message)()
        copy.CopyFrom(message)
        for name in exclude:
            copy.ClearField(name)
        message = copy
    return fingerprint(message.SerializeToString(deterministic=True))


# --- running a command once -------------------------------------------------------------------

def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_key(key: str, operation: str) -> None:
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidArgument(f"idempotency key must be 1..{MAX_KEY_LENGTH} visible characters",
                              reason="idempotency_key.invalid",
                              message_zh=f"幂等键必须为 1 到 {MAX_KEY_LENGTH} 个可见字符")
    if not operation or len(operation) > MAX_OPERATION_LENGTH:
        raise ValueError(f"operation must be 1..{MAX_OPERATION_LENGTH} characters: {operation!r}")


def _lookup(session: Session, key: str, operation: str) -> Row | None:
    return session.execute(
        select(IDEMPOTENCY.c.fingerprint, IDEMPOTENCY.c.response)
        .where(IDEMPOTENCY.c.key == key, IDEMPOTENCY.c.operation == operation)).first()


def _replay(session: Session, done: Row, request_fingerprint: str, codec: Codec[T]) -> T:
    if done.fingerprint != request_fingerprint:
        raise IdempotencyConflict("idempotency key reused with a different request",
                                  message_zh="幂等键已用于不同的请求")
    return codec.decode(done.response, session)


def run_once(db: Database, key: str | None, operation: str, request_fingerprint: str,
             apply: Callable[[Session], T], codec: Codec[T]) -> T:
    """Run `apply(session)` once per (key, operation); see the module doc.

    - a stored result for the same fingerprint is replayed (`apply` does not run);
    - a stored result for another fingerprint raises kit.errors.IdempotencyConflict;
    - otherwise `apply` runs and its encoded result is stored in the same transaction;
    - a concurrent request that committed the key first wins: this one's effects roll back
      and its answer is the winner's result (or the conflict);
    - without a key, `apply` just runs in a transaction.
    Exceptions of `apply` (and IntegrityErrors no winner explains) roll back and propagate.
    """
    if not key:
        with db.session() as session:
            return apply(session)
    _check_key(key, operation)
    try:
        with db.session() as session:
            done = _lookup(session, key, operation)
            if done is not None:
                return _replay(session, done, request_fingerprint, codec)
            result = apply(session)
            session.execute(IDEMPOTENCY.insert().values(
                key=key, operation=operation, fingerprint=request_fingerprint,
                response=codec.encode(result), created_at=_utcnow()))
            return result  # committed (effect + record together) as the block exits
    except IntegrityError:
        # Rolled back whole. Lost a race for the key (or for a row of the effect) to a
        # request that committed: answer as a repeat of it does.
        with db.session() as session:
            done = _lookup(session, key, operation)
            if done is not None:
                return _replay(session, done, request_fingerprint, codec)
        raise


def purge_idempotency(session: Session, older_than: dt.timedelta) -> int:
    """Forget results older than `older_than` (housekeeping); returns how many."""
    cutoff = _utcnow() - older_than
    return session.execute(delete(IDEMPOTENCY).where(IDEMPOTENCY.c.created_at < cutoff)).rowcount
