"""SQLAlchemy 2 access shared by a service's api (threads) and worker (eventlet) processes.

SQLite is the single-machine default: WAL so readers never block the writer, a busy timeout so
concurrent writers wait instead of failing. PostgreSQL goes through psycopg2, which eventlet's
monkey patching makes cooperative.
"""
from __future__ import annotations

import collections
import contextlib
import hashlib
import logging
import re
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event, exc
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import Select

log = logging.getLogger(__name__)

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
    # At least as many kept connections as an api has gRPC worker threads (kit.grpc_server's
    # default), and room for a worker's greenthreads: a connection above pool_size is closed
    # when returned, and opening one (a PostgreSQL backend process) costs more than many
    # reads.
    kwargs.setdefault("pool_size", 16)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_idle_connections(engine, ping_after_idle)
    return engine


_PYFORMAT_BIND = re.compile(r"%\((\w+)\)s")
_PREPARED = "educrm_prepared"
# PostgreSQL's answers to an EXECUTE whose prepared statement is gone (a pooler, DISCARD ALL)
# or was planned for columns that changed (a migration): prepare it again, once.
_REPREPARE_SQLSTATES = frozenset({"26000", "0A000"})
# A PREPARE of a name the session already holds: the same statement (the name is the SQL's
# hash), prepared there by an earlier client of a pooler's server connection.
_ALREADY_PREPARED = "42P05"


class PreparedRead:
    """A SELECT that runs on every call (a lookup by key, one page), built once at import:
    `GET_USER = PreparedRead(select(User.id, ...).where(User.id == bindparam("user_id")))`,
    then `db.read_first(GET_USER, user_id=...)` or `db.read_all(...)`.

    It is compiled once per dialect and run on a pooled DBAPI connection without a
    transaction (as `Database.read_connection()`), with none of SQLAlchemy's per-execution
    objects (Connection, execution context, Result): those cost more CPU than a primary-key
    read. On PostgreSQL it is a server-side prepared statement, parsed and planned once per
    connection instead of on every call (half the database's CPU of such a read). Rows are
    named tuples with the statement's column names, values as SQLAlchemy would give them
    (its result processors run where a type has one)."""

    def __init__(self, statement: Select) -> None:
        self.statement = statement
        self._plans: dict[int, _ReadPlan] = {}
        self._lock = threading.Lock()

    def plan(self, dialect: Dialect) -> _ReadPlan:
        found = self._plans.get(id(dialect))
        if found is None:
            with self._lock:
                found = self._plans.get(id(dialect))
                if found is None:
                    found = self._plans[id(dialect)] = _ReadPlan(self, dialect)
        return found


class _ReadPlan:
    """One PreparedRead compiled for one dialect."""

    def __init__(self, read: PreparedRead, dialect: Dialect) -> None:
        compiled = read.statement.compile(dialect=dialect)
        if compiled.post_compile_params or compiled.literal_execute_params or (
                compiled.escaped_bind_names):
            raise ValueError("PreparedRead takes plain bound parameters (no IN lists, no "
                             "literal_execute, names of letters, digits and _)")
        self.dialect = dialect
        self.sql = compiled.string
        binds = compiled.binds
        # Values compiled into the statement (`User.status == "active"`) by bind name.
        self.defaults = {name: bind.effective_value for name, bind in binds.items()
                         if not bind.required}
        self.bind_processors = dict(compiled._bind_processors)
        self.columns = [entry.type for entry in compiled._result_columns]
        self.row = collections.namedtuple(  # type: ignore[misc]
            "Row", [entry.keyname for entry in compiled._result_columns], rename=True)
        self.processors: list[Any] | None = None  # from the first cursor's description
        self.name = ""
        self.prepare: str | None = None
        self.execute = self.sql
        if dialect.positional:
            self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        else:
            self.names = tuple(_PYFORMAT_BIND.findall(self.sql))
        if dialect.name == "postgresql" and dialect.driver == "psycopg2":
            numbers = {name: index for index, name in enumerate(dict.fromkeys(self.names), 1)}
            self.names = tuple(numbers)
            body = _PYFORMAT_BIND.sub(lambda m: f"${numbers[m.group(1)]}", self.sql)
            # Named after its SQL: one name is one statement in every process and version
            # (a pooler's server connection may have it from another client already).
            self.name = "educrm_" + hashlib.sha256(body.encode()).hexdigest()[:24]
            self.execute = (f"EXECUTE {self.name}({', '.join(['%s'] * len(self.names))})"
                            if self.names else f"EXECUTE {self.name}")
            # PREPARE and the first EXECUTE go in one round trip (one implicit transaction,
            # so one server connection even behind a transaction-pooling pooler). Without
            # parameters psycopg2 reads no placeholders, and `%%` stands for itself.
            prepare = f"PREPARE {self.name} AS {body}"
            self.prepare = prepare if self.names else prepare.replace("%%", "%")
            self.prepare_and_execute = f"{self.prepare}; {self.execute}"
            self.positional = True
        else:
            self.positional = dialect.positional

    def parameters(self, given: Mapping[str, Any]) -> Any:
        values = []
        for name in self.names:
            value = given[name] if name in given else self.defaults[name]
            processor = self.bind_processors.get(name)
            values.append(processor(value) if processor is not None else value)
        return tuple(values) if self.positional else dict(zip(self.names, values, strict=True))

    def rows(self, raw: list[tuple], description) -> list[tuple]:
        processors = self.processors
        if processors is None:
            processors = self.processors = [
                column._cached_result_processor(self.dialect, described[1])
                for column, described in zip(self.columns, description, strict=True)]
        make = self.row._make
        if not any(processors):
            return [make(values) for values in raw]
        return [make(value if processor is None else processor(value)
                     for processor, value in zip(processors, values, strict=True))
                for values in raw]


