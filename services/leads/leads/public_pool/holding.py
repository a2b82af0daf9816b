"""Holding caps: how many customers one person holds, and the lock that keeps two
concurrent grants to one person (two claims, a claim and an assignment) from both passing
the cap check.

PostgreSQL: a transaction-scoped advisory lock per person, taken before counting. SQLite: a
transaction that has written holds the database's only write lock, so every grant path
writes (its conditional UPDATE of the customer) before it counts.
"""
from __future__ import annotations

from collections.abc import Iterable

from kit.errors import FailedPrecondition
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..models import Customer
from ..settings import LeadsSettings
from . import policy as pool_policy


def lock_holder(s: Session, user_id: str) -> None:
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                  {"k": f"leads.holder:{user_id}"})


def held(s: Session, user_id: str) -> int:
    return s.scalar(select(func.count()).select_from(Customer).where(
        Customer.owner_id == user_id, Customer.merged_into_id.is_(None)))


def loads(s: Session, user_ids: list[str]) -> dict[str, int]:
    """Customers held per person (0 for those holding none)."""
    counts = dict.fromkeys(user_ids, 0)
    if user_ids:
        for owner, n in s.execute(
                select(Customer.owner_id, func.count()).where(
                    Customer.owner_id.in_(user_ids), Customer.merged_into_id.is_(None))
                .group_by(Customer.owner_id)):
            counts[owner] = n
    return counts


def cap_reached(held_now: int, cap: int) -> FailedPrecondition:
    return FailedPrecondition(
        f"you hold {held_now} customers, the most your roles allow ({cap}); release or "
        "close some before claiming more",
        reason="pool.cap_reached",
        message_zh=f"您已持有 {held_now} 位客户，已达上限 {cap}，请先释放部分客户再领取",
        details={"held": held_now, "cap": cap})


def ensure_can_hold(s: Session, user_id: str, roles: Iterable[str],
                    settings: LeadsSettings) -> tuple[int, int]:
    """For any path that gives `user_id` one more customer (the pool's claims; the customers
    area's claims of an unowned customer should call it too): the holder lock, then the
    count against the cap of `roles`. Returns (held now, cap); raises `pool.cap_reached`.
    Call it before writing the customer row (locks go holder first, then the customer, as
    the pool's claim and the assignment take them); on SQLite after some other write of the
    transaction (a claim row), which took the write lock (see the module doc)."""
    cap = pool_policy.load(s, settings).cap_for(roles)
    lock_holder(s, user_id)
    held_now = held(s, user_id)
    if held_now >= cap:
        raise cap_reached(held_now, cap)
    return held_now, cap
