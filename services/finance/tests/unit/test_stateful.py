"""A Hypothesis state machine over random sequences of orders, deposits, instalments and full
payments (with retried and conflicting idempotency keys), enrollments, attendances (repeated
sessions, leave, too few hours), refunds, approvals by right and wrong people, rejections and
repeated payouts, on SQLite. After every step: the journal balances, no lesson-hour balance is
negative, one deduction per (enrollment, session), payments ≤ price and refunded ≤ paid per
order, each refund booked once per stage, one commission per sale and person and none before
full payment, and a fully refunded order holds no money."""
from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest
from finance import journal, lesson_hours, orders, payments, refunds
from finance import models as m
from finance.lesson_hours import Attendance
from finance.payments import PaymentCommand
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
)
from kit import idempotency, migrate
from kit.caller import Caller, DataScope
from kit.db import Database
from kit.errors import DomainError, IdempotencyConflict
from sqlalchemy import func, select

# in memory-backed storage when there is some: the test is about rules, not the disk
_DIR = tempfile.TemporaryDirectory(
    prefix="finance_stateful_", dir="/dev/shm" if Path("/dev/shm").is_dir() else None)  # noqa: S108
_DB: Database | None = None
_runs = itertools.count()


def database() -> Database:
    """One migrated SQLite file for the whole test; each example uses fresh ids."""
    global _DB
    if _DB is None:
        url = f"sqlite:///{Path(_DIR.name) / 'stateful.db'}"
        migrate.upgrade("finance", url)
        _DB = Database(url)
    return _DB


def person(user_id: str, role: str) -> Caller:
    return Caller(user_id, user_id, (role,), None, "dep-1", "reg-1", DataScope.ALL)


LEVEL_CALLERS = {"seller": person("u-s2", "sales"),
                 "department_head": person("u-dm", "department_manager"),
                 "finance": person("u-fin", "finance"),
                 "general_manager": person("u-gm", "general_manager")}
REQUESTER = person("u-cs", "customer_service")
CASHIER = person("u-cash", "cashier")
PAYMENT_CODEC = idempotency.Codec(lambda p: p.encode(), lambda b, _s: b.decode())


