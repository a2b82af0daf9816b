"""The finance service's tables (SQLAlchemy 2).

The journal (journal_entries + journal_postings) is the book of record: append-only (database
triggers refuse UPDATE and DELETE, see migration 0001), and every balance is a sum of its
postings. The other tables are documents (orders' read model, payments, refunds, commission
statements) that say why an entry was posted; their status columns change, their amounts
never move money by themselves.
"""
from __future__ import annotations

import datetime as dt
import uuid

from kit.approval_chain import approval_tables
from kit.db import make_base
from kit.events import inbox_table, outbox_table
from kit.idempotency import idempotency_table
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

Base = make_base()
OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
IDEMPOTENCY = idempotency_table(Base.metadata)
APPROVAL_REQUESTS, APPROVAL_DECISIONS = approval_tables(Base.metadata)

_SEQ = BigInteger().with_variant(Integer(), "sqlite")


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class JournalEntry(Base):
    """One balanced set of postings. `source` names the business fact it books (a payment,
    a refund's approval, a deduction...) and is unique: a fact is booked once."""
    __tablename__ = "journal_entries"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    order_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    memo: Mapped[str] = mapped_column(String(500), default="")
    # a compensating entry names the entry it corrects
    corrects_entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    posted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JournalPosting(Base):
    """One leg of an entry: a signed integer amount (debit > 0, credit < 0) of one commodity
    (FEN or HOUR) on one account (a name, plus the party and document it is kept per)."""
    __tablename__ = "journal_postings"
    __table_args__ = (
        Index("ix_journal_postings_account", "account", "party_id", "ref_id", "commodity"),)
    id: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account: Mapped[str] = mapped_column(String(32))
    party_id: Mapped[str] = mapped_column(String(64), default="")
    ref_id: Mapped[str] = mapped_column(String(64), default="")
    commodity: Mapped[str] = mapped_column(String(8))
    amount: Mapped[int] = mapped_column(BigInteger)


class Order(Base):
    """Enrollment's sales order as finance knows it (from order.placed / order.cancelled):
    price, deposit, lesson hours, the seller's place in the org tree (data scope) and the
    commission ratios in force when it was placed."""
    __tablename__ = "orders"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    payer_customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    course_id: Mapped[str] = mapped_column(String(64))
    class_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    term_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    campus_id: Mapped[str] = mapped_column(String(64))
    seller_id: Mapped[str] = mapped_column(String(64), index=True)
    seller_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seller_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel_tier: Mapped[str | None] = mapped_column(String(32), nullable=True)
    list_price_fen: Mapped[int] = mapped_column(BigInteger)
    discount_fen: Mapped[int] = mapped_column(BigInteger)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    deposit_fen: Mapped[int] = mapped_column(BigInteger)
    lesson_hours: Mapped[int] = mapped_column(Integer)
    commission_ratios: Mapped[list] = mapped_column(JSON, default=list)
    placed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # open → paid_in_full; open → cancelled; any → refunded (a full refund)
    status: Mapped[str] = mapped_column(String(16), default="open")
    paid_in_full_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                                nullable=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)
    # bumped by every command on the order: the row lock that serializes them
    version: Mapped[int] = mapped_column(Integer, default=1)


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))           # deposit | instalment | full
    method: Mapped[str] = mapped_column(String(16))         # cash | bank_transfer | wechat ...
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_total_fen: Mapped[int] = mapped_column(BigInteger)  # the order's total after it
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    entry_id: Mapped[str] = mapped_column(String(36))


class VoucherBlob(Base):
    """Uploaded bytes, stored once per content hash (sha256 hex)."""
    __tablename__ = "voucher_blobs"
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Voucher(Base):
    """A proof (receipt photo, bank slip, signed refund form) attached to the document it
    proves: a payment or a refund."""
    __tablename__ = "vouchers"
    __table_args__ = (Index("ix_vouchers_document", "document_type", "document_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_type: Mapped[str] = mapped_column(String(16))  # payment | refund
    document_id: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(ForeignKey("voucher_blobs.content_hash"))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Enrollment(Base):
    """A confirmed enrollment whose lesson hours finance holds (credited on confirmation)."""
    __tablename__ = "enrollments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    hours_credited: Mapped[int] = mapped_column(Integer)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | refunded
    version: Mapped[int] = mapped_column(Integer, default=1)


class HourDeduction(Base):
    """One attendance's effect on an enrollment's hours; one per (enrollment, session)."""
    __tablename__ = "hour_deductions"
    __table_args__ = (UniqueConstraint("enrollment_id", "session_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    enrollment_id: Mapped[str] = mapped_column(String(64), index=True)
    session_id: Mapped[str] = mapped_column(String(64))
    attendance_id: Mapped[str] = mapped_column(String(64))
    hours: Mapped[int] = mapped_column(Integer)  # deducted (0 when not consumed or refused)
    # deducted | not_consumed | insufficient
    outcome: Mapped[str] = mapped_column(String(16))
    remaining_hours: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Refund(Base):
    __tablename__ = "refunds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    enrollment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # deposit | paid | enrolled | attending
    # the computation it was prefilled with (refund_rule.py)
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    refunded_before_fen: Mapped[int] = mapped_column(BigInteger)
    consumed_hours: Mapped[int] = mapped_column(Integer)
    unit_price_fen: Mapped[int] = mapped_column(BigInteger)
    consumed_value_fen: Mapped[int] = mapped_column(BigInteger)
    refundable_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    full_refund: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(500), default="")
    # pending → approved → paid; pending → rejected
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Commission(Base):
    """An accrual (amount > 0) or a reversal (amount < 0) of one person's commission on one
    sale. `once_key` makes each happen once: accrual per (order, person, role), reversal per
    (refund, accrual)."""
    __tablename__ = "commissions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    once_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # accrual | reversal
    order_id: Mapped[str] = mapped_column(String(64), index=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(32))
    channel_tier: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ratio_bp: Mapped[int] = mapped_column(Integer)
    base_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    refund_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    reverses_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM (Asia/Shanghai)
    entry_id: Mapped[str] = mapped_column(String(36))
    statement_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    accrued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CommissionStatement(Base):
    """One person's commissions of one month: draft → reviewed (finance) → paid (cashier)."""
    __tablename__ = "commission_statements"
    __table_args__ = (UniqueConstraint("person_id", "month"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    month: Mapped[str] = mapped_column(String(7))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                            nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
