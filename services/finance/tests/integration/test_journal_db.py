"""The journal in a real database (SQLite and PostgreSQL): append-only by triggers, a fact
booked once, balances as sums, corrections as compensating entries; on PostgreSQL an
unbalanced entry written behind the code's back is refused at commit."""
from __future__ import annotations

import pytest
import sqlalchemy.exc
from finance import journal
from finance import models as m
from finance.journal import Entry, Posting
from kit.errors import AlreadyExists
from sqlalchemy import delete, text, update


def book(db, source: str, amount: int = 700, customer: str = "c-j") -> str:
    with db.session() as s:
        return journal.post(s, Entry(source=source, kind="payment", customer_id=customer,
                                     postings=[Posting("cash", amount),
                                               Posting("customer_prepaid", -amount, customer,
                                                       "o-j")])).id


def test_balances_are_sums_and_a_fact_is_booked_once(db, fx):
    customer = fx.unique("c")
    source = fx.unique("payment")
    entry_id = book(db, source, 700, customer)
    book(db, fx.unique("payment"), 300, customer)
    with pytest.raises(AlreadyExists) as twice:
        book(db, source, 700, customer)
    assert twice.value.reason == "journal.already_posted"
    with db.session() as s:
        assert journal.balance(s, "customer_prepaid", party_id=customer) == -1000
        journal.reverse(s, entry_id, source=f"{source}:correction", memo="typo")
    with db.session() as s:
        assert journal.balance(s, "customer_prepaid", party_id=customer) == -300
        assert journal.unbalanced_entries(s) == []
        assert set(journal.totals_by_commodity(s).values()) == {0}


@pytest.mark.parametrize("statement", [
    update(m.JournalPosting).values(amount=1),
    delete(m.JournalPosting),
    update(m.JournalEntry).values(memo="edited"),
    delete(m.JournalEntry),
])
def test_the_journal_refuses_updates_and_deletes(db, fx, statement):
    book(db, fx.unique("payment"))
    with pytest.raises(sqlalchemy.exc.DBAPIError) as refused:
        with db.session() as s:
            s.execute(statement)
    assert "append-only" in str(refused.value)


def test_postgres_refuses_an_unbalanced_entry_at_commit(db, fx):
    if db.is_sqlite:
        # SQLite cannot defer a check to commit: the whole-table check is what stands guard
        with db.session() as s:
            assert journal.unbalanced_entries(s) == []
        return
    entry_id = m.new_id()
    with pytest.raises(sqlalchemy.exc.DBAPIError) as refused:
        with db.session() as s:
            s.execute(text("INSERT INTO journal_entries (id, source, kind, memo, posted_at) "
                           "VALUES (:id, :source, 'manual', '', now())"),
                      {"id": entry_id, "source": fx.unique("manual")})
            s.execute(text("INSERT INTO journal_postings (entry_id, account, party_id, ref_id, "
                           "commodity, amount) VALUES (:id, 'cash', '', '', 'FEN', 5)"),
                      {"id": entry_id})
    assert "does not balance" in str(refused.value)
    with db.session() as s:
        assert s.get(m.JournalEntry, entry_id) is None
