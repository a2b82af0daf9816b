"""The pure rules: a journal entry's invariants, the refund computation, commission lookup."""
from __future__ import annotations

import pytest
from finance import commission_rule, journal, refund_rule
from finance.journal import Entry, Posting
from hypothesis import given
from hypothesis import strategies as st
from kit.errors import InvalidArgument


def entry(*postings: Posting, source: str = "test:1") -> Entry:
    return Entry(source=source, kind="test", postings=postings)


def test_a_balanced_entry_passes():
    journal.check(entry(Posting("cash", 500), Posting("customer_prepaid", -500, "c", "o")))
    # two commodities, each balanced on its own
    journal.check(entry(Posting("cash", 5), Posting("customer_prepaid", -5, "c"),
                        Posting("lesson_hours", 3, "c", "e"), Posting("hours_issued", -3)))


@pytest.mark.parametrize("postings, reason", [
    ((Posting("cash", 500), Posting("customer_prepaid", -499)), "journal.unbalanced"),
    ((Posting("cash", 500),), "journal.unbalanced"),
    # money and hours never offset each other
    ((Posting("cash", 3), Posting("lesson_hours", -3)), "journal.unbalanced"),
    ((Posting("cash", 0), Posting("customer_prepaid", 0)), "journal.invalid"),
    ((Posting("cash", 1.5), Posting("customer_prepaid", -1.5)), "journal.invalid"),
    ((Posting("cash", True), Posting("customer_prepaid", -1)), "journal.invalid"),
    ((Posting("bank", 1), Posting("customer_prepaid", -1)), "journal.invalid"),
])
def test_an_entry_that_breaks_an_invariant_is_refused(postings, reason):
    with pytest.raises(InvalidArgument) as refused:
        journal.check(entry(*postings))
    assert refused.value.reason == reason
    assert refused.value.message_zh != refused.value.message


def test_refund_rule_worked_example():
    # the module doc's example: 1 000 000 fen for 30 hours, 7 consumed, paid in full
    q = refund_rule.quote(price_fen=1_000_000, lesson_hours=30, paid_fen=1_000_000,
                          refunded_before_fen=0, consumed_hours=7)
    assert (q.unit_price_fen, q.consumed_value_fen, q.refundable_fen) == \
        (33_334, 233_338, 766_662)


def test_refund_rule_stages():
    deposit = refund_rule.quote(price_fen=900, lesson_hours=9, paid_fen=100,
                                refunded_before_fen=0, consumed_hours=0)
    assert deposit.refundable_fen == 100
    everything_used = refund_rule.quote(price_fen=1000, lesson_hours=3, paid_fen=1000,
                                        refunded_before_fen=0, consumed_hours=3)
    assert everything_used.consumed_value_fen == 1000 and everything_used.refundable_fen == 0
    after_partial = refund_rule.quote(price_fen=1000, lesson_hours=10, paid_fen=1000,
                                      refunded_before_fen=300, consumed_hours=2)
    assert after_partial.refundable_fen == 500
    no_hours = refund_rule.quote(price_fen=1000, lesson_hours=0, paid_fen=400,
                                 refunded_before_fen=0, consumed_hours=0)
    assert no_hours.refundable_fen == 400
    with pytest.raises(ValueError):
        refund_rule.quote(price_fen=1000, lesson_hours=10, paid_fen=-1, refunded_before_fen=0,
                          consumed_hours=0)


@given(price=st.integers(0, 10**9), hours=st.integers(1, 500), consumed=st.integers(0, 500),
       paid_share=st.integers(0, 100))
def test_refund_rounding_is_in_the_institutions_favour(price, hours, consumed, paid_share):
    consumed = min(consumed, hours)
    paid = price * paid_share // 100
    q = refund_rule.quote(price_fen=price, lesson_hours=hours, paid_fen=paid,
                          refunded_before_fen=0, consumed_hours=consumed)
    # never more than the exact (fractional) unconsumed share of what was paid for it
    assert q.refundable_fen * hours <= max(0, paid * hours - consumed * price)
    assert 0 <= q.refundable_fen <= paid
    assert q.unit_price_fen * hours >= price


def test_commission_lookup_prefers_the_orders_tier():
    ratios = [{"role": "seller", "channel_tier": None, "ratio_bp": 300},
              {"role": "seller", "channel_tier": "A", "ratio_bp": 500},
              {"role": "seller", "channel_tier": "B", "ratio_bp": 800},
              {"role": "market_manager", "channel_tier": None, "ratio_bp": 50,
               "person_id": "u-mm"},
              {"role": "cs_manager", "channel_tier": "B", "ratio_bp": 70}]
    a = {x.role: x for x in commission_rule.applicable(ratios, "A")}
    assert a["seller"].ratio_bp == 500 and a["seller"].channel_tier == "A"
    assert a["market_manager"].ratio_bp == 50 and a["market_manager"].person_id == "u-mm"
    assert "cs_manager" not in a  # only a tier-B ratio: none for tier A
    none = {x.role: x.ratio_bp for x in commission_rule.applicable(ratios, None)}
    assert none == {"seller": 300, "market_manager": 50}


def test_commission_amounts_round_down_and_reversals_never_exceed_the_accrual():
    assert commission_rule.amount(1_000_001, 500) == 50_000
    assert commission_rule.amount(0, 500) == 0
    with pytest.raises(ValueError):
        commission_rule.amount(100, 10_001)
    # a third refunded: a third of 50 000 rounded up
    assert commission_rule.reversal(50_000, 0, 333_334, 1_000_000, full_refund=False) == 16_667
    assert commission_rule.reversal(50_000, 40_000, 900_000, 1_000_000,
                                    full_refund=False) == 10_000
    assert commission_rule.reversal(50_000, 16_667, 1, 1_000_000, full_refund=True) == 33_333