class Finance(RuleBasedStateMachine):
    orders = Bundle("orders")
    enrollments = Bundle("enrollments")
    refund_ids = Bundle("refunds")

    def __init__(self):
        super().__init__()
        self.db = database()
        self.run = f"r{next(_runs)}"
        self.n = itertools.count()
        self.keys: dict[str, tuple[str, str]] = {}  # key → (fingerprint, payment id)
        self.order_ids: list[str] = []

    def _id(self, kind: str) -> str:
        return f"{self.run}-{kind}{next(self.n)}"

    @rule(target=orders, price=st.integers(1, 50).map(lambda x: x * 1000),
          hours=st.sampled_from([0, 2, 3, 6]), with_cs=st.booleans())
    def place_order(self, price, hours, with_cs):
        order_id = self._id("o")
        ratios = [{"role": "seller", "channel_tier": None, "ratio_bp": 1000}]
        if with_cs:
            ratios.append({"role": "cs_manager", "channel_tier": None, "ratio_bp": 250,
                           "person_id": "u-csm"})
        with self.db.session() as s:
            orders.record_placed(s, {
                "order_id": order_id, "customer_id": f"{order_id}-c", "course_id": "k",
                "campus_id": "cp", "seller_id": "u-seller", "seller_department_id": "dep-1",
                "seller_region_id": "reg-1", "list_price_fen": price, "discount_fen": 0,
                "price_fen": price, "deposit_fen": price // 10, "lesson_hours": hours,
                "commission_ratios": ratios, "placed_at": "2026-09-01T09:00:00Z"})
        self.order_ids.append(order_id)
        return order_id

    @rule(order=orders, kind=st.sampled_from(payments.KINDS),
          share=st.integers(1, 110), key=st.integers(0, 5))
    def pay(self, order, kind, share, key):
        with self.db.session() as s:
            o = s.get(m.Order, order)
            remaining = o.price_fen - payments.paid_total(s, order)
        amount = max(1, remaining * share // 100) if kind != "full" else remaining
        idem = f"{self.run}-k{key}"
        fingerprint = f"{order}:{kind}:{amount}"

        def apply(s):
            return payments.record(s, PaymentCommand(order, kind, amount),
                                   recorded_by="u-cash").id
        try:
            got = idempotency.run_once(self.db, idem, "RecordPayment", fingerprint, apply,
                                       PAYMENT_CODEC)
        except IdempotencyConflict:
            assert idem in self.keys and self.keys[idem][0] != fingerprint
            return
        except DomainError:
            assert idem not in self.keys or self.keys[idem][0] != fingerprint
            return
        if idem in self.keys:  # a retry: the same payment, nothing new
            assert self.keys[idem] == (fingerprint, got)
        self.keys[idem] = (fingerprint, got)

    @rule(target=enrollments, order=orders, settle=st.booleans())
    def enroll(self, order, settle):
        """Enrollment confirms an order paid in full (settling it first, when told to)."""
        with self.db.session() as s:
            o = s.get(m.Order, order)
            remaining = o.price_fen - payments.paid_total(s, order)
            if settle and o.status == orders.OPEN and remaining > 0:
                payments.record(s, PaymentCommand(order, "instalment", remaining),
                                recorded_by="u-cash")
            if o.status != orders.PAID_IN_FULL:
                return f"{order}-unconfirmed"
            lesson_hours.credit(s, {"enrollment_id": f"{order}-e", "order_id": order,
                                    "customer_id": o.customer_id, "course_id": "k"})
        return f"{order}-e"

    @rule(enrollment=enrollments, session=st.integers(0, 5), hours=st.sampled_from([0, 1, 1, 2]),
          counts=st.sampled_from([True, True, False]))
    def attend(self, enrollment, session, hours, counts):
        with self.db.session() as s:
            try:
                lesson_hours.deduct(s, Attendance(enrollment, f"s{session}", f"a{session}",
                                                  hours, counts), low_balance_hours=1)
            except DomainError as refused:
                assert refused.reason == "enrollment.not_found"
                assert enrollment.endswith("-unconfirmed")

    @rule(target=refund_ids, order=orders, share=st.sampled_from([0, 30, 100, 150]))
    def request_refund(self, order, share):
        with self.db.session() as s:
            refundable = refunds.prefill(s, s.get(m.Order, order)).quote.refundable_fen
        amount = refundable * share // 100
        if refundable == 0 and share:
            return "no-refund"  # nothing paid yet: the request is refused (tested elsewhere)
        try:
            with self.db.session() as s:
                return refunds.request(s, order, amount, "", REQUESTER).id
        except DomainError as refused:
            assert refused.reason in {"refund.nothing_refundable", "refund.under_way",
                                      "refund.exceeds_refundable", "order.refunded"}
            return "no-refund"

    @rule(refund=refund_ids, approve=st.sampled_from([True, True, True, False]),
          right_person=st.sampled_from([True, True, True, False]))
    def decide(self, refund, approve, right_person):
        with self.db.session() as s:
            row = s.get(m.Refund, refund)
            if row is None or row.status != refunds.PENDING:
                caller = LEVEL_CALLERS["finance"]
            else:
                from kit import approval_chain
                level = approval_chain.load(s, refunds.CHAIN, refund).next_level.name
                caller = LEVEL_CALLERS[level] if right_person else REQUESTER
        try:
            with self.db.session() as s:
                refunds.decide(s, refund, caller, approve=approve)
        except DomainError as refused:
            assert refused.reason in {"refund.not_found", "approval.ended",
                                      "approval.own_request", "approval.not_your_level",
                                      "refund.exceeds_refundable"}

    @rule(refund=refund_ids)
    def approve_through(self, refund):
        """Every remaining level approves, each by its own person."""
        from kit import approval_chain
        for _ in refunds.CHAIN.levels:
            with self.db.session() as s:
                row = s.get(m.Refund, refund)
                if row is None or row.status != refunds.PENDING:
                    return
                level = approval_chain.load(s, refunds.CHAIN, refund).next_level.name
            try:
                with self.db.session() as s:
                    refunds.decide(s, refund, LEVEL_CALLERS[level], approve=True)
            except DomainError as refused:  # hours consumed since the request
                assert refused.reason == "refund.exceeds_refundable"
                return

    @rule(refund=refund_ids, times=st.integers(1, 2))
    def pay_refund(self, refund, times):
        for _ in range(times):
            try:
                with self.db.session() as s:
                    refunds.pay(s, refund, CASHIER)
            except DomainError as refused:
                assert refused.reason in {"refund.not_found", "refund.not_approved",
                                          "refund.already_paid"}

    # ---- invariants, after every step -----------------------------------------------------
    @invariant()
    def journal_balances(self):
        with self.db.session() as s:
            assert journal.unbalanced_entries(s) == []
            assert all(v == 0 for v in journal.totals_by_commodity(s).values())

    @invariant()
    def no_negative_hours_and_one_deduction_per_session(self):
        with self.db.session() as s:
            balances = s.scalars(select(func.sum(m.JournalPosting.amount)).where(
                m.JournalPosting.account == "lesson_hours").group_by(
                m.JournalPosting.ref_id)).all()
            assert all(b >= 0 for b in balances)
            per_session = s.scalars(select(func.count()).select_from(m.HourDeduction).group_by(
                m.HourDeduction.enrollment_id, m.HourDeduction.session_id)).all()
            assert all(n == 1 for n in per_session)
            deducted = s.scalar(select(func.count()).select_from(m.HourDeduction).where(
                m.HourDeduction.outcome == "deducted"))
            entries = s.scalar(select(func.count()).select_from(m.JournalEntry).where(
                m.JournalEntry.kind == "deduction"))
            assert deducted == entries

    @invariant()
    def money_per_order(self):
        mine = m.Order.id.like(f"{self.run}-%")
        paid = select(m.Payment.order_id, func.sum(m.Payment.amount_fen).label("fen")) \
            .group_by(m.Payment.order_id).subquery()
        refunded = select(m.Refund.order_id, func.sum(m.Refund.amount_fen).label("fen")).where(
            m.Refund.status.in_(("approved", "paid"))).group_by(m.Refund.order_id).subquery()
        accrued = select(m.Commission.order_id, func.sum(m.Commission.amount_fen).label("fen"),
                         func.count().label("n"),
                         func.count(func.distinct(m.Commission.person_id + ":" +
                                                  m.Commission.role)).label("distinct")) \
            .where(m.Commission.kind == "accrual").group_by(m.Commission.order_id).subquery()
        reversed_ = select(m.Commission.order_id, (-func.sum(m.Commission.amount_fen))
                           .label("fen")).where(m.Commission.kind == "reversal") \
            .group_by(m.Commission.order_id).subquery()
        rows = select(m.Order.price_fen, m.Order.status, func.coalesce(paid.c.fen, 0),
                      func.coalesce(refunded.c.fen, 0), accrued.c.fen, accrued.c.n,
                      accrued.c.distinct, func.coalesce(reversed_.c.fen, 0)) \
            .outerjoin(paid, paid.c.order_id == m.Order.id) \
            .outerjoin(refunded, refunded.c.order_id == m.Order.id) \
            .outerjoin(accrued, accrued.c.order_id == m.Order.id) \
            .outerjoin(reversed_, reversed_.c.order_id == m.Order.id).where(mine)
        with self.db.session() as s:
            for price, status, paid_fen, refunded_fen, acc, n, distinct, rev in s.execute(rows):
                assert paid_fen <= price
                assert refunded_fen <= paid_fen
                assert status != orders.PAID_IN_FULL or paid_fen == price
                if n:  # one per sale, person and role, and only once paid in full
                    assert n == distinct and paid_fen == price
                assert 0 <= rev <= (acc or 0)
            # a full refund leaves nothing held: paid = consumed value (revenue) + refunds
            held = s.execute(select(m.JournalPosting.ref_id, func.sum(m.JournalPosting.amount))
                             .join(m.Order, m.Order.id == m.JournalPosting.ref_id)
                             .where(mine, m.Order.status == orders.REFUNDED,
                                    m.JournalPosting.account == "customer_prepaid")
                             .group_by(m.JournalPosting.ref_id)).all()
            assert all(total == 0 for _ref, total in held), held

    @invariant()
    def each_refund_booked_once(self):
        with self.db.session() as s:
            for r in s.scalars(select(m.Refund).where(m.Refund.order_id.in_(self.order_ids))):
                booked = {src: n for src, n in s.execute(
                    select(m.JournalEntry.source, func.count()).where(
                        m.JournalEntry.source.like(f"refund:{r.id}:%")).group_by(
                        m.JournalEntry.source))}
                assert all(n == 1 for n in booked.values())
                assert (f"refund:{r.id}:approved" in booked) == (r.status in ("approved",
                                                                               "paid"))
                assert (f"refund:{r.id}:paid" in booked) == (r.status == "paid")


# Derandomized: the suite runs the same sample every time (EDUCRM_FUZZ_SEED picks another).
# This sample reaches paid refunds, commission reversals, fully refunded orders and
# insufficient hours (counted when it was sized: 15 × 40 steps, ~10 s).
_SEED = os.environ.get("EDUCRM_FUZZ_SEED")
Finance.TestCase.settings = settings(max_examples=15, stateful_step_count=40, deadline=None,
                                     derandomize=_SEED is None, database=None,
                                     suppress_health_check=list(HealthCheck))
if _SEED is not None:
    Finance.TestCase = seed(int(_SEED))(Finance.TestCase)
TestFinanceStateMachine = pytest.mark.filterwarnings("ignore")(Finance.TestCase)
