"""kit.bulk_insert.insert_rows on both backends: types survive the jsonb trip, existing keys
are skipped, left-out columns take their defaults."""
import datetime as dt

import pytest
from kit import testing
from kit.bulk_insert import insert_rows
from kit.db import Database
from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table, select

postgres_url = testing.postgres_database_fixture(scope="module")

metadata = MetaData()
RECORDS = Table(
    "bulk_records", metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
           autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", Integer, nullable=False),
    Column("note", String(300)),
    Column("detail", JSON, nullable=False),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'bulk.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    database = Database(url)
    metadata.drop_all(database.engine)
    metadata.create_all(database.engine)
    yield database
    metadata.drop_all(database.engine)
    database.dispose()


def _row(n, **extra):
    return {"id": f"r-{n}", "at": dt.datetime(2026, 3, 1, 8, n, 30, 123456, tzinfo=dt.UTC),
            "status": 200 + n, "note": None if n % 2 else f"note «{n}» 简体 \"quoted\"",
            "detail": {"rows": n, "nested": {"list": [1, "two", None]}}, **extra}


def test_rows_are_stored_with_their_types_and_defaults(db):
    rows = [_row(n) for n in range(5)]
    with db.session() as s:
        inserted = insert_rows(s, RECORDS, rows, conflict_columns=("id",), returning="id")
    assert sorted(inserted) == [f"r-{n}" for n in range(5)]
    with db.session() as s:
        stored = s.execute(select(RECORDS).order_by(RECORDS.c.id)).mappings().all()
    assert [r["seq"] for r in stored] == sorted({r["seq"] for r in stored})  # the default ran
    for row, got in zip(rows, stored, strict=True):
        at = got["at"] if got["at"].tzinfo else got["at"].replace(tzinfo=dt.UTC)
        assert (got["id"], at, got["status"], got["note"], got["detail"]) == (
            row["id"], row["at"], row["status"], row["note"], row["detail"])


def test_existing_keys_are_skipped_and_not_returned(db):
    with db.session() as s:
        insert_rows(s, RECORDS, [_row(1), _row(2)], conflict_columns=("id",), returning="id")
    with db.session() as s:
        inserted = insert_rows(s, RECORDS, [_row(2, status=999), _row(3)],
                               conflict_columns=("id",), returning="id")
    assert inserted == ["r-3"]
    with db.session() as s:
        assert s.scalar(select(RECORDS.c.status).where(RECORDS.c.id == "r-2")) == 202
        assert s.scalar(select(RECORDS.c.id).where(RECORDS.c.id == "r-3")) == "r-3"


def test_nothing_to_insert_runs_no_statement(db):
    with db.session() as s:
        assert insert_rows(s, RECORDS, [], conflict_columns=("id",), returning="id") == []


def test_a_column_the_table_does_not_have_is_refused(db):
    with db.session() as s, pytest.raises(KeyError, match="colour"):
        insert_rows(s, RECORDS, [_row(1, colour="red")], conflict_columns=("id",),
                    returning="id")
