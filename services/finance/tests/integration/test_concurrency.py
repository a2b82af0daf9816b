"""Races on PostgreSQL with real threads: 20 attendances for 3 remaining hours deduct exactly
3 (the others find the balance insufficient, the balance ends at zero, never below); one
session racing with itself is deducted once; 10 instalments of 40% of a price leave 2 paid;
6 cashiers paying one refund pay it once."""
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


def test_concurrent_payments_never_pass_the_price_and_pay_in_full_once(postgres_db, fx):
    from finance import payments
    from finance.payments import PaymentCommand
    from kit.errors import DomainError

    db = postgres_db
    fx.place(db, "o-pay-race", customer_id="c-pay-race", price_fen=100_000)
    start = threading.Barrier(10)

    def pay(i: int) -> str:
        start.wait()
        try:
            with db.session() as s:
                payments.record(s, PaymentCommand("o-pay-race", "instalment", 40_000),
                                recorded_by=f"u-{i}")
            return "paid"
        except DomainError as refused:
            return refused.reason

    with ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(pay, range(10)))
    assert outcomes.count("paid") == 2
    assert set(outcomes) == {"paid", "payment.exceeds_price"}
    with db.session() as s:
        assert payments.paid_total(s, "o-pay-race") == 80_000


def test_concurrent_refund_payouts_pay_once(postgres_db, fx):
    from finance import payments, refunds
    from finance.payments import PaymentCommand
    from kit.errors import DomainError

    db = postgres_db
    fx.place(db, "o-ref-race", customer_id="c-ref-race", price_fen=50_000)
    with db.session() as s:
        payments.record(s, PaymentCommand("o-ref-race", "deposit", 5_000), recorded_by="u")
    with db.session() as s:
        refund_id = refunds.request(s, "o-ref-race", 0, "", fx.staff("u-cs", "customer_service")).id
    for caller in (fx.staff("u-s", "sales"), fx.staff("u-dm", "department_manager"),
                   fx.staff("u-f", "finance"), fx.staff("u-gm", "general_manager")):
        with db.session() as s:
            refunds.decide(s, refund_id, caller, approve=True)
    start = threading.Barrier(6)

    def payout(i: int) -> str:
        start.wait()
        try:
            with db.session() as s:
                refunds.pay(s, refund_id, fx.staff(f"u-cash{i}", "cashier"))
            return "paid"
        except DomainError as refused:
            return refused.reason

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(payout, range(6)))
    assert outcomes.count("paid") == 1
    assert set(outcomes) == {"paid", "refund.already_paid"}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.JournalEntry).where(
            m.JournalEntry.source == f"refund:{refund_id}:paid")) == 1
