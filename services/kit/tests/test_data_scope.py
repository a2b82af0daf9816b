"""kit.data_scope: the one rule of who sees which rows, as a single-row check and as SQL, on
SQLite and PostgreSQL; the two must agree on every (scope, anchor) pair."""
from __future__ import annotations

import pytest
from kit import testing
from kit.caller import Caller, DataScope
from kit.data_scope import RowPlacement, ScopeColumns, allows, effective_scope, where
from kit.db import NAMING_CONVENTION, Database
from sqlalchemy import Boolean, Column, MetaData, String, Table, select

postgres_url = testing.postgres_database_fixture(scope="module", name="postgres_url")

METADATA = MetaData(naming_convention=NAMING_CONVENTION)
ROWS = Table("scoped_rows", METADATA, Column("id", String(20), primary_key=True),
             Column("owner_id", String(20)), Column("department_id", String(20)),
             Column("region_id", String(20)), Column("this_term", Boolean, nullable=False))
# (id, owner, department, region, in the current term)
DATA = [("mine-n1", "u-me", "d-n1", "r-north", False),
        ("other-n1", "u-x", "d-n1", "r-north", True),
        ("other-n2", "u-y", "d-n2", "r-north", False),
        ("other-s1", "u-z", "d-s1", "r-south", False),
        ("orphan", None, None, None, False)]


def caller(scope: DataScope, *, region: str | None = "r-north",
           department: str | None = "d-n1") -> Caller:
    return Caller(user_id="u-me", username="me", roles=("x",), org_unit_id=department,
                  department_id=department, region_id=region, data_scope=scope)


CASES = [
    ("all", caller(DataScope.ALL), {"mine-n1", "other-n1", "other-n2", "other-s1", "orphan"}),
    ("region", caller(DataScope.REGION), {"mine-n1", "other-n1", "other-n2"}),
    ("region without a region is own", caller(DataScope.REGION, region=None), {"mine-n1"}),
    ("department", caller(DataScope.DEPARTMENT), {"mine-n1", "other-n1"}),
    ("department without one is own", caller(DataScope.DEPARTMENT, department=None),
     {"mine-n1"}),
    ("current term", caller(DataScope.CURRENT_TERM), {"mine-n1", "other-n1"}),
    ("own", caller(DataScope.OWN), {"mine-n1"}),
]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                               marks=pytest.mark.postgres)])
def db(request, tmp_path_factory):
    url = (f"sqlite:///{tmp_path_factory.mktemp('scope') / 'scope.db'}"
           if request.param == "sqlite" else request.getfixturevalue("postgres_url"))
    database = Database(url)
    METADATA.drop_all(database.engine)
    METADATA.create_all(database.engine)
    with database.session() as s:
        s.execute(ROWS.insert(), [dict(zip(("id", "owner_id", "department_id", "region_id",
                                            "this_term"), row, strict=True)) for row in DATA])
    yield database
    database.dispose()


COLUMNS = ScopeColumns(owner=ROWS.c.owner_id, department=ROWS.c.department_id,
                       region=ROWS.c.region_id, current_term=ROWS.c.this_term.is_(True))


@pytest.mark.parametrize(("name", "who", "expected"), CASES, ids=[c[0] for c in CASES])
def test_sql_and_row_check_agree(db, name, who, expected):
    with db.session() as s:
        seen = set(s.scalars(select(ROWS.c.id).where(where(who, COLUMNS))))
    assert seen == expected
    checked = {row_id for row_id, owner, dept, region, term in DATA
               if allows(who, RowPlacement(owner_id=owner, department_ids=(dept,) if dept else (),
                                           region_id=region, in_current_term=term))}
    assert checked == expected


def test_rows_serving_several_departments(db):
    """A row that belongs to several departments (a campus): `in_department`."""
    columns = ScopeColumns(region=ROWS.c.region_id,
                           in_department=lambda d: ROWS.c.id.in_(
                               ["other-n2", "other-s1"] if d == "d-n2" else []))
    who = caller(DataScope.DEPARTMENT, department="d-n2")
    with db.session() as s:
        assert set(s.scalars(select(ROWS.c.id).where(where(who, columns)))) == \
            {"other-n2", "other-s1"}
    assert allows(who, RowPlacement(department_ids=("d-n1", "d-n2")))
    assert not allows(who, RowPlacement(department_ids=("d-n1",), region_id="r-north"))


def test_a_table_without_an_anchor_shows_nothing_but_to_all():
    assert effective_scope(caller(DataScope.REGION, region=None)) == DataScope.OWN
    empty = ScopeColumns()
    assert str(where(caller(DataScope.REGION), empty)) == "false"
    assert str(where(caller(DataScope.OWN), empty)) == "false"
    assert str(where(caller(DataScope.ALL), empty)) == "true"
