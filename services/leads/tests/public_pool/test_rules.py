"""The pool's pure rules: due dates (N, M), caps per role, policy checks, masking, and the
assignment rules' matching and strategies (planner over a real database's read model)."""
from __future__ import annotations

import datetime as dt

import pytest
from kit.errors import InvalidArgument
from leads import models as m
from leads.public_pool import assignment
from leads.public_pool.assignment_rules import RuleFields, check
from leads.public_pool.policy import DEAL, FOLLOW_UP, PoolPolicy, due
from leads.public_pool.policy import check as check_policy
from leads.public_pool.pool import mask_name

T0 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
POLICY = PoolPolicy(follow_up_days=30, deal_days=90, warning_days=3)


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def test_each_rule_is_due_its_days_after_its_clock():
    first = due(POLICY, T0, T0)
    assert (first.rule, first.at) == (FOLLOW_UP, T0 + days(30))
    # followed up on day 20: the follow-up rule counts from then
    assert due(POLICY, T0 + days(20), T0).at == T0 + days(50)
    # kept busy with follow-ups but no deal: the deal rule comes first
    kept_busy = due(POLICY, T0 + days(85), T0)
    assert (kept_busy.rule, kept_busy.at) == (DEAL, T0 + days(90))
    # a deal since the claim stopped the deal clock
    dealt = due(POLICY, T0 + days(85), None)
    assert (dealt.rule, dealt.at) == (FOLLOW_UP, T0 + days(115))
    naive = dt.datetime(2026, 1, 1, 8, 0)  # SQLite's naive UTC
    assert due(POLICY, naive, naive).at == T0 + days(30)


def test_rules_switched_off():
    assert due(PoolPolicy(follow_up_days=0, deal_days=0, warning_days=0), T0, T0) is None
    only_deal = PoolPolicy(follow_up_days=0, deal_days=60, warning_days=0)
    assert due(only_deal, T0, None) is None
    assert due(only_deal, T0, T0).at == T0 + days(60)
    assert due(POLICY, None, None) is None  # in the pool: no clocks


def test_caps_are_the_highest_of_a_persons_roles():
    p = PoolPolicy(caps={"sales": 100, "department_manager": 300, "*": 50})
    assert p.cap_for(["sales"]) == 100
    assert p.cap_for(["sales", "department_manager"]) == 300
    assert p.cap_for(["teacher"]) == 50
    assert p.cap_for([]) == 50


@pytest.mark.parametrize(("policy", "reason"), [
    (PoolPolicy(follow_up_days=-1), "invalid.follow_up_days"),
    (PoolPolicy(deal_days=4000), "invalid.deal_days"),
    (PoolPolicy(follow_up_days=10, deal_days=5, warning_days=10), "invalid.warning_days"),
    (PoolPolicy(caps={"sales": 10}), "invalid.caps"),
    (PoolPolicy(caps={"*": -1}), "invalid.caps"),
])
def test_policy_checks(policy, reason):
    with pytest.raises(InvalidArgument) as raised:
        check_policy(policy)
    assert raised.value.reason == reason


def test_masked_names():
    assert [mask_name(n) for n in ("张三", "欧阳娜娜", "A", "")] == ["张*", "欧***", "A*", ""]


def _rule(**kw) -> m.AssignmentRule:
    values = {"id": "r1", "name": "r", "strategy": "round_robin", "match_regions": [],
              "match_tags": [], "user_ids": [], "department_id": None, "cursor": 0}
    return m.AssignmentRule(**{**values, **kw})


def test_matching_explains_itself():
    rule = _rule(match_regions=["北京", "天津"], match_tags=["vip"])
    lead = assignment.Lead(0, region="北京", tags=("vip", "python"))
    assert assignment.matches(rule, lead) == (True, "matched region 北京, tags ['vip']")
    assert assignment.matches(rule, assignment.Lead(1, region="上海", tags=("vip",))) == (
        False, "region 上海 not in ['北京', '天津']")
    assert assignment.matches(rule, assignment.Lead(2, region="天津")) == (
        False, "none of tags [] in ['vip']")
    assert assignment.matches(_rule(), assignment.Lead(3)) == (True, "matched every lead")


def test_rule_fields_are_checked():
    base = RuleFields("r", 0, True, (), (), "least_load", ("u1",), None)
    assert check(base).user_ids == ("u1",)
    for bad, reason in ((base.__class__(**{**base.__dict__, "user_ids": ()}), "invalid.user_ids"),
                        (base.__class__(**{**base.__dict__, "department_id": "d"}),
                         "invalid.user_ids"),
                        (base.__class__(**{**base.__dict__, "match_tags": ("a\x00",)}),
                         "invalid.match_tags")):
        with pytest.raises(InvalidArgument) as raised:
            check(bad)
        assert raised.value.reason == reason


class _Planner(assignment.Planner):
    """The planner with the read model and loads given (no database)."""

    def __init__(self, policy, rules, staff, loads):
        self.s, self.policy, self.rules = None, policy, rules
        self.loads = dict(loads)
        self.cursors = {r.id: r.cursor for r in rules}
        self.staff = staff

    def _candidates(self, rule):
        out = []
        for user_id in rule.user_ids:
            staff = self.staff.get(user_id)
            c = assignment.Candidate(user_id, load=self.loads.setdefault(user_id, 0),
                                     staff=staff)
            if staff is None:
                c.note = "unknown"
            else:
                c.cap = self.policy.cap_for(staff.roles)
                c.eligible = c.load < c.cap
                c.note = "" if c.eligible else "at_cap"
            out.append(c)
        return out


def _staff(*users):
    return {u: m.StaffMember(user_id=u, username=u, roles=["sales"], left=False) for u in users}


def test_round_robin_takes_turns_from_the_cursor_and_skips_capped_people():
    rule = _rule(user_ids=["a", "b", "c"], cursor=1)
    planner = _Planner(PoolPolicy(caps={"*": 2}), [rule], _staff("a", "b", "c"),
                       {"a": 0, "b": 2, "c": 0})
    picks = [planner.decide(assignment.Lead(i)) for i in range(4)]
    # b is at the cap: c, a, c, a ... until both are full too
    assert [p.assignee.user_id if p.assignee else None for p in picks] == ["c", "a", "c", "a"]
    assert picks[0].why == ("rule 'r' matched every lead; round robin: turn 1 of 3 → c "
                            "(skipped 1 not eligible)")
    assert [p.cursor_after for p in picks] == [3, 1, 3, 1]
    assert planner.decide(assignment.Lead(5)).outcome == assignment.NO_CANDIDATE


def test_least_load_picks_the_fewest_held_with_ties_by_id_and_falls_through():
    first = _rule(id="r1", strategy="least_load", user_ids=["a", "b"])
    fallback = _rule(id="r2", name="fallback", user_ids=["z"])
    planner = _Planner(PoolPolicy(caps={"*": 3}), [first, fallback], _staff("a", "b", "z"),
                       {"a": 2, "b": 2})
    picks = [planner.decide(assignment.Lead(i)) for i in range(3)]
    assert [p.assignee.user_id for p in picks] == ["a", "b", "z"]
    assert [p.rule.id for p in picks] == ["r1", "r1", "r2"]
    assert picks[2].considered[0].why == "matched every lead; no candidate under their cap"
