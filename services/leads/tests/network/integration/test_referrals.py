"""Referrals through the real api: once per referred customer, no self-referral, no cycles,
promised versus actual, rankings by period, and the referred customers' progress."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contracts.leads import network_pb2 as pb
from kit import grpc_errors

from ...support import as_, error_of
from ..support import running_network


@pytest.fixture(scope="module")
def stubs(database_url):
    with running_network(database_url) as running:
        yield running


def _refer(stubs, referrer: str, referred: str, who: str = "sales1", **kw) -> pb.Referral:
    return stubs.referrals.CreateReferral(pb.CreateReferralRequest(
        referrer_id=referrer, referred_id=referred, **kw), metadata=as_(who)).referral


def _reason(error) -> tuple:
    info = grpc_errors.error_info(error)
    return info.code, info.reason


def test_once_no_self_no_cycle(stubs):
    a, b, c = (stubs.customer(8100 + i, name="感召") for i in range(3))
    first = _refer(stubs, a, b, note="朋友")
    assert (first.referrer_id, first.referred_id, first.referred_stage) == (a, b, "lead")
    assert first.referrer_name == "感召8100"
    _refer(stubs, b, c)
    assert _reason(error_of(lambda: _refer(stubs, c, b))) == (
        grpc.StatusCode.ALREADY_EXISTS, "referral.exists")
    assert _reason(error_of(lambda: _refer(stubs, a, a))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.referred_id")
    # c → a would close a → b → c → a
    assert _reason(error_of(lambda: _refer(stubs, c, a))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "referral.cycle")
    # the referrer now carries the referrer role; the event names both
    [event] = stubs.events("crm.leads.referral.created.v1", b)
    assert (event["referrer_id"], event["referred_id"]) == (a, b)
    from contracts.leads import customers_pb2 as cpb
    got = stubs.customers.GetCustomer(cpb.GetCustomerRequest(customer_id=a),
                                      metadata=as_("sales1")).customer
    assert "referrer" in got.roles


def test_scope_through_the_customers(stubs):
    mine = stubs.customer(8200, owner="sales1")
    theirs = stubs.customer(8201, owner="sales3")
    # sales1 cannot name a customer out of their scope, either way round
    assert error_of(lambda: _refer(stubs, mine, theirs)).code() == grpc.StatusCode.NOT_FOUND
    assert error_of(lambda: _refer(stubs, theirs, mine)).code() == grpc.StatusCode.NOT_FOUND
    other = stubs.customer(8202, owner="sales3")
    made = _refer(stubs, theirs, other, who="sales3")
    seen = stubs.referrals.ListReferrals(pb.ListReferralsRequest(referrer_id=theirs),
                                         metadata=as_("sales1")).referrals
    assert list(seen) == []
    seen = stubs.referrals.ListReferrals(pb.ListReferralsRequest(referrer_id=theirs),
                                         metadata=as_("director2")).referrals
    assert [r.id for r in seen] == [made.id]


def test_promised_actual_rankings_and_progress(stubs):
    top, second, promiser = (stubs.customer(8300 + i, owner="sales2", name="推荐人")
                             for i in range(3))
    referred = [stubs.customer(8310 + i, owner="sales2", name="新人") for i in range(3)]
    for r in referred:
        _refer(stubs, top, r, who="sales2")
    _refer(stubs, second, stubs.customer(8320, owner="sales2"), who="sales2")
    stubs.set_stage(referred[0], "enrolled")
    stubs.set_stage(referred[1], "prospect")
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    promise = stubs.referrals.SetReferralPromise(pb.SetReferralPromiseRequest(
        referrer_id=top, period=month, promised=5), metadata=as_("sales2")).referrer
    assert (promise.promised, promise.actual, promise.converted) == (5, 3, 1)
    stubs.referrals.SetReferralPromise(pb.SetReferralPromiseRequest(
        referrer_id=promiser, period=month, promised=2), metadata=as_("sales2"))
    ranking = stubs.referrals.GetReferralRankings(pb.GetReferralRankingsRequest(period=month),
                                                  metadata=as_("sales2"))
    rows = [(r.rank, r.referrer_id, r.promised, r.actual) for r in ranking.referrers]
    assert rows == [(1, top, 5, 3), (2, second, 0, 1), (3, promiser, 2, 0)]
    assert dict(ranking.referrers[0].stages) == {"lead": 1, "prospect": 1, "enrolled": 1,
                                                 "alumni": 0}
    # another period counts nothing of this month; a bad period is refused
    old = stubs.referrals.GetReferralRankings(pb.GetReferralRankingsRequest(period="2001-Q1"),
                                              metadata=as_("sales2"))
    assert list(old.referrers) == []
    assert _reason(error_of(lambda: stubs.referrals.GetReferralRankings(
        pb.GetReferralRankingsRequest(period="2026-13"), metadata=as_("sales2")))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.period")
    # sales1 (another seller) does not see sales2's referrers in the ranking
    theirs = stubs.referrals.GetReferralRankings(pb.GetReferralRankingsRequest(period=month),
                                                 metadata=as_("sales1"))
    assert top not in [r.referrer_id for r in theirs.referrers]


def test_concurrent_referrals_of_one_customer_one_wins(stubs):
    import threading
    referred = stubs.customer(8400, owner="sales1")
    referrers = [stubs.customer(8401 + i, owner="sales1") for i in range(4)]
    barrier = threading.Barrier(len(referrers))
    outcomes: list[str] = []

    def refer(referrer: str) -> None:
        barrier.wait()
        try:
            _refer(stubs, referrer, referred)
            outcomes.append("created")
        except grpc.RpcError as error:
            outcomes.append(grpc_errors.error_info(error).reason)

    threads = [threading.Thread(target=refer, args=(r,)) for r in referrers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] + ["referral.exists"] * 3
    listed = stubs.referrals.ListReferrals(pb.ListReferralsRequest(referred_id=referred),
                                           metadata=as_("sales1")).referrals
    assert len(listed) == 1


def test_concurrent_referrals_cannot_close_a_loop_together(stubs):
    import threading
    for attempt in range(3):
        a, b, c, d = (stubs.customer(8500 + 10 * attempt + i, owner="sales1")
                      for i in range(4))
        _refer(stubs, b, c)
        _refer(stubs, d, a)
        # a → b and c → d are each fine alone; together: a → b → c → d → a
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def refer(referrer: str, referred: str, barrier=barrier, outcomes=outcomes) -> None:
            barrier.wait()
            try:
                _refer(stubs, referrer, referred)
                outcomes.append("created")
            except grpc.RpcError as error:
                outcomes.append(grpc_errors.error_info(error).reason)

        threads = [threading.Thread(target=refer, args=(a, b)),
                   threading.Thread(target=refer, args=(c, d))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["created", "referral.cycle"]
