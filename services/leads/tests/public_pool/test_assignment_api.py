"""Assignment rules through the real api (SQLite and PostgreSQL): admin-only records with
versions, dry runs that explain and change nothing, round robin (fair under concurrency,
caps respected) and least load, applied with history and events."""
from __future__ import annotations

import threading

import grpc
import pytest
from contracts.leads import public_pool_pb2 as pb
from kit import grpc_errors
from leads import models as m
from sqlalchemy import delete

from ..support import BJ_SALES, error_of
from .helpers import as_, create, customer, events, running_pool_api, staff, to_pool

ADMIN = as_("admin")


@pytest.fixture(scope="module")
def api(database_url):
    with running_pool_api(database_url) as running:
        staff(running.db, "sales1", "sales2", "sales4", "sales5", "sales6", "manager1")
        yield running


@pytest.fixture(autouse=True)
def no_rules(api):
    yield
    with api.db.session() as s:
        s.execute(delete(m.AssignmentRule))


def _rule(api, name: str, strategy: str, *, position: int = 0, users=(), department="",
          regions=(), tags=()) -> pb.AssignmentRule:
    return api.assignment.CreateAssignmentRule(pb.CreateAssignmentRuleRequest(
        rule=pb.AssignmentRule(name=name, strategy=strategy, position=position, enabled=True,
                               user_ids=list(users), department_id=department,
                               match_regions=list(regions), match_tags=list(tags))),
        metadata=ADMIN).rule


def _unowned(api, n: int, **fields) -> list[str]:
    ids = [create(api.customers, "sales1", **fields) for _ in range(n)]
    for cid in ids:
        to_pool(api.db, cid)
    return ids


def _info(error):
    info = grpc_errors.error_info(error)
    return info.code, info.reason


def test_rules_are_admin_records_with_versions(api):
    later = _rule(api, "全部线索", "round_robin", position=20, department=BJ_SALES)
    first = _rule(api, "北京 VIP", "least_load", position=10, users=["sales4", "sales5"],
                  regions=["北京"], tags=["vip"])
    listed = api.assignment.ListAssignmentRules(pb.ListAssignmentRulesRequest(),
                                                metadata=ADMIN).rules
    assert [r.id for r in listed] == [first.id, later.id]
    change = pb.AssignmentRule()
    change.CopyFrom(first)
    change.name = "北京 VIP 客户"
    updated = api.assignment.UpdateAssignmentRule(
        pb.UpdateAssignmentRuleRequest(rule=change), metadata=ADMIN).rule
    assert (updated.name, updated.version) == ("北京 VIP 客户", 2)
    assert _info(error_of(lambda: api.assignment.UpdateAssignmentRule(
        pb.UpdateAssignmentRuleRequest(rule=change), metadata=ADMIN))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "assignment_rule.stale")
    for bad, reason in ((pb.AssignmentRule(name="x", strategy="random", user_ids=["a"]),
                         "invalid.strategy"),
                        (pb.AssignmentRule(name="x", strategy="least_load"), "invalid.user_ids"),
                        (pb.AssignmentRule(name="", strategy="least_load", user_ids=["a"]),
                         "invalid.name")):
        assert _info(error_of(lambda b=bad: api.assignment.CreateAssignmentRule(
            pb.CreateAssignmentRuleRequest(rule=b), metadata=ADMIN))) == (
            grpc.StatusCode.INVALID_ARGUMENT, reason)
    assert _info(error_of(lambda: api.assignment.ListAssignmentRules(
        pb.ListAssignmentRulesRequest(), metadata=as_("sales1")))) == (
        grpc.StatusCode.PERMISSION_DENIED, "pool.admin_only")
    api.assignment.DeleteAssignmentRule(pb.DeleteAssignmentRuleRequest(rule_id=later.id),
                                        metadata=ADMIN)
    assert [r.id for r in api.assignment.ListAssignmentRules(
        pb.ListAssignmentRulesRequest(), metadata=ADMIN).rules] == [first.id]
    assert _info(error_of(lambda: api.assignment.DeleteAssignmentRule(
        pb.DeleteAssignmentRuleRequest(rule_id=later.id), metadata=ADMIN))) == (
        grpc.StatusCode.NOT_FOUND, "assignment_rule.not_found")


def test_dry_run_explains_and_changes_nothing(api):
    vip = _rule(api, "北京 VIP", "least_load", position=10, users=["sales4", "sales5", "ghost"],
                regions=["北京"], tags=["vip"])
    rest = _rule(api, "其余", "round_robin", position=20, users=["sales5", "sales6"])
    create(api.customers, "sales4")  # sales4 holds one more than sales5 from here
    unowned = _unowned(api, 1, region="上海")[0]
    request = pb.DryRunAssignmentRequest(leads=[
        pb.LeadToAssign(region="北京", tags=["vip", "python"]),
        pb.LeadToAssign(region="北京", tags=["java"]),
        pb.LeadToAssign(customer_id=unowned),
        pb.LeadToAssign(customer_id="missing-customer")])
    first = api.assignment.DryRunAssignment(request, metadata=ADMIN).decisions
    again = api.assignment.DryRunAssignment(request, metadata=ADMIN).decisions
    assert first == again  # nothing moved: loads, cursors
    d0, d1, d2, d3 = first
    assert (d0.outcome, d0.rule_id, d0.strategy, d0.assignee_id) == (
        "would_assign", vip.id, "least_load", "sales5")
    assert [(c.user_id, c.eligible, c.note) for c in d0.candidates] == [
        ("sales4", True, ""), ("sales5", True, ""), ("ghost", False, "unknown")]
    by_user = {c.user_id: c for c in d0.candidates}
    assert by_user["sales4"].load == by_user["sales5"].load + 1
    assert by_user["sales5"].cap == 200
    assert "least load: sales5" in d0.why
    assert [(r.rule_id, r.matched) for r in d1.rules] == [(vip.id, False), (rest.id, True)]
    assert d1.rules[0].why == "none of tags ['java'] in ['vip']"
    assert (d1.outcome, d1.assignee_id, d1.strategy) == ("would_assign", "sales5", "round_robin")
    # the run counts its own earlier decisions: the next turn goes to sales6
    assert (d2.customer_id, d2.assignee_id) == (unowned, "sales6")
    assert d2.rules[0].why == "region 上海 not in ['北京']"
    assert d3.outcome == "not_found"
    assert customer(api.db, unowned).owner_id is None
    with api.db.session() as s:
        assert s.get(m.AssignmentRule, rest.id).cursor == 0


