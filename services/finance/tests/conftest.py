"""Shared fixtures of the finance tests: migrated databases and small builders."""
from __future__ import annotations

import itertools

import pytest
from finance import models as m
from finance import orders
from kit import migrate, testing
from kit.caller import Caller, DataScope
from kit.db import Database

_ids = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def staff(user_id: str, *roles: str, scope: DataScope = DataScope.ALL,
          department_id: str | None = "dep-1", region_id: str | None = "reg-1",
          rights: tuple[str, ...] = ()) -> Caller:
    return Caller(user_id=user_id, username=user_id, roles=roles, org_unit_id=department_id,
                  department_id=department_id, region_id=region_id, data_scope=scope,
                  rights=rights)


def order_placed(order_id: str, *, customer_id: str = "c-1", price_fen: int = 1_000_000,
                 deposit_fen: int = 100_000, lesson_hours: int = 30, seller_id: str = "u-seller",
                 department_id: str = "dep-1", region_id: str = "reg-1",
                 channel_tier: str | None = "A", ratios: list | None = None) -> dict:
    return {
        "order_id": order_id, "customer_id": customer_id, "payer_customer_id": None,
        "course_id": "course-pm", "class_id": None, "term_id": "term-1",
        "campus_id": "campus-bj", "seller_id": seller_id,
        "seller_department_id": department_id, "seller_region_id": region_id,
        "channel_id": "ch-1", "channel_tier": channel_tier, "list_price_fen": price_fen,
        "discount_fen": 0, "price_fen": price_fen, "deposit_fen": deposit_fen,
        "lesson_hours": lesson_hours,
        "commission_ratios": ratios if ratios is not None else [
            {"role": "seller", "channel_tier": "A", "ratio_bp": 500},
            {"role": "seller", "channel_tier": None, "ratio_bp": 300},
            {"role": "cs_manager", "channel_tier": None, "ratio_bp": 100,
             "person_id": "u-csm"}],
        "placed_at": "2026-09-01T09:00:00Z",
    }


def place(db: Database, order_id: str, **kwargs) -> None:
    with db.session() as s:
        orders.record_placed(s, order_placed(order_id, **kwargs))


def outbox_types(db: Database, subject: str | None = None) -> list[str]:
    from sqlalchemy import select
    stmt = select(m.OUTBOX.c.event_type).order_by(m.OUTBOX.c.id)
    if subject is not None:
        stmt = stmt.where(m.OUTBOX.c.subject == subject)
    with db.session() as s:
        return list(s.scalars(stmt))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def db(request):
    manager = testing.sqlite_database() if request.param == "sqlite" \
        else testing.postgres_database("finance_test")
    with manager as url:
        migrate.upgrade("finance", url)
        database = Database(url)
        yield database
        database.dispose()


@pytest.fixture
def sqlite_db():
    with testing.sqlite_database() as url:
        migrate.upgrade("finance", url)
        database = Database(url)
        yield database
        database.dispose()


@pytest.fixture(scope="module")
def postgres_db():
    with testing.postgres_database("finance_pg") as url:
        migrate.upgrade("finance", url)
        database = Database(url, pool_size=25)
        yield database
        database.dispose()


@pytest.fixture(scope="session")
def fx():
    """The builders above, for test modules (importlib mode: conftest is not importable)."""
    import types
    return types.SimpleNamespace(unique=unique, staff=staff, order_placed=order_placed,
                                 place=place, outbox_types=outbox_types)
