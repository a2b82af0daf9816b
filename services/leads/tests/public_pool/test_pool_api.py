"""The public pool through the real api (in-process grpcio server, SQLite and PostgreSQL):
scoped, masked listing; claiming with a fresh protection period; the claim race; caps; the
admins' settings."""
from __future__ import annotations

import datetime as dt
import threading

import grpc
import pytest
from contracts.leads import public_pool_pb2 as pb
from kit import grpc_errors

from ..support import error_of
from .helpers import as_, create, customer, events, running_pool_api, sales_cap, to_pool


@pytest.fixture(scope="module")
def api(database_url):
    with running_pool_api(database_url) as running:
        yield running


def _pool_ids(api, user: str, **filters) -> list[str]:
    ids, token = [], ""
    while True:
        page = api.pool.ListPoolCustomers(pb.ListPoolCustomersRequest(
            page_size=50, page_token=token, **filters), metadata=as_(user))
        ids += [c.id for c in page.customers]
        token = page.next_page_token
        if not token:
            return ids


def _info(error):
    info = grpc_errors.error_info(error)
    return info.code, info.reason


def test_pool_lists_its_region_masked_and_a_claim_takes_it(api):
    north = create(api.customers, "sales1", "欧阳娜娜", region="北京", tags=["python"])
    south = create(api.customers, "sales3", "陈小春")
    to_pool(api.db, north)
    to_pool(api.db, south)
    # the pool is shared in the region: sales2 (not the old owner) sees the North entry
    assert north in _pool_ids(api, "sales2") and south not in _pool_ids(api, "sales2")
    assert south in _pool_ids(api, "director2") and north not in _pool_ids(api, "director2")
    assert {north, south} <= set(_pool_ids(api, "admin"))
    assert north in _pool_ids(api, "sales2", tag="python", region="北京")
    assert north not in _pool_ids(api, "sales2", tag="java")
    [entry] = [c for c in api.pool.ListPoolCustomers(pb.ListPoolCustomersRequest(
        page_size=200), metadata=as_("sales2")).customers if c.id == north]
    assert (entry.masked_name, entry.pool_reason, entry.pool_region_id) == (
        "欧***", "no_follow_up", "reg-north")
    assert entry.masked_phone.count("*") == 4 and len(entry.masked_phone) == 11
    # out of region: not found, like a missing customer
    code, reason = _info(error_of(lambda: api.pool.ClaimPoolCustomer(
        pb.ClaimPoolCustomerRequest(customer_id=north), metadata=as_("sales3"))))
    assert (code, reason) == (grpc.StatusCode.NOT_FOUND, "customer.not_found")
    before = dt.datetime.now(dt.UTC)
    claimed = api.pool.ClaimPoolCustomer(pb.ClaimPoolCustomerRequest(customer_id=north),
                                         metadata=as_("sales2"))
    assert (claimed.customer_id, claimed.owner_id, claimed.held, claimed.cap) == (
        north, "sales2", 1, 200)
    until = claimed.protected_until.ToDatetime(tzinfo=dt.UTC)
    assert before + dt.timedelta(days=30) <= until <= dt.datetime.now(dt.UTC) + dt.timedelta(
        days=30)
    row = customer(api.db, north)
    assert (row.owner_id, row.owner_department_id, row.pool_entered_at, row.pool_reason) == (
        "sales2", "dep-bj-sales", None, None)
    assert north not in _pool_ids(api, "sales1")
    changes = events(api.db, "crm.leads.customer.owner_changed.v1", north)
    assert [(e["previous_owner_id"], e["owner_id"], e["reason"]) for e in changes[-2:]] == [
        ("sales1", None, "returned_to_pool"), (None, "sales2", "pool_claim")]
    [taken] = events(api.db, "crm.leads.customer.claimed_from_pool.v1", north)
    assert taken["owner_id"] == "sales2"
    again = error_of(lambda: api.pool.ClaimPoolCustomer(
        pb.ClaimPoolCustomerRequest(customer_id=north), metadata=as_("sales1")))
    assert _info(again) == (grpc.StatusCode.FAILED_PRECONDITION, "pool.already_claimed")