class Database:
    """An engine plus a session factory; `with db.session() as s:` commits or rolls back,
    `with db.read() as s:` (or `read_connection()`) serves a read of one statement without a
    transaction, and `read_first` / `read_all` run a `PreparedRead` (the hot path)."""

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

    def read_first(self, read: PreparedRead, /, **params: Any) -> Any:
        """The first row of a `PreparedRead`, or None."""
        rows = self._run(read, params, one=True)
        return rows[0] if rows else None

    def read_all(self, read: PreparedRead, /, **params: Any) -> list[Any]:
        """Every row of a `PreparedRead`."""
        return self._run(read, params, one=False)

    def _run(self, read: PreparedRead, params: Mapping[str, Any], *, one: bool) -> list[Any]:
        engine = self.read_engine
        dialect = engine.dialect
        plan = read.plan(dialect)
        connection = engine.raw_connection()  # the pool's checkout (pings an idle one)
        cursor = None
        try:
            dbapi_connection = connection.dbapi_connection
            cursor = dbapi_connection.cursor()
            parameters = plan.parameters(params)
            if plan.prepare is not None:
                self._execute_prepared(connection, cursor, plan, parameters)
            else:
                cursor.execute(plan.execute, parameters)
            raw = [cursor.fetchone()] if one else cursor.fetchall()
            if raw and raw[0] is None:
                raw = []
            return plan.rows(raw, cursor.description)
        except dialect.loaded_dbapi.Error as error:
            disconnected = dialect.is_disconnect(error, connection.dbapi_connection, cursor)
            if disconnected:
                # As SQLAlchemy's Connection does: this connection, and every pooled one
                # opened before it, are reconnected on their next checkout.
                engine.pool._invalidate(connection, error)
            raise exc.DBAPIError.instance(
                plan.sql, None, error, dialect.loaded_dbapi.Error, hide_parameters=True,
                connection_invalidated=disconnected, dialect=dialect) from error
        finally:
            if cursor is not None:
                with contextlib.suppress(Exception):
                    cursor.close()
            connection.close()

    @staticmethod
    def _execute_prepared(connection, cursor, plan: _ReadPlan, parameters: tuple) -> None:
        """EXECUTE the plan's statement, PREPAREd first on a connection that lacks it."""
        dbapi_connection = connection.dbapi_connection
        owner, prepared = connection.info.get(_PREPARED, (None, None))
        if owner is not dbapi_connection:  # a new DBAPI connection: nothing prepared on it
            prepared = set()
            connection.info[_PREPARED] = (dbapi_connection, prepared)
        arguments = parameters or None
        try:
            if plan.name in prepared:
                cursor.execute(plan.execute, arguments)
                return
            try:
                cursor.execute(plan.prepare_and_execute, arguments)
            except plan.dialect.loaded_dbapi.DatabaseError as error:
                if getattr(error, "pgcode", None) != _ALREADY_PREPARED:
                    raise
                cursor.execute(plan.execute, arguments)
            prepared.add(plan.name)
        except plan.dialect.loaded_dbapi.DatabaseError as error:
            if getattr(error, "pgcode", None) not in _REPREPARE_SQLSTATES:
                raise
            log.info("prepared read %s re-prepared (SQLSTATE %s)", plan.name, error.pgcode)
            if error.pgcode == "0A000":
                cursor.execute(f"DEALLOCATE {plan.name}")
            cursor.execute(plan.prepare_and_execute, arguments)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
