"""`insert_rows`: many rows into one table in one statement, skipping rows whose key exists,
returning one column of the rows actually inserted.

On PostgreSQL the rows travel as ONE jsonb parameter that the server unpacks with
`jsonb_populate_recordset(NULL::<table>, ...)` (each key cast to its column's type), instead
of a multi-row VALUES list with a parameter per cell: psycopg2 adapts every parameter in
Python-facing C code, which measured ~40 % of identity's audit ingestion time for 19 columns
x hundreds of rows (bench/bus/bench_audit_ingest.py); one orjson string costs a fraction.
SQLite gets SQLAlchemy's multi-row INSERT (insertmanyvalues).

Columns not named in the rows take their server defaults (sequences, ...), as in an INSERT
that leaves them out.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session


def insert_rows(session: Session, target: Table, rows: Sequence[Mapping[str, Any]], *,
                conflict_columns: Sequence[str], returning: str) -> list[Any]:
    """INSERT `rows` (dicts with the same keys, JSON-serialisable values: str, numbers,
    None, dicts/lists for JSON columns, datetimes) ... ON CONFLICT (`conflict_columns`) DO
    NOTHING; return the `returning` column of the inserted rows."""
    if not rows:
        return []
    columns = list(rows[0])
    for name in (*columns, *conflict_columns, returning):
        if name not in target.c:
            raise KeyError(f"{target.name} has no column {name!r}")
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return list(session.execute(_postgresql_statement(target, tuple(columns),
                                                          tuple(conflict_columns), returning),
                                    {"rows": orjson.dumps(list(rows)).decode()}).scalars())
    if dialect == "sqlite":
        statement = (sqlite.insert(target)
                     .on_conflict_do_nothing(index_elements=list(conflict_columns))
                     .returning(target.c[returning]))
        return list(session.execute(statement, [dict(r) for r in rows]).scalars())
    raise RuntimeError(f"insert_rows does not support {dialect}")  # pragma: no cover


_STATEMENTS: dict[tuple, Any] = {}


def _postgresql_statement(target: Table, columns: tuple[str, ...],
                          conflict_columns: tuple[str, ...], returning: str):
    key = (target.name, columns, conflict_columns, returning)
    statement = _STATEMENTS.get(key)
    if statement is None:
        names = ", ".join(_quoted(name) for name in columns)
        # NULL::<table> names the row type whose column types the JSON keys are cast to.
        table_name = _quoted(target.name)
        conflict = ", ".join(_quoted(name) for name in conflict_columns)
        # The table's own identifiers (checked in insert_rows); the values are one bound parameter.
        sql = (f"INSERT INTO {table_name} ({names}) SELECT {names} "  # noqa: S608
               f"FROM jsonb_populate_recordset(NULL::{table_name}, CAST(:rows AS jsonb)) "
               f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {_quoted(returning)}")
        statement = text(sql)
        _STATEMENTS[key] = statement
    return statement


def _quoted(name: str) -> str:
    if not name.replace("_", "").isalnum():  # identifiers we define, never user input
        raise ValueError(f"unexpected identifier {name!r}")
    return f'"{name}"'
