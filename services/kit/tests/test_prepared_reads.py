"""kit.db.PreparedRead: a hot read's statement compiled once and, on PostgreSQL, prepared once
per connection. It must give what SQLAlchemy's own execution gives (values through the same
result processors), run outside a transaction, survive what takes a prepared statement away
(a pooler's DISCARD ALL, a migration changing the columns, a dead connection), and
actually skip the database's planning."""
from __future__ import annotations

import datetime as dt
import logging

import psycopg2
import pytest
from kit import testing
from kit.db import Database, PreparedRead, make_base
from sqlalchemy import JSON, Boolean, DateTime, Integer, String, bindparam, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

postgres_url = testing.postgres_database_fixture(scope="module", name="postgres_url")

Base = make_base()


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    born_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(10), default="staff")


BORN = dt.datetime(1990, 3, 7, 8, 30, tzinfo=dt.UTC)
BY_ID = PreparedRead(select(Person.id, Person.name, Person.tags, Person.active, Person.born_at)
                     .where(Person.id == bindparam("person_id")))
# A value compiled into the statement, a parameter used twice, a LIKE with a literal %.
STAFF_NAMED = PreparedRead(
    select(Person.id, Person.name).where(Person.kind == "staff",
                                         (Person.name == bindparam("name"))
                                         | (Person.name.like(bindparam("name") + "%")))
    .order_by(Person.id))
EVERYONE = PreparedRead(select(Person.id).order_by(Person.id))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'svc.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    database = Database(url)
    Base.metadata.drop_all(database.engine)
    Base.metadata.create_all(database.engine)
    with database.session() as s:
        s.add_all([Person(id=1, name="ann", tags=["a", "b"], active=True, born_at=BORN),
                   Person(id=2, name="anna", tags=[], active=False, born_at=None),
                   Person(id=3, name="bob", kind="customer")])
    yield database
    database.dispose()


def test_rows_are_what_sqlalchemy_gives(db):
    with db.read_connection() as connection:
        expected = connection.execute(BY_ID.statement, {"person_id": 1}).one()
    row = db.read_first(BY_ID, person_id=1)
    assert tuple(row) == tuple(expected)
    assert (row.id, row.name, row.tags, row.active) == (1, "ann", ["a", "b"], True)
    # A datetime as SQLAlchemy gives it (SQLite keeps no time zone).
    assert row.born_at == (BORN if db.url.startswith("postgresql") else BORN.replace(tzinfo=None))
    assert tuple(db.read_first(BY_ID, person_id=2)) == (2, "anna", [], False, None)
    assert db.read_first(BY_ID, person_id=99) is None


def test_literals_repeated_parameters_and_lists(db):
    assert [r.name for r in db.read_all(STAFF_NAMED, name="ann")] == ["ann", "anna"]
    assert [r.name for r in db.read_all(STAFF_NAMED, name="anna")] == ["anna"]
    assert db.read_all(STAFF_NAMED, name="bob") == []  # a customer: the literal holds
    assert [r.id for r in db.read_all(EVERYONE)] == [1, 2, 3]
    with pytest.raises(KeyError):
        db.read_all(STAFF_NAMED)


def test_statements_it_cannot_prepare_are_refused_at_first_use(db):
    in_list = PreparedRead(select(Person.id).where(Person.id.in_(bindparam("ids",
                                                                           expanding=True))))
    with pytest.raises(ValueError, match="IN lists"):
        db.read_all(in_list, ids=[1, 2])


@pytest.mark.postgres
def test_postgresql_plans_it_once_per_connection_outside_a_transaction(postgres_url):
    db = Database(postgres_url, pool_size=1, max_overflow=0)
    own_transaction = PreparedRead(select(text("xact_start = query_start"))
                                   .select_from(text("pg_stat_activity"))
                                   .where(text("pid = pg_backend_pid()")))
    try:
        assert db.read_first(own_transaction)[0] is True  # no BEGIN before it
        assert db.read_first(own_transaction)[0] is True
        name = own_transaction.plan(db.read_engine.dialect).name
        with db.read_connection() as connection:
            prepared = connection.execute(text(
                "SELECT name, statement FROM pg_prepared_statements")).all()
        assert [found for found, _ in prepared] == [name]
        assert prepared[0][1].startswith(f"PREPARE {name} AS SELECT")
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_prepared_statement_taken_away_is_prepared_again(postgres_url, caplog):
    caplog.set_level(logging.INFO, logger="kit.db")
    db = Database(postgres_url, pool_size=1, max_overflow=0)
    try:
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        with db.session() as s:
            s.add(Person(id=1, name="ann", tags=[], born_at=BORN))
        assert db.read_first(BY_ID, person_id=1).name == "ann"
        with db.read_connection() as connection:  # what a pooler does between clients
            connection.execute(text("DISCARD ALL"))
        assert db.read_first(BY_ID, person_id=1).name == "ann"
        # A migration widening a selected column changes the prepared result type.
        with db.session() as s:
            s.execute(text("ALTER TABLE people ALTER COLUMN name TYPE varchar(80)"))
        assert db.read_first(BY_ID, person_id=1).name == "ann"
        name = BY_ID.plan(db.read_engine.dialect).name
        assert [r.getMessage() for r in caplog.records if r.name == "kit.db"] == [
            f"prepared read {name} re-prepared (SQLSTATE 26000)",
            f"prepared read {name} re-prepared (SQLSTATE 0A000)"]
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_statement_the_session_already_holds_is_used(postgres_url):
    # Behind a pooler, a server connection may hold the statement from another client: the
    # name is the SQL's hash, so it is the same statement.
    db = Database(postgres_url, pool_size=1, max_overflow=0)
    try:
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        with db.session() as s:
            s.add(Person(id=1, name="ann", tags=[], born_at=BORN))
        plan = BY_ID.plan(db.read_engine.dialect)
        with db.read_connection() as connection:
            connection.exec_driver_sql(plan.prepare.replace("%%", "%"))
        assert db.read_first(BY_ID, person_id=1).name == "ann"
        assert db.read_first(BY_ID, person_id=1).name == "ann"
        assert PreparedRead(BY_ID.statement).plan(db.read_engine.dialect).name == plan.name
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_dead_connection_fails_one_read_and_is_replaced(postgres_url):
    db = Database(postgres_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=3600)
    backend = PreparedRead(select(text("pg_backend_pid()")))
    try:
        first = db.read_first(backend)[0]
        admin = psycopg2.connect(testing.POSTGRES_ADMIN_DSN)
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", (first,))

                def gone() -> bool:
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                                   (first,))
                    return cursor.fetchone()[0] == 0

                testing.wait_for(gone, timeout=10)
        finally:
            admin.close()
        # Not pinged (it was just used): the read fails as SQLAlchemy's would, and the pool
        # reconnects for the next one, which prepares its statement again.
        with pytest.raises(DBAPIError) as failed:
            db.read_first(backend)
        assert failed.value.connection_invalidated is True
        assert db.read_first(backend)[0] != first
    finally:
        db.dispose()
