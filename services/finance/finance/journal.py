"""The double-entry journal: the only place money and lesson hours move.

An entry is a set of postings on accounts; each posting is a signed integer amount of one
commodity, FEN (money, 1/100 yuan) or HOUR (lesson hours). Debits are positive, credits
negative, and the postings of an entry sum to zero per commodity: money and hours never mix
and never appear or vanish. The journal is append-only (database triggers, migration 0001):
a mistake is corrected by a compensating entry (`reverse`), never an edit. Every balance is a
sum of postings (`balance`).

`Entry.source` names the business fact booked (`payment:<id>`, `refund:<id>:paid`...) and is
unique in the table: posting one fact twice is refused (`journal.already_posted`), which is
what makes a refund, a deduction or a commission happen once even when two requests race.

Chart of accounts (party = the customer or person it is kept for, ref = the document):

    FEN   cash                  the institution's money received (asset)
    FEN   customer_prepaid      party=customer, ref=order: money held for the customer
                                 (deferred revenue; credit balance)
    FEN   refunds_payable       party=customer, ref=refund: approved, not yet paid out
    FEN   revenue               recognised as hours are consumed (refund_rule's consumed value)
    FEN   commission_expense    the institution's cost of commissions
    FEN   commission_payable    party=person: commission owed to a seller
    HOUR  lesson_hours          party=customer, ref=enrollment: hours the customer may attend
                                 (debit balance)
    HOUR  hours_issued          hours the institution sold (contra of lesson_hours)
    HOUR  hours_consumed        hours attended
    HOUR  hours_forfeited       hours withdrawn by a refund
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from kit.errors import AlreadyExists, InvalidArgument
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import models as m

FEN, HOUR = "FEN", "HOUR"

ACCOUNTS: dict[str, str] = {
    "cash": FEN,
    "customer_prepaid": FEN,
    "refunds_payable": FEN,
    "revenue": FEN,
    "commission_expense": FEN,
    "commission_payable": FEN,
    "lesson_hours": HOUR,
    "hours_issued": HOUR,
    "hours_consumed": HOUR,
    "hours_forfeited": HOUR,
}


@dataclasses.dataclass(frozen=True)
class Posting:
    account: str
    amount: int          # debit > 0, credit < 0
    party_id: str = ""
    ref_id: str = ""

    @property
    def commodity(self) -> str:
        return ACCOUNTS[self.account]


@dataclasses.dataclass(frozen=True)
class Entry:
    source: str
    kind: str
    postings: Sequence[Posting]
    customer_id: str | None = None
    order_id: str | None = None
    memo: str = ""
    posted_by: str | None = None
    corrects_entry_id: str | None = None


class UnbalancedEntry(InvalidArgument):
    reason = "journal.unbalanced"


def check(entry: Entry) -> None:
    """The invariants of one entry, before anything is written."""
    if not entry.source or len(entry.source) > 200:
        raise InvalidArgument("a journal entry needs a source of 1..200 characters",
                              reason="journal.invalid", message_zh="记账分录缺少来源")
    if len(entry.postings) < 2:
        raise UnbalancedEntry("a journal entry has at least two postings",
                              message_zh="记账分录至少需要两笔过账")
    totals: dict[str, int] = {}
    for p in entry.postings:
        if p.account not in ACCOUNTS:
            raise InvalidArgument(f"unknown account {p.account!r}", reason="journal.invalid",
                                  message_zh=f"未知科目 {p.account!r}")
        # bool is an int in Python; floats and Decimals never reach the journal
        if type(p.amount) is not int or p.amount == 0:
            raise InvalidArgument("posting amounts are non-zero integers (fen or hours)",
                                  reason="journal.invalid",
                                  message_zh="过账金额必须为非零整数（分或课时）")
        totals[p.commodity] = totals.get(p.commodity, 0) + p.amount
    unbalanced = {c: t for c, t in totals.items() if t != 0}
    if unbalanced:
        raise UnbalancedEntry(f"postings do not sum to zero: {unbalanced}",
                              message_zh=f"借贷不平衡：{unbalanced}")


def already_posted(source: str) -> AlreadyExists:
    return AlreadyExists(f"{source} is already booked", reason="journal.already_posted",
                         message_zh=f"{source} 已记账，不能重复记账")


def is_posted(session: Session, source: str) -> bool:
    return session.scalar(select(m.JournalEntry.id).where(m.JournalEntry.source == source)) \
        is not None


def post(session: Session, entry: Entry) -> m.JournalEntry:
    """Write a balanced entry in the session's transaction; refuse a source booked before."""
    check(entry)
    if is_posted(session, entry.source):
        raise already_posted(entry.source)
    row = m.JournalEntry(id=m.new_id(), source=entry.source, kind=entry.kind,
                         customer_id=entry.customer_id, order_id=entry.order_id,
                         memo=entry.memo[:500], posted_by=entry.posted_by,
                         corrects_entry_id=entry.corrects_entry_id)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # a concurrent transaction booked the same source first
        raise already_posted(entry.source) from None
    session.execute(m.JournalPosting.__table__.insert(), [
        dict(entry_id=row.id, account=p.account, party_id=p.party_id, ref_id=p.ref_id,
             commodity=p.commodity, amount=p.amount) for p in entry.postings])
    return row


