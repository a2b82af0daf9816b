"""SQLAlchemy 2 access shared by a service's api (threads) and worker (eventlet) processes.

SQLite is the single-machine default: WAL so readers never block the writer, a busy timeout so
concurrent writers wait instead of failing. PostgreSQL goes through psycopg2, which eventlet's
monkey patching makes cooperative.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event, exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# One naming convention so Alembic autogenerates stable constraint names on both backends.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_base() -> type[DeclarativeBase]:
    """A fresh declarative base per service: each service owns its own metadata."""

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    return Base


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# A pooled connection returned less than this long ago was working then: it is handed out
# again without a ping. One that sat idle longer (a restart or an idle timeout may have
# closed it) is pinged first, as `pool_pre_ping` would.
PING_AFTER_IDLE_SECONDS = 2.0
_RETURNED_AT = "educrm_returned_at"


def _ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """`pool_pre_ping`, minus the round trip on connections that were just in use: on a busy
    api the ping was one of every read's three or four round trips. If a connection dies
    within the window anyway, its statement fails with a disconnect error, and SQLAlchemy then
    invalidates every pooled connection opened before it, so the next checkouts reconnect."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        if dbapi_connection is not None and record is not None:
            record.info[_RETURNED_AT] = (dbapi_connection, time.monotonic())

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy) -> None:
        connection, returned = record.info.get(_RETURNED_AT, (None, 0.0))
        if connection is not dbapi_connection or time.monotonic() - returned < idle_seconds:
            return  # fresh from connect(), or in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error  # the pool reconnects and retries
            raise


def create_db_engine(url: str, **kwargs) -> Engine:
    # Bound parameters (phones, password hashes, token hashes) never reach a log line or an
    # exception message (an IntegrityError's text would otherwise carry them).
    kwargs.setdefault("hide_parameters", True)
    ping_after_idle = kwargs.pop("ping_after_idle_seconds", PING_AFTER_IDLE_SECONDS)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10},
                               **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # As many kept connections as an api has gRPC worker threads (kit.grpc_server's default):
    # a connection above pool_size is closed when returned, and opening one (a PostgreSQL
    # backend process) costs more than many reads.
    kwargs.setdefault("pool_size", 16)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_idle_connections(engine, ping_after_idle)
    return engine


class Database:
    """An engine plus a session factory; `with db.session() as s:` commits or rolls back,
    `with db.read() as s:` (or `read_connection()`) serves a read of one statement without a
    transaction."""

    def __init__(self, url: str, **engine_kwargs) -> None:
        self.url = url
        self.engine = create_db_engine(url, **engine_kwargs)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL reads of one statement get their own pool of autocommit connections
        # (switching a pooled connection to autocommit and back costs a round trip on every
        # checkout). SQLite's driver begins no transaction for a SELECT: same engine.
        self.read_engine = self.engine if self.is_sqlite else create_db_engine(
            url, **{**engine_kwargs, "isolation_level": "AUTOCOMMIT"})
        self._read_factory = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        session = self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for a read that is ONE statement (a lookup by key, one page): no
        transaction, so PostgreSQL is spared the BEGIN and COMMIT round trips, which on a
        primary-key read cost more than the SELECT. Never write through it, and use
        `session()` for several statements that must see one snapshot."""
        session = self._read_factory()
        try:
            yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """As `read()`, for a Core statement that returns rows, not entities: no ORM session
        to set up and tear down (a per-call check wants only a status column or two)."""
        with self.read_engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