def test_two_claims_at_once_one_wins_the_other_is_refused(api):
    for _round in range(3):
        cid = create(api.customers, "sales1")
        to_pool(api.db, cid)
        barrier = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def claim(user: str, cid=cid, barrier=barrier, outcomes=outcomes) -> None:
            barrier.wait()
            try:
                outcomes[user] = api.pool.ClaimPoolCustomer(
                    pb.ClaimPoolCustomerRequest(customer_id=cid), metadata=as_(user)).owner_id
            except grpc.RpcError as error:
                outcomes[user] = _info(error)

        threads = [threading.Thread(target=claim, args=(u,)) for u in ("sales4", "sales5")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [u for u, o in outcomes.items() if o == u]
        losers = [o for u, o in outcomes.items() if o != u]
        assert len(winners) == 1, outcomes
        assert losers == [(grpc.StatusCode.FAILED_PRECONDITION, "pool.already_claimed")]
        assert customer(api.db, cid).owner_id == winners[0]
        assert len(events(api.db, "crm.leads.customer.claimed_from_pool.v1", cid)) == 1


def test_claiming_beyond_the_cap_is_refused_with_both_languages(api):
    with sales_cap(api, 2):
        # sales6 holds two customers (created), then tries one more from the pool
        for _ in range(2):
            create(api.customers, "sales6")
        extra = create(api.customers, "sales1")
        to_pool(api.db, extra)
        error = error_of(lambda: api.pool.ClaimPoolCustomer(
            pb.ClaimPoolCustomerRequest(customer_id=extra), metadata=as_("sales6")))
        info = grpc_errors.error_info(error)
        assert (info.code, info.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                            "pool.cap_reached")
        assert info.details == {"held": 2, "cap": 2}
        assert info.message_zh == "您已持有 2 位客户，已达上限 2，请先释放部分客户再领取"
        assert customer(api.db, extra).owner_id is None


def test_one_person_claiming_two_at_once_stays_within_the_cap(api):
    with sales_cap(api, 1):
        for _round in range(3):
            ids = [create(api.customers, "sales1") for _ in range(2)]
            for cid in ids:
                to_pool(api.db, cid)
            barrier = threading.Barrier(2)
            outcomes: list[object] = []

            def claim(cid: str, barrier=barrier, outcomes=outcomes) -> None:
                barrier.wait()
                try:
                    outcomes.append(api.pool.ClaimPoolCustomer(
                        pb.ClaimPoolCustomerRequest(customer_id=cid),
                        metadata=as_("sales7")).held)
                except grpc.RpcError as error:
                    outcomes.append(_info(error))
            threads = [threading.Thread(target=claim, args=(cid,)) for cid in ids]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            # sales7 holds nobody before each round: exactly one of the two claims fits
            assert sorted(outcomes, key=str) == sorted(
                [1, (grpc.StatusCode.FAILED_PRECONDITION, "pool.cap_reached")], key=str)
            owners = [customer(api.db, cid).owner_id for cid in ids]
            assert sorted(owners, key=str) == sorted([None, "sales7"], key=str)
            to_pool(api.db, ids[owners.index("sales7")])  # given back for the next round


def test_settings_are_for_admins_and_versioned(api):
    current = api.pool.GetPoolSettings(pb.GetPoolSettingsRequest(),
                                       metadata=as_("sales1")).settings
    change = pb.PoolSettings()
    change.CopyFrom(current)
    if not change.caps:
        change.caps.append(pb.HoldingCap(role="*", max_customers=500))
    denied = error_of(lambda: api.pool.UpdatePoolSettings(
        pb.UpdatePoolSettingsRequest(settings=change), metadata=as_("sales1")))
    assert _info(denied) == (grpc.StatusCode.PERMISSION_DENIED, "pool.admin_only")
    stale = pb.PoolSettings()
    stale.CopyFrom(change)
    stale.version = current.version + 7
    assert _info(error_of(lambda: api.pool.UpdatePoolSettings(
        pb.UpdatePoolSettingsRequest(settings=stale), metadata=as_("admin")))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "pool.settings_stale")
    bad = pb.PoolSettings()
    bad.CopyFrom(change)
    bad.warning_days = 400
    assert _info(error_of(lambda: api.pool.UpdatePoolSettings(
        pb.UpdatePoolSettingsRequest(settings=bad), metadata=as_("admin")))) == (
        grpc.StatusCode.INVALID_ARGUMENT, "invalid.warning_days")
    teacher = error_of(lambda: api.pool.ListPoolCustomers(pb.ListPoolCustomersRequest(),
                                                          metadata=as_("teacher1")))
    assert _info(teacher) == (grpc.StatusCode.PERMISSION_DENIED, "pool.denied")


def test_a_claim_through_the_customers_area_keeps_the_cap_too(api):
    from contracts.leads import customers_pb2 as cpb
    with sales_cap(api, 2):
        for _ in range(2):
            create(api.customers, "sales6")
        extra = create(api.customers, "sales1")
        to_pool(api.db, extra)  # unowned: a plain claim (报备) would take it at once
        error = error_of(lambda: api.customers.ClaimCustomer(
            cpb.ClaimCustomerRequest(customer_id=extra), metadata=as_("sales6")))
        assert grpc_errors.error_info(error).reason == "pool.cap_reached"
        assert customer(api.db, extra).owner_id is None


def test_the_cap_check_other_areas_call(api):
    from kit.errors import FailedPrecondition
    from leads.public_pool.holding import ensure_can_hold
    create(api.customers, "sales4")
    with api.db.session() as s:
        held, cap = ensure_can_hold(s, "sales4", ["sales"], api.settings)
        assert cap == 200 and held >= 1
    with sales_cap(api, held), api.db.session() as s:
        with pytest.raises(FailedPrecondition) as raised:
            ensure_can_hold(s, "sales4", ["sales"], api.settings)
        assert (raised.value.reason, raised.value.details) == (
            "pool.cap_reached", {"held": held, "cap": held})


def test_a_branch_service_account_reads_its_regions_pool_over_grpc(api):
    from ..support import NORTH, TOKENS
    north = create(api.customers, "sales2")
    to_pool(api.db, north)
    desk = TOKENS.metadata("bj-campus-desk", "branch_integration", scope="department",
                           dept="dep-bj-campus", region=NORTH)
    listed = api.pool.ListPoolCustomers(pb.ListPoolCustomersRequest(page_size=200),
                                        metadata=desk)
    assert north in [c.id for c in listed.customers]
    assert all(c.pool_region_id == NORTH for c in listed.customers)
