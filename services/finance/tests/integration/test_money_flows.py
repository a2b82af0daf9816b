"""Payments, lesson hours, refunds and commissions through the rule modules on SQLite and
PostgreSQL: amounts bounded, each fact booked once, the events written to the outbox."""
from __future__ import annotations

import pytest
from finance import accounts, commissions, journal, lesson_hours, payments, refunds, vouchers
from finance import models as m
from finance.lesson_hours import Attendance
from finance.payments import PaymentCommand
from kit.errors import DomainError
from sqlalchemy import select

SELLER = "u-seller"


def pay(db, order_id, kind, amount, who="u-cashier"):
    with db.session() as s:
        return payments.record(s, PaymentCommand(order_id, kind, amount), recorded_by=who)


def credit(db, enrollment_id, order_id, customer_id, hours=None):
    data = {"enrollment_id": enrollment_id, "order_id": order_id, "customer_id": customer_id,
            "course_id": "course-pm", "confirmed_at": "2026-09-02T09:00:00Z"}
    if hours is not None:
        data["lesson_hours"] = hours
    with db.session() as s:
        lesson_hours.credit(s, data)


def attend(db, enrollment_id, session_id, hours=1, counts=True):
    with db.session() as s:
        row = lesson_hours.deduct(s, Attendance(enrollment_id, session_id, f"a-{session_id}",
                                                hours, counts), low_balance_hours=2)
        return row.outcome, row.remaining_hours


