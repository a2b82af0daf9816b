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
- the key is claimed FIRST, in the transaction that then runs `apply` and stores the result:
  `INSERT (key, operation, fingerprint, placeholder) ON CONFLICT DO NOTHING`, then the effect,
  then the row is completed with the encoded result. Either all of it commits or none of it
  does: no effect without its record, no record without its effect; a failing `apply` stores
  nothing (a retry with the key runs again). No other transaction ever sees the placeholder.
- two concurrent requests with one new key: the second claim waits on the first one's
  uncommitted key row (PostgreSQL's unique index; SQLite's single writer lock) until that
  transaction settles. If it committed, the claim inserts nothing and the second request
  answers from the stored result, exactly like a later repeat (or IdempotencyConflict for a
  different request); if it rolled back, the claim succeeds and the second request runs.
  `apply` therefore never runs twice at once for one key, so whatever constraint or lock its
  effects would have tripped over (a unique username, a deadlock, a domain check reading the
  first request's committed row) can never reach the second request: it waits for the key,
  not for the effect. (A first lookup outside any write answers plain repeats without taking
  a write lock.)
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
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
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


def _claim(session: Session, key: str, operation: str, request_fingerprint: str) -> bool:
    """Insert the key's row (result still a placeholder) in the session's transaction; False
    when a committed row already holds the key. Waits while another transaction holds an
    uncommitted claim of the same key."""
    values = dict(key=key, operation=operation, fingerprint=request_fingerprint,
                  response=_PENDING, created_at=_utcnow())
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(IDEMPOTENCY).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(IDEMPOTENCY).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported backends
        raise RuntimeError(f"run_once does not support {dialect}")
    return session.execute(statement).rowcount == 1


# The response of a claimed row until `apply` returned; never committed (same transaction).
_PENDING = b""


def run_once(db: Database, key: str | None, operation: str, request_fingerprint: str,
             apply: Callable[[Session], T], codec: Codec[T]) -> T:
    """Run `apply(session)` once per (key, operation); see the module doc.

    - a stored result for the same fingerprint is replayed (`apply` does not run);
    - a stored result for another fingerprint raises kit.errors.IdempotencyConflict;
    - otherwise the key is claimed, `apply` runs and its encoded result is stored, all in one
      transaction;
    - a concurrent request under the same key waits for this one to settle, then answers with
      its result (or the conflict);
    - without a key, `apply` just runs in a transaction.
    Exceptions of `apply` roll everything back (the claim too) and propagate.
    """
    if not key:
        with db.session() as session:
            return apply(session)
    _check_key(key, operation)
    with db.session() as session:
        done = _lookup(session, key, operation)
        if done is not None:
            return _replay(session, done, request_fingerprint, codec)
        if not _claim(session, key, operation, request_fingerprint):
            # A concurrent request committed the key after our lookup: we waited for it.
            done = _lookup(session, key, operation)
            if done is None:  # pragma: no cover - purged in between: only after retention
                raise RuntimeError(f"idempotency key {key!r} vanished while claimed")
            return _replay(session, done, request_fingerprint, codec)
        result = apply(session)
        session.execute(update(IDEMPOTENCY).where(
            IDEMPOTENCY.c.key == key, IDEMPOTENCY.c.operation == operation,
        ).values(response=codec.encode(result)))
        return result  # committed (claim, effect and result together) as the block exits


def purge_idempotency(session: Session, older_than: dt.timedelta) -> int:
    """Forget results older than `older_than` (housekeeping); returns how many."""
    cutoff = _utcnow() - older_than
    return session.execute(delete(IDEMPOTENCY).where(IDEMPOTENCY.c.created_at < cutoff)).rowcount
