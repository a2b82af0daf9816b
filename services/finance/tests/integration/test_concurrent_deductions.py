"""20 attendances racing for 3 remaining hours on PostgreSQL: exactly 3 are deducted, the
others find the balance insufficient, and the balance ends at zero, never below."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from finance import journal, lesson_hours
from finance import models as m
from finance.lesson_hours import Attendance
from sqlalchemy import func, select

pytestmark = pytest.mark.postgres

RACERS = 20


def test_twenty_concurrent_deductions_against_three_hours(postgres_db, fx):
    db = postgres_db
    fx.place(db, "o-race", customer_id="c-race", lesson_hours=3)
    with db.session() as s:
        lesson_hours.credit(s, {"enrollment_id": "e-race", "order_id": "o-race",
                                "customer_id": "c-race", "course_id": "course-pm",
                                "confirmed_at": "2026-09-02T09:00:00Z"})
    start = threading.Barrier(RACERS)

    def deduct(i: int) -> str:
        start.wait()
        with db.session() as s:
            return lesson_hours.deduct(s, Attendance("e-race", f"s-{i}", f"a-{i}", 1, True),
                                       low_balance_hours=0).outcome

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = list(pool.map(deduct, range(RACERS)))
    assert outcomes.count("deducted") == 3
    assert outcomes.count("insufficient") == RACERS - 3
    with db.session() as s:
        assert lesson_hours.remaining(s, "e-race") == 0
        assert s.scalar(select(func.count()).select_from(m.JournalEntry).where(
            m.JournalEntry.kind == "deduction")) == 3
        assert journal.unbalanced_entries(s) == []


def test_the_same_session_racing_is_deducted_once(postgres_db, fx):
    db = postgres_db
    fx.place(db, "o-same", customer_id="c-same", lesson_hours=10)
    with db.session() as s:
        lesson_hours.credit(s, {"enrollment_id": "e-same", "order_id": "o-same",
                                "customer_id": "c-same", "course_id": "course-pm",
                                "confirmed_at": "2026-09-02T09:00:00Z"})
    start = threading.Barrier(8)

    def deduct(i: int) -> int:
        start.wait()
        with db.session() as s:
            return lesson_hours.deduct(s, Attendance("e-same", "s-1", f"a-{i}", 2, True),
                                       low_balance_hours=0).remaining_hours

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(deduct, range(8))) == {8}
    with db.session() as s:
        assert lesson_hours.remaining(s, "e-same") == 8