def test_apply_round_robin_in_turns_with_history_and_events(api):
    rule = _rule(api, "轮流", "round_robin", users=["sales4", "sales5", "sales6"])
    ids = _unowned(api, 6)
    owned = create(api.customers, "sales2")
    decisions = api.assignment.ApplyAssignment(pb.ApplyAssignmentRequest(
        customer_ids=[*ids, owned]), metadata=ADMIN).decisions
    assert [d.assignee_id for d in decisions[:6]] == ["sales4", "sales5", "sales6"] * 2
    assert {d.outcome for d in decisions[:6]} == {"assigned"}
    assert decisions[6].outcome == "already_owned"
    row = customer(api.db, ids[0])
    assert (row.owner_id, row.owner_department_id, row.owner_region_id) == (
        "sales4", BJ_SALES, "reg-north")
    assert row.protected_until is not None and row.pool_entered_at is None
    [assigned] = events(api.db, "crm.leads.customer.assigned.v1", ids[0])
    assert (assigned["rule_id"], assigned["strategy"], assigned["assigned_by"]) == (
        rule.id, "round_robin", "admin")
    assert events(api.db, "crm.leads.customer.owner_changed.v1", ids[0])[-1]["reason"] == \
        "assignment"
    with api.db.session() as s:
        assert s.get(m.AssignmentRule, rule.id).cursor == 3  # the next turn: 3 mod 3, sales4


def test_round_robin_is_fair_under_concurrent_runs(api):
    _rule(api, "并发轮流", "round_robin", users=["sales4", "sales5", "sales6"])
    batches = [_unowned(api, 6) for _ in range(3)]
    barrier = threading.Barrier(len(batches))
    results: list[list[str]] = []

    def run(ids: list[str]) -> None:
        barrier.wait()
        results.append([d.assignee_id for d in api.assignment.ApplyAssignment(
            pb.ApplyAssignmentRequest(customer_ids=ids), metadata=ADMIN).decisions])

    threads = [threading.Thread(target=run, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everyone = [u for r in results for u in r]
    assert sorted(everyone) == sorted(["sales4", "sales5", "sales6"] * 6)


def test_caps_are_respected_and_explained(api):
    current = api.pool.GetPoolSettings(pb.GetPoolSettingsRequest(), metadata=ADMIN).settings
    loads = {}
    team = ["sales4", "sales5"]
    with api.db.session() as s:
        for user in team:
            loads[user] = s.query(m.Customer).filter(m.Customer.owner_id == user).count()
    cap = max(loads.values())
    at_cap = max(team, key=lambda u: (loads[u], u))
    other = next(u for u in team if u != at_cap)
    capped = pb.PoolSettings(enabled=True, follow_up_days=current.follow_up_days,
                             deal_days=current.deal_days, warning_days=current.warning_days,
                             caps=[pb.HoldingCap(role="*", max_customers=500),
                                   pb.HoldingCap(role="sales", max_customers=cap)],
                             version=current.version)
    saved = api.pool.UpdatePoolSettings(pb.UpdatePoolSettingsRequest(settings=capped),
                                        metadata=ADMIN).settings
    try:
        _rule(api, "上限", "round_robin", users=[at_cap, other])
        ids = _unowned(api, cap - loads[other] + 1)
        decisions = api.assignment.ApplyAssignment(pb.ApplyAssignmentRequest(
            customer_ids=ids), metadata=ADMIN).decisions
        assert [d.assignee_id for d in decisions[:-1]] == [other] * (cap - loads[other])
        last = decisions[-1]
        assert (last.outcome, last.assignee_id) == ("no_candidate", "")
        assert {(c.user_id, c.note) for c in last.candidates} == {(at_cap, "at_cap"),
                                                                   (other, "at_cap")}
        assert last.rules[0].why.endswith("no candidate under their cap")
        assert customer(api.db, ids[-1]).owner_id is None
    finally:
        restore = pb.PoolSettings()
        restore.CopyFrom(current)
        restore.version = saved.version
        del restore.caps[:]
        restore.caps.extend([pb.HoldingCap(role="*", max_customers=500),
                             pb.HoldingCap(role="sales", max_customers=200)])
        api.pool.UpdatePoolSettings(pb.UpdatePoolSettingsRequest(settings=restore),
                                    metadata=ADMIN)
