"""kit.pagination: keyset pages on SQLite and PostgreSQL stay exact while rows are inserted
between pages, and a token that was altered, cut or meant for another list is refused."""
from __future__ import annotations

import datetime as dt

import pytest
from kit import pagination, testing
from kit.db import NAMING_CONVENTION, Database
from kit.errors import InvalidArgument
from sqlalchemy import Date, Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.schema import MetaData

postgres_url = testing.postgres_database_fixture(scope="module", name="postgres_url")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Item(Base):
    __tablename__ = "paged_items"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    day: Mapped[dt.date] = mapped_column(Date)
    rank: Mapped[int] = mapped_column(Integer)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'pages.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    database = Database(url)
    Base.metadata.drop_all(database.engine)
    Base.metadata.create_all(database.engine)
    yield database
    database.dispose()


def add(db, *names: str) -> None:
    with db.session() as s:
        s.add_all(Item(id=f"id-{n}", name=n, day=dt.date(2026, 3, 1 + len(n) % 20), rank=len(n))
                  for n in names)


def read_all(db, size: int, keys=(Item.name, Item.id), between=None) -> list[str]:
    seen, token, pages = [], "", 0
    while True:
        with db.session() as s:
            page = pagination.keyset_page(s, select(Item), keys, token=token, size=size,
                                          list_name="items")
        seen += [r.name for r in page.rows]
        pages += 1
        if between:
            between(pages)
        if not page.next_token:
            return seen
        token = page.next_token


def test_pages_are_stable_when_rows_arrive_between_them(db):
    add(db, "b", "d", "f", "h", "j", "l")

    def insert(pages: int) -> None:
        if pages == 1:  # after the first page ["b", "d"]: one row before it, one after
            add(db, "a", "e")

    assert read_all(db, 2, between=insert) == ["b", "d", "e", "f", "h", "j", "l"]


def test_equal_names_are_ordered_by_the_unique_key(db):
    with db.session() as s:
        s.add_all(Item(id=f"id-{i:02d}", name="same", day=dt.date(2026, 1, 1), rank=i)
                  for i in range(7))
    seen = []
    token = ""
    while True:
        with db.session() as s:
            page = pagination.keyset_page(s, select(Item), (Item.name, Item.id), token=token,
                                          size=3, list_name="items")
        seen += [r.id for r in page.rows]
        if not page.next_token:
            break
        token = page.next_token
    assert seen == [f"id-{i:02d}" for i in range(7)]


def test_date_and_integer_keys(db):
    add(db, "a", "bb", "ccc", "dd", "e")
    by_day = read_all(db, 2, keys=(Item.day, Item.id))
    assert by_day == ["a", "e", "bb", "dd", "ccc"]
    assert read_all(db, 1, keys=(Item.rank, Item.id)) == ["a", "e", "bb", "dd", "ccc"]


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2],                                   # cut
    lambda t: ("A" if t[0] != "A" else "B") + t[1:],    # one character of the keys changed
    lambda t: t.split(".")[0],                          # checksum dropped
    lambda t: t.replace(".", "!"),
    lambda t: "not a token",
    lambda t: pagination.encode(["x"], list_name="items"),          # wrong number of keys
    lambda t: pagination.encode([1, "id-x"], list_name="items"),    # a key of the wrong type
    lambda t: pagination.encode(["x", "id-x"], list_name="others"),  # another list's token
])
def test_tampered_tokens_are_invalid_argument(db, tamper):
    add(db, "a", "b", "c")
    with db.session() as s:
        token = pagination.keyset_page(s, select(Item), (Item.name, Item.id), token="", size=1,
                                       list_name="items").next_token
        assert token
        with pytest.raises(InvalidArgument) as refused:
            pagination.keyset_page(s, select(Item), (Item.name, Item.id), token=tamper(token),
                                   size=1, list_name="items")
    assert refused.value.reason == "invalid.page_token"


def test_page_size_bounds():
    assert pagination.page_size(0) == pagination.DEFAULT_PAGE_SIZE
    assert pagination.page_size(10_000, maximum=500) == 500
    assert pagination.page_size(7, default=100) == 7