def refused(reason, fn, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        fn(*args, **kwargs)
    assert caught.value.reason == reason, caught.value.message
    assert caught.value.message_zh and caught.value.message_zh != caught.value.message


def test_payments_never_exceed_the_price_and_pay_in_full_once(db, fx):
    order, customer = fx.unique("o"), fx.unique("c")
    fx.place(db, order, customer_id=customer, price_fen=1_000_000)
    refused("payment.not_full", pay, db, order, "full", 400_000)
    pay(db, order, "deposit", 100_000)
    refused("payment.not_a_deposit", pay, db, order, "deposit", 100_000)
    pay(db, order, "instalment", 400_000)
    refused("payment.exceeds_price", pay, db, order, "instalment", 500_001)
    refused("payment.invalid", pay, db, order, "instalment", 0)
    # no commission on a deposit or an instalment
    with db.session() as s:
        assert s.scalars(select(m.Commission).where(m.Commission.order_id == order)).all() == []
    last = pay(db, order, "full", 500_000)
    assert last.paid_total_fen == 1_000_000
    refused("order.paid_in_full", pay, db, order, "instalment", 1)
    types = fx.outbox_types(db, order)
    assert types.count("crm.finance.payment.recorded.v1") == 3
    assert types.count("crm.finance.order.paid_in_full.v1") == 1
    with db.session() as s:
        acc = accounts.account(s, customer)
        assert (acc.paid_fen, acc.prepaid_fen) == (1_000_000, 1_000_000)
        # tier A's seller ratio (500 bp, not the any-tier 300) and the named cs manager's
        got = {(c.person_id, c.role): c.amount_fen for c in s.scalars(
            select(m.Commission).where(m.Commission.order_id == order))}
        assert got == {(SELLER, "seller"): 50_000, ("u-csm", "cs_manager"): 10_000}
        assert journal.balance(s, "commission_payable", party_id="u-csm", ref_id=order) \
            == -10_000


def test_a_cancelled_order_takes_no_payment(db, fx):
    from finance import orders
    order = fx.unique("o")
    fx.place(db, order)
    with db.session() as s:
        orders.record_cancelled(s, {"order_id": order, "reason": "changed mind",
                                    "cancelled_at": "2026-09-03T09:00:00Z"})
    refused("order.cancelled", pay, db, order, "deposit", 100)


def test_hours_are_deducted_once_per_session_and_never_below_zero(db, fx):
    order, customer, enrollment = fx.unique("o"), fx.unique("c"), fx.unique("e")
    fx.place(db, order, customer_id=customer, lesson_hours=5)
    pay(db, order, "full", 1_000_000)
    credit(db, enrollment, order, customer)  # hours from the order: 5
    credit(db, enrollment, order, customer)  # a repeat credits nothing
    assert attend(db, enrollment, "s1", 2) == ("deducted", 3)
    assert attend(db, enrollment, "s1", 2) == ("deducted", 3)  # the same session: once
    assert attend(db, enrollment, "s2", 1, counts=False) == ("not_consumed", 3)  # leave
    assert attend(db, enrollment, "s3", 1) == ("deducted", 2)  # crosses the low threshold
    assert attend(db, enrollment, "s4", 3) == ("insufficient", 2)
    assert attend(db, enrollment, "s5", 2) == ("deducted", 0)
    types = fx.outbox_types(db, enrollment)
    assert types.count("crm.finance.lesson_hours.deducted.v1") == 3
    assert types.count("crm.finance.balance.low.v1") == 2  # crossing, then insufficient
    with db.session() as s:
        acc = accounts.account(s, customer)
        assert [(h.credited, h.consumed, h.remaining) for h in acc.hours] == [(5, 5, 0)]
        # every hour consumed moved its value from prepaid money to revenue: all of it
        assert (acc.paid_fen, acc.prepaid_fen) == (1_000_000, 0)
        refused("enrollment.not_found", lesson_hours.deduct, s,
                Attendance("nope", "s", "a", 1, True), low_balance_hours=2)


def approve_all(db, refund_id, callers):
    for caller in callers:
        with db.session() as s:
            status = refunds.decide(s, refund_id, caller, approve=True).status
    return status


def chain(fx):
    return [fx.staff("u-seller2", "sales"), fx.staff("u-dm", "department_manager"),
            fx.staff("u-fin", "finance"), fx.staff("u-gm", "general_manager")]


def test_refund_of_a_partly_attended_enrollment(db, fx):
    order, customer, enrollment = fx.unique("o"), fx.unique("c"), fx.unique("e")
    fx.place(db, order, customer_id=customer, price_fen=1_000_000, lesson_hours=30)
    pay(db, order, "deposit", 100_000)
    pay(db, order, "full", 900_000)
    credit(db, enrollment, order, customer, hours=30)
    for i in range(7):
        attend(db, enrollment, f"s{i}")
    cs = fx.staff("u-cs", "customer_service")
    with db.session() as s:
        refund = refunds.request(s, order, 0, "moving away", cs)
        assert (refund.stage, refund.amount_fen, refund.full_refund) == \
            ("attending", 766_662, True)
    with db.session() as s:  # one under way at a time
        refused("refund.under_way", refunds.request, s, order, 0, "again", cs)
    # levels in order; nobody decides their own request; the cashier pays after approval
    with db.session() as s:
        refused("approval.own_request", refunds.decide, s, refund.id, fx.staff("u-cs", "sales"),
                approve=True)
    with db.session() as s:
        refused("approval.not_your_level", refunds.decide, s, refund.id,
                fx.staff("u-fin", "finance"), approve=True)
    with db.session() as s:
        refused("refund.not_approved", refunds.pay, s, refund.id, fx.staff("u-cash", "cashier"))
    assert approve_all(db, refund.id, chain(fx)) == "approved"
    with db.session() as s:
        refunds.pay(s, refund.id, fx.staff("u-cash", "cashier"))
    with db.session() as s:
        refused("refund.already_paid", refunds.pay, s, refund.id,
                fx.staff("u-cash", "cashier"))
    with db.session() as s:
        acc = accounts.account(s, customer)
        # the consumed value was recognised as the hours were attended: nothing is held
        assert (acc.paid_fen, acc.refunded_fen, acc.prepaid_fen) == (1_000_000, 766_662, 0)
        assert journal.balance(s, "revenue", party_id="") <= -233_338
        assert [(h.consumed, h.forfeited, h.remaining) for h in acc.hours] == [(7, 23, 0)]
        # the full refund took every commission back
        payable = {c.person_id: 0 for c in s.scalars(select(m.Commission).where(
            m.Commission.order_id == order))}
        for person in payable:
            assert journal.balance(s, "commission_payable", party_id=person,
                                   ref_id=order) == 0
        assert journal.unbalanced_entries(s) == []
    # no more attendance on a refunded enrollment, no more refund of a refunded order
    assert attend(db, enrollment, "s-late") == ("insufficient", 0)
    with db.session() as s:
        refused("order.refunded", refunds.request, s, order, 0, "again", cs)
    types = fx.outbox_types(db, refund.id)
    assert types == ["crm.finance.refund.requested.v1", "crm.finance.refund.approved.v1",
                     "crm.finance.refund.paid.v1"]


def test_a_rejection_ends_the_refund_and_a_deposit_refund_then_a_partial(db, fx):
    order, customer = fx.unique("o"), fx.unique("c")
    fx.place(db, order, customer_id=customer, price_fen=900_000)
    pay(db, order, "deposit", 100_000)
    cs = fx.staff("u-cs", "customer_service")
    with db.session() as s:
        refund = refunds.request(s, order, 0, "", cs)
        assert (refund.stage, refund.amount_fen) == ("deposit", 100_000)
    with db.session() as s:
        refunds.decide(s, refund.id, fx.staff("u-seller2", "sales"), approve=True)
    with db.session() as s:
        assert refunds.decide(s, refund.id, fx.staff("u-dm", "department_manager"),
                              approve=False).status == "rejected"
    with db.session() as s:
        refused("approval.ended", refunds.decide, s, refund.id, fx.staff("u-fin", "finance"),
                approve=True)
    with db.session() as s:  # more than refundable is refused; a partial refund is allowed
        refused("refund.exceeds_refundable", refunds.request, s, order, 100_001, "", cs)
    with db.session() as s:
        partial = refunds.request(s, order, 40_000, "compensation", cs)
        assert not partial.full_refund
    approve_all(db, partial.id, chain(fx))
    with db.session() as s:
        refunds.pay(s, partial.id, fx.staff("u-cash", "cashier"))
        assert refunds.prefill(s, s.get(m.Order, order)).quote.refundable_fen == 60_000
        acc = accounts.account(s, customer)
        assert (acc.paid_fen, acc.refunded_fen, acc.prepaid_fen) == (100_000, 40_000, 60_000)
    # the order still takes payments after a partial refund, never past its price
    refused("payment.exceeds_price", pay, db, order, "instalment", 800_001)


def test_commission_statements_are_reviewed_then_paid_once(db, fx):
    person = fx.unique("u-seller")
    order = fx.unique("o")
    fx.place(db, order, seller_id=person, price_fen=200_000, channel_tier="B",
             ratios=[{"role": "seller", "channel_tier": None, "ratio_bp": 1000}])
    pay(db, order, "full", 200_000)
    fin, cashier = fx.staff("u-fin", "finance"), fx.staff("u-cash", "cashier")
    with db.session() as s:
        month = s.scalar(select(m.Commission.month).where(m.Commission.person_id == person))
        statement = commissions.create_statement(s, person, month, fin)
        assert (statement.total_fen, statement.lines) == (20_000, 1)
    with db.session() as s:
        refused("statement.exists", commissions.create_statement, s, person, month, fin)
    with db.session() as s:
        refused("statement.not_reviewed", commissions.pay_statement, s, statement.id, cashier)
    with db.session() as s:
        commissions.review_statement(s, statement.id, fin)
    with db.session() as s:
        commissions.pay_statement(s, statement.id, cashier)
    with db.session() as s:
        refused("statement.already_paid", commissions.pay_statement, s, statement.id, cashier)
        assert journal.balance(s, "commission_payable", party_id=person) == 0


def test_vouchers_are_checked_and_stored_by_content_hash(db, fx):
    order = fx.unique("o")
    fx.place(db, order)
    payment = pay(db, order, "deposit", 100)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    limits = dict(allowed=("image/png", "application/pdf"), max_bytes=1000)
    with db.session() as s:
        first = vouchers.upload(s, document_type="payment", document_id=payment.id,
                                content=png, content_type="image/png", file_name="slip.png",
                                uploaded_by="u-cash", **limits)
        second = vouchers.upload(s, document_type="payment", document_id=payment.id,
                                 content=png, content_type="image/png", file_name="again.png",
                                 uploaded_by="u-cash", **limits)
        assert first.content_hash == second.content_hash and first.id != second.id
        assert vouchers.content(s, first) == png
    for content, kind, reason in ((png, "image/jpeg", "voucher.type_not_allowed"),
                                  (png, "application/pdf", "voucher.type_mismatch"),
                                  (b"%PDF-" + b"0" * 1000, "application/pdf",
                                   "voucher.too_large"),
                                  (b"", "image/png", "voucher.empty")):
        with db.session() as s:
            refused(reason, vouchers.upload, s, document_type="payment",
                    document_id=payment.id, content=content, content_type=kind, file_name="x",
                    uploaded_by="u", **limits)
    with db.session() as s:
        refused("payment.not_found", vouchers.upload, s, document_type="payment",
                document_id="nope", content=png, content_type="image/png", file_name="x",
                uploaded_by="u", **limits)

