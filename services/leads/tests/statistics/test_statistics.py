"""Lead statistics through the real api: counts per dimension within the caller's scope,
the sales form derivation, the funnel, periods."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contracts.leads import customers_pb2 as pb
from contracts.leads import lead_statistics_pb2 as spb
from kit import grpc_errors
from leads.statistics.counts import funnel

from ..exchange.support import running
from ..support import as_, error_of, new_customer, phone


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as running_api:
        def create(who, n, stage="lead", **fields):
            c = running_api.customers.CreateCustomer(pb.CreateCustomerRequest(
                customer=new_customer(f"统计{n}", phones=[phone(7000 + n)], **fields)),
                metadata=as_(who)).customer
            if stage != "lead":
                running_api.customers.UpdateCustomer(pb.UpdateCustomerRequest(
                    customer_id=c.id, customer=pb.CustomerFields(stage=stage),
                    update_fields=["stage"]), metadata=as_(who))
        create("sales1", 1, industry="教育", source_channel_id="ch-1")
        create("sales1", 2, "prospect", industry="教育", campaign_id="camp-1")
        create("sales1", 3, "enrolled", industry="金融", tags=["到访"])
        create("sales2", 4, "alumni", industry="教育")
        create("sales3", 5, "enrolled", industry="制造")   # region South
        yield running_api


def _stats(stub, who, dimension, **kw) -> spb.GetLeadStatisticsResponse:
    return stub.GetLeadStatistics(spb.GetLeadStatisticsRequest(dimension=dimension, **kw),
                                  metadata=as_(who))


def test_counts_per_value_within_the_callers_scope(api):
    north = _stats(api.statistics, "manager1", "industry")
    assert north.total == 4
    assert [(c.value, c.count) for c in north.counts] == [("教育", 3), ("金融", 1)]
    own = _stats(api.statistics, "sales1", "industry")
    assert own.total == 3 and [(c.value, c.count) for c in own.counts] == [("教育", 2),
                                                                          ("金融", 1)]
    everyone = _stats(api.statistics, "admin", "industry")
    assert everyone.total == 5 and ("制造", 1) in [(c.value, c.count) for c in everyone.counts]


def test_sales_form_is_derived_from_the_source(api):
    got = _stats(api.statistics, "manager1", "sales_form")
    assert sorted((c.value, c.count) for c in got.counts) == [
        ("campus", 1), ("channel", 1), ("conference", 1), ("phone", 1)]
    assert [(c.value, c.count) for c in _stats(api.statistics, "manager1", "channel").counts
            ] == [("", 3), ("ch-1", 1)]
    assert [(c.value, c.count) for c in _stats(api.statistics, "manager1", "source").counts
            ] == [("", 3), ("camp-1", 1)]


def test_the_funnel_counts_customers_who_reached_each_stage(api):
    got = _stats(api.statistics, "manager1", "stage")
    assert [(f.stage, f.count, f.rate_from_previous, f.rate_from_first) for f in got.funnel] == [
        ("lead", 4, 1.0, 1.0), ("prospect", 3, 0.75, 0.75), ("enrolled", 2, 0.6667, 0.5),
        ("alumni", 1, 0.5, 0.25)]


def test_funnel_rule_without_customers():
    assert [(f.count, f.rate_from_previous) for f in funnel({})] == [(0, 0.0)] * 4


def test_periods_select_by_creation_day(api):
    today = dt.date.today()
    assert _stats(api.statistics, "admin", "stage", from_date=today.isoformat()).total == 5
    later = (today + dt.timedelta(days=2)).isoformat()
    assert _stats(api.statistics, "admin", "stage", from_date=later).total == 0


@pytest.mark.parametrize(("dimension", "kw", "reason"), [
    ("colour", {}, "invalid.dimension"),
    ("stage", {"from_date": "2026-13-01"}, "invalid.from"),
    ("stage", {"from_date": "2026-02-01", "to_date": "2026-01-01"}, "invalid.from"),
])
def test_bad_requests_are_invalid_argument(api, dimension, kw, reason):
    error = error_of(lambda: _stats(api.statistics, "admin", dimension, **kw))
    info = grpc_errors.error_info(error)
    assert (info.code, info.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)
