"""Referral rules: once per referred customer, no self-referral, no cycles; periods."""
from __future__ import annotations

import datetime as dt

import pytest
from kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument
from leads.network import referral_rules as rules

# a referred b, b referred c
REFERRER_OF = {"b": "a", "c": "b"}


def test_a_new_referral_passes():
    assert rules.check_referral("c", "d", None, REFERRER_OF.get) is None
    assert rules.check_referral("a", "x", None, REFERRER_OF.get) is None


def test_no_self_referral():
    with pytest.raises(InvalidArgument) as caught:
        rules.check_referral("a", "a", None, REFERRER_OF.get)
    assert caught.value.reason == "invalid.referred_id"


def test_referred_once():
    with pytest.raises(AlreadyExists) as caught:
        rules.check_referral("x", "c", "b", REFERRER_OF.get)
    assert (caught.value.reason, caught.value.details) == ("referral.exists",
                                                           {"referrer_id": "b"})


def test_no_cycles():
    for referrer, referred in (("c", "a"), ("b", "a"), ("c", "b")):
        with pytest.raises(FailedPrecondition) as caught:
            rules.check_referral(referrer, referred, None, REFERRER_OF.get)
        assert caught.value.reason == "referral.cycle"


def _utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_periods():
    assert rules.period("") == rules.Period("all", None, None)
    assert rules.period("2026") == rules.Period("2026", _utc(2026, 1, 1), _utc(2027, 1, 1))
    assert rules.period("2026-Q4") == rules.Period("2026-Q4", _utc(2026, 10, 1),
                                                   _utc(2027, 1, 1))
    assert rules.period("2026-Q2") == rules.Period("2026-Q2", _utc(2026, 4, 1),
                                                   _utc(2026, 7, 1))
    assert rules.period("2026-12") == rules.Period("2026-12", _utc(2026, 12, 1),
                                                   _utc(2027, 1, 1))
    assert rules.period("2026-02") == rules.Period("2026-02", _utc(2026, 2, 1),
                                                   _utc(2026, 3, 1))
    for bad in ("2026-13", "2026-Q5", "26", "1999", "2026-1", "last-month"):
        with pytest.raises(InvalidArgument) as caught:
            rules.period(bad)
        assert caught.value.reason == "invalid.period"


def test_promised_bounds():
    assert rules.check_promised(0) == 0
    with pytest.raises(InvalidArgument):
        rules.check_promised(-1)
