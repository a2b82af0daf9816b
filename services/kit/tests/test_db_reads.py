"""kit.db's read path: one-statement reads outside a transaction, and pooled connections
that died while idle replaced without the caller noticing (what pool_pre_ping did)."""
from __future__ import annotations

import psycopg2
import pytest
from kit import testing
from kit.db import Database
from sqlalchemy import text

postgres_url = testing.postgres_database_fixture(scope="module", name="postgres_url")

# In a transaction that BEGIN opened, the statement starts after the transaction; a statement
# in autocommit is its own transaction.
_OWN_TRANSACTION = text("SELECT xact_start = query_start FROM pg_stat_activity "
                        "WHERE pid = pg_backend_pid()")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'svc.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    database = Database(url)
    with database.session() as s:
        s.execute(text("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)"))
        s.execute(text("DELETE FROM notes"))
        s.execute(text("INSERT INTO notes (id, body) VALUES (1, 'one')"))
    yield database
    database.dispose()


def test_reads_see_committed_rows(db):
    with db.read_connection() as connection:
        assert connection.execute(text("SELECT body FROM notes WHERE id = 1")).scalar() == "one"
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM notes")).scalar() == 1


@pytest.mark.postgres
def test_a_read_is_its_own_transaction_on_postgresql(postgres_url):
    db = Database(postgres_url)
    try:
        with db.read_connection() as connection:
            assert connection.execute(_OWN_TRANSACTION).scalar() is True
        with db.read() as s:
            assert s.execute(_OWN_TRANSACTION).scalar() is True
        with db.session() as s:  # the writing path keeps its transaction (BEGIN first)
            assert s.execute(_OWN_TRANSACTION).scalar() is False
    finally:
        db.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("path", ["session", "read"])
def test_a_connection_that_died_while_idle_is_replaced(postgres_url, path):
    db = Database(postgres_url, ping_after_idle_seconds=0.0)
    run = db.session if path == "session" else db.read
    backend_pid = text("SELECT pg_backend_pid()")
    try:
        with run() as s:
            first = s.execute(backend_pid).scalar()
        # The server ends the pooled connection (a restart, an idle timeout, an operator).
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
        with run() as s:  # pinged on checkout, reconnected: no error reaches the caller
            assert s.execute(backend_pid).scalar() != first
    finally:
        db.dispose()
