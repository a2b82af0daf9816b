"""Sales targets: the split rule (sums), scope, and attainment fed by record_sale."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contracts.leads import sales_targets_pb2 as tpb
from kit import grpc_errors
from leads.handover import Handover
from leads.sales_targets import attainment, rules
from leads.sales_targets.handover import move_target_splits

from ..exchange.support import running
from ..support import BJ_SALES, GZ_SALES, NORTH, SOUTH, as_, error_of

NOV = {"period_start": "2026-11-01", "period_end": "2026-11-30"}


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as running_api:
        yield running_api


def _split(user_id, amount_fen, deals=0):
    return tpb.TargetSplit(user_id=user_id, amount_fen=amount_fen, deals=deals)


def test_splits_must_sum_to_the_team_target():
    assert rules.check_splits([_split("a", 600, 2), _split("b", 400, 1)], 1000, 3) == [
        rules.Split("a", 600, 2), rules.Split("b", 400, 1)]
    assert rules.check_splits([], 1000, 3) == []
    for splits in ([_split("a", 600, 2), _split("b", 300, 1)],   # 900 != 1000
                   [_split("a", 600, 1), _split("b", 400, 1)],   # 2 deals != 3
                   [_split("a", 500, 2), _split("a", 500, 1)]):  # a person twice
        with pytest.raises(rules.InvalidArgument) as caught:
            rules.check_splits(splits, 1000, 3)
        assert caught.value.reason == "invalid.splits"


def _create(api, who="manager1", **fields) -> tpb.SalesTarget:
    target = tpb.SalesTarget(**{"department_id": BJ_SALES, "amount_fen": 1_000_000, "deals": 3,
                                "name": "十一月北京", **NOV, **fields})
    return api.targets.CreateSalesTarget(tpb.CreateSalesTargetRequest(target=target),
                                         metadata=as_(who)).target


def _sale(api, sale_id, user_id, amount_fen, day="2026-11-15", department=BJ_SALES, **kw):
    with api.db.session() as s:
        return attainment.record_sale(s, sale_id=sale_id, user_id=user_id,
                                      department_id=department, amount_fen=amount_fen,
                                      sold_on=dt.date.fromisoformat(day), **kw)


def test_attainment_follows_recorded_sales_per_person_and_team(api):
    target = _create(api, splits=[_split("sales1", 600_000, 2), _split("sales2", 400_000, 1)],
                     course_id="course-a")
    assert (target.region_id, target.attained_amount_fen, target.version) == (NORTH, 0, 1)
    assert _sale(api, "sale-1", "sales1", 300_000, course_id="course-a") is True
    assert _sale(api, "sale-1", "sales1", 300_000, course_id="course-a") is False  # redelivery
    _sale(api, "sale-2", "sales2", 100_000, course_id="course-a")
    _sale(api, "sale-3", "sales1", 999_999, course_id="course-b")        # another course
    _sale(api, "sale-4", "sales1", 999_999, day="2026-12-01", course_id="course-a")  # later
    _sale(api, "sale-5", "sales3", 999_999, department=GZ_SALES, course_id="course-a")
    _sale(api, "sale-6", "manager1", 50_000, course_id="course-a")       # no split of their own
    got = api.targets.GetSalesTarget(tpb.GetSalesTargetRequest(target_id=target.id),
                                     metadata=as_("manager1")).target
    assert [(x.user_id, x.amount_fen, x.attained_amount_fen, x.attained_deals,
             x.attainment_rate) for x in got.splits] == [
        ("sales1", 600_000, 300_000, 1, 0.5), ("sales2", 400_000, 100_000, 1, 0.25),
        ("manager1", 0, 50_000, 1, 0.0)]
    assert (got.attained_amount_fen, got.attained_deals, got.attainment_rate) == (
        450_000, 3, 0.45)
    with api.db.session() as s:
        assert attainment.cancel_sale(s, "sale-2") is True
        assert attainment.cancel_sale(s, "sale-2") is False
    got = api.targets.GetSalesTarget(tpb.GetSalesTargetRequest(target_id=target.id),
                                     metadata=as_("sales2")).target   # a person with a split
    assert (got.attained_amount_fen, got.splits[1].attained_amount_fen) == (350_000, 0)


def test_a_target_created_after_sales_counts_them(api):
    _sale(api, "sale-early", "sales1", 70_000, day="2026-10-05", customer_type="corporate")
    target = _create(api, period_start="2026-10-01", period_end="2026-10-31",
                     customer_type="corporate", amount_fen=100_000, deals=1)
    assert (target.attained_amount_fen, target.attainment_rate) == (70_000, 0.7)


def test_splits_are_replaced_as_a_whole_and_must_sum(api):
    target = _create(api, period_start="2027-01-01", period_end="2027-01-31")  # no sales
    error = error_of(lambda: api.targets.SetSalesTargetSplits(tpb.SetSalesTargetSplitsRequest(
        target_id=target.id, splits=[_split("sales1", 1)]), metadata=as_("manager1")))
    assert grpc_errors.error_info(error).reason == "invalid.splits"
    done = api.targets.SetSalesTargetSplits(tpb.SetSalesTargetSplitsRequest(
        target_id=target.id, splits=[_split("sales1", 500_000, 2), _split("sales2", 500_000, 1)],
        expected_version=1), metadata=as_("manager1")).target
    assert (done.version, [x.user_id for x in done.splits]) == (2, ["sales1", "sales2"])
    error = error_of(lambda: api.targets.SetSalesTargetSplits(tpb.SetSalesTargetSplitsRequest(
        target_id=target.id, splits=[], expected_version=1), metadata=as_("manager1")))
    assert grpc_errors.error_info(error).reason == "sales_target.version_mismatch"


def test_scope_of_targets(api):
    target = _create(api)
    for who in ("director2", "sales3", "sales1"):   # other region; no split on it
        error = error_of(lambda w=who: api.targets.GetSalesTarget(
            tpb.GetSalesTargetRequest(target_id=target.id), metadata=as_(w)))
        info = grpc_errors.error_info(error)
        assert (info.code, info.reason) == (grpc.StatusCode.NOT_FOUND, "sales_target.not_found")
    assert api.targets.GetSalesTarget(tpb.GetSalesTargetRequest(target_id=target.id),
                                      metadata=as_("director1")).target.id == target.id
    error = error_of(lambda: _create(api, who="manager1", department_id=GZ_SALES))
    assert grpc_errors.error_info(error).reason == "sales_target.out_of_scope"
    error = error_of(lambda: _create(api, who="manager1", region_id=SOUTH))
    assert grpc_errors.error_info(error).reason == "sales_target.out_of_scope"
    error = error_of(lambda: _create(api, who="sales1"))
    assert grpc_errors.error_info(error).reason == "sales_target.write_denied"
    listed = api.targets.ListSalesTargets(tpb.ListSalesTargetsRequest(
        on_date="2026-11-20", department_id=BJ_SALES), metadata=as_("director2")).targets
    assert list(listed) == []
    listed = api.targets.ListSalesTargets(tpb.ListSalesTargetsRequest(
        on_date="2026-11-20", department_id=BJ_SALES), metadata=as_("director1")).targets
    assert target.id in [t.id for t in listed]
    assert all(t.period_start <= "2026-11-20" <= t.period_end for t in listed)


def test_a_leavers_running_shares_go_to_the_successor(api):
    today = dt.date.today()
    running_target = _create(api, period_start=today.isoformat(),
                             period_end=(today + dt.timedelta(days=30)).isoformat(),
                             course_id="course-handover",
                             splits=[_split("leaver1", 600_000, 2), _split("sales2", 400_000, 1)])
    ended = _create(api, period_start="2020-01-01", period_end="2020-01-31",
                    splits=[_split("leaver1", 1_000_000, 3)])
    with api.db.session() as s:
        moved = move_target_splits(s, Handover(
            "leaver1", "sales2", "sales2", BJ_SALES, NORTH, True, dt.datetime.now(dt.UTC)))
    assert moved == 1
    got = api.targets.GetSalesTarget(tpb.GetSalesTargetRequest(target_id=running_target.id),
                                     metadata=as_("manager1")).target
    assert ([(x.user_id, x.amount_fen, x.deals) for x in got.splits], got.version) == (
        [("sales2", 1_000_000, 3)], 2)
    old = api.targets.GetSalesTarget(tpb.GetSalesTargetRequest(target_id=ended.id),
                                     metadata=as_("manager1")).target
    assert [x.user_id for x in old.splits] == ["leaver1"]