def postings_of(session: Session, entry_id: str) -> list[Posting]:
    rows = session.execute(select(m.JournalPosting).where(
        m.JournalPosting.entry_id == entry_id).order_by(m.JournalPosting.id)).scalars()
    return [Posting(r.account, r.amount, r.party_id, r.ref_id) for r in rows]


def reverse(session: Session, entry_id: str, *, source: str, memo: str = "",
            posted_by: str | None = None) -> m.JournalEntry:
    """The compensating entry of `entry_id`: every posting negated."""
    original = session.get(m.JournalEntry, entry_id)
    if original is None:
        raise InvalidArgument(f"no journal entry {entry_id}", reason="journal.invalid",
                              message_zh=f"分录 {entry_id} 不存在")
    return post(session, Entry(
        source=source, kind="correction",
        postings=[dataclasses.replace(p, amount=-p.amount)
                  for p in postings_of(session, entry_id)],
        customer_id=original.customer_id, order_id=original.order_id,
        memo=memo or f"reverses {original.source}", posted_by=posted_by,
        corrects_entry_id=entry_id))


def balance(session: Session, account: str, *, party_id: str | None = None,
            ref_id: str | None = None) -> int:
    """The sum of an account's postings (debit-positive), optionally of one party/ref."""
    stmt = select(func.coalesce(func.sum(m.JournalPosting.amount), 0)).where(
        m.JournalPosting.account == account)
    if party_id is not None:
        stmt = stmt.where(m.JournalPosting.party_id == party_id)
    if ref_id is not None:
        stmt = stmt.where(m.JournalPosting.ref_id == ref_id)
    return int(session.scalar(stmt))


def balances(session: Session, party_id: str,
             accounts: Iterable[str] = ACCOUNTS) -> dict[tuple[str, str], int]:
    """Every (account, ref) balance of one party."""
    rows = session.execute(
        select(m.JournalPosting.account, m.JournalPosting.ref_id,
               func.sum(m.JournalPosting.amount))
        .where(m.JournalPosting.party_id == party_id,
               m.JournalPosting.account.in_(list(accounts)))
        .group_by(m.JournalPosting.account, m.JournalPosting.ref_id))
    return {(a, r): int(t) for a, r, t in rows}


def unbalanced_entries(session: Session) -> list[tuple[str, str, int]]:
    """(entry, commodity, sum) of every entry that does not balance: always empty. A check
    over the whole table, for tests and operators."""
    rows = session.execute(
        select(m.JournalPosting.entry_id, m.JournalPosting.commodity,
               func.sum(m.JournalPosting.amount))
        .group_by(m.JournalPosting.entry_id, m.JournalPosting.commodity)
        .having(func.sum(m.JournalPosting.amount) != 0))
    return [(e, c, int(t)) for e, c, t in rows]


def totals_by_commodity(session: Session) -> dict[str, int]:
    """The sum of all postings per commodity: zero for each when every entry balances."""
    rows = session.execute(select(m.JournalPosting.commodity, func.sum(m.JournalPosting.amount))
                           .group_by(m.JournalPosting.commodity))
    return {c: int(t) for c, t in rows}
