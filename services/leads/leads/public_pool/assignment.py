"""Assignment rules: who a new lead goes to, and why.

Rules are tried in ascending `position`; the first enabled rule whose conditions all hold
(the lead's region among `match_regions`, one of its tags among `match_tags`; an empty list
holds for any lead) and that has a candidate under their cap decides. Candidates are the
rule's team (`user_ids`, in that order) or the sales staff of its department (by user id),
from leads' staff read model: people who left or whom leads does not know are never picked.

- round_robin: the next candidate after the rule's cursor, skipping those at their cap; the
  cursor is stored on the rule and advanced in the transaction of the assignment, with the
  rule row locked (PostgreSQL FOR UPDATE; SQLite's write lock), so concurrent runs take turns
  and nobody is skipped or picked twice in a row by a race;
- least_load: the candidate holding the fewest customers (ties by user id).

A `Planner` decides a sequence of leads the way applying them one after another would: each
decision counts the previous ones' loads and cursor moves. A dry run uses it on a read-only
session and writes nothing.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from kit import data_scope
from kit.caller import Caller
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..customers import claims
from ..customers import scope as customer_scope
from ..customers.records import OwnerPlacement
from ..models import AssignmentRule, Customer, StaffMember
from . import events, holding, scope
from .policy import PoolPolicy

ROUND_ROBIN, LEAST_LOAD = "round_robin", "least_load"
STRATEGIES = (ROUND_ROBIN, LEAST_LOAD)
DEPARTMENT_ROLES = ("sales",)  # who of a department takes leads by a department rule
WOULD_ASSIGN, ASSIGNED = "would_assign", "assigned"
NO_RULE, NO_CANDIDATE = "no_rule", "no_candidate"


@dataclasses.dataclass(frozen=True)
class Lead:
    index: int
    customer_id: str = ""
    region: str = ""
    tags: tuple[str, ...] = ()


@dataclasses.dataclass
class Candidate:
    user_id: str
    load: int = 0
    cap: int = 0
    eligible: bool = False
    note: str = ""                 # why not eligible: at_cap | left | unknown
    staff: StaffMember | None = None


@dataclasses.dataclass(frozen=True)
class Considered:
    rule_id: str
    rule_name: str
    matched: bool
    why: str


@dataclasses.dataclass
class Decision:
    lead: Lead
    outcome: str
    assignee: Candidate | None = None
    rule: AssignmentRule | None = None
    why: str = ""
    considered: list[Considered] = dataclasses.field(default_factory=list)
    candidates: list[Candidate] = dataclasses.field(default_factory=list)
    cursor_after: int | None = None   # round robin: the rule's cursor once this is applied


def enabled_rules(s: Session, *, lock: bool = False) -> list[AssignmentRule]:
    stmt = (select(AssignmentRule).where(AssignmentRule.enabled.is_(True))
            .order_by(AssignmentRule.position, AssignmentRule.id))
    if lock and s.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return list(s.scalars(stmt))


def matches(rule: AssignmentRule, lead: Lead) -> tuple[bool, str]:
    if rule.match_regions and lead.region not in rule.match_regions:
        return False, f"region {lead.region or '(none)'!s} not in {list(rule.match_regions)}"
    if rule.match_tags and not set(lead.tags) & set(rule.match_tags):
        return False, f"none of tags {list(lead.tags)} in {list(rule.match_tags)}"
    parts = []
    if rule.match_regions:
        parts.append(f"region {lead.region}")
    if rule.match_tags:
        parts.append(f"tags {sorted(set(lead.tags) & set(rule.match_tags))}")
    return True, "matched " + (", ".join(parts) if parts else "every lead")


def team_of(s: Session, rule: AssignmentRule) -> list[str]:
    if rule.user_ids:
        return list(dict.fromkeys(rule.user_ids))
    if not rule.department_id:
        return []
    members = s.scalars(select(StaffMember).where(
        StaffMember.department_id == rule.department_id, StaffMember.left.is_(False))
        .order_by(StaffMember.user_id))
    return [m.user_id for m in members if set(m.roles or []) & set(DEPARTMENT_ROLES)]


class Planner:
    """Decides leads one after another; loads and cursors carry over between decisions."""

    def __init__(self, s: Session, policy: PoolPolicy, rules: Sequence[AssignmentRule]):
        self.s, self.policy, self.rules = s, policy, list(rules)
        self.loads: dict[str, int] = {}
        self.cursors = {r.id: r.cursor for r in self.rules}
        self.staff: dict[str, StaffMember | None] = {}

    def _candidates(self, rule: AssignmentRule) -> list[Candidate]:
        team = team_of(self.s, rule)
        unknown = [u for u in team if u not in self.staff]
        if unknown:
            found = {m.user_id: m for m in self.s.scalars(
                select(StaffMember).where(StaffMember.user_id.in_(unknown)))}
            self.staff.update({u: found.get(u) for u in unknown})
        missing = [u for u in team if u not in self.loads]
        self.loads.update(holding.loads(self.s, missing))
        out = []
        for user_id in team:
            staff = self.staff[user_id]
            c = Candidate(user_id, load=self.loads[user_id], staff=staff)
            if staff is None:
                c.note = "unknown"
            elif staff.left:
                c.note = "left"
            else:
                c.cap = self.policy.cap_for(staff.roles or [])
                c.eligible = c.load < c.cap
                c.note = "" if c.eligible else "at_cap"
            out.append(c)
        return out

    def decide(self, lead: Lead) -> Decision:
        decision = Decision(lead, NO_RULE, why="no rule matched")
        for rule in self.rules:
            ok, why = matches(rule, lead)
            if not ok:
                decision.considered.append(Considered(rule.id, rule.name, False, why))
                continue
            candidates = self._candidates(rule)
            pick, cursor_after, how = self._pick(rule, candidates)
            if pick is None:
                decision.considered.append(Considered(
                    rule.id, rule.name, True, why + "; no candidate under their cap"))
                decision.outcome, decision.why = NO_CANDIDATE, "no candidate under their cap"
                decision.rule, decision.candidates = rule, candidates
                continue
            decision.considered.append(Considered(rule.id, rule.name, True, why))
            decision.outcome, decision.rule, decision.candidates = WOULD_ASSIGN, rule, candidates
            decision.assignee, decision.cursor_after = pick, cursor_after
            decision.why = f"rule {rule.name!r} {why}; {how}"
            self.loads[pick.user_id] += 1
            if cursor_after is not None:
                self.cursors[rule.id] = cursor_after
            return decision
        return decision

    def _pick(self, rule: AssignmentRule, candidates: list[Candidate]
              ) -> tuple[Candidate | None, int | None, str]:
        eligible = [c for c in candidates if c.eligible]
        if not eligible:
            return None, None, ""
        if rule.strategy == LEAST_LOAD:
            pick = min(eligible, key=lambda c: (c.load, c.user_id))
            return pick, None, (f"least load: {pick.user_id} holds {pick.load} "
                                f"(of {len(eligible)} under their cap)")
        cursor = self.cursors[rule.id]
        n = len(candidates)
        for step in range(n):
            i = (cursor + step) % n
            if candidates[i].eligible:
                how = f"round robin: turn {cursor % n} of {n} → {candidates[i].user_id}"
                if step:
                    how += f" (skipped {step} not eligible)"
                return candidates[i], i + 1, how
        return None, None, ""  # pragma: no cover - eligible is not empty


# ---- running the rules ------------------------------------------------------------------

ALREADY_OWNED, NOT_FOUND, OUT_OF_SCOPE = "already_owned", "not_found", "out_of_scope"


def _lead_of(s: Session, caller: Caller, index: int, customer_id: str
             ) -> tuple[Lead, Customer | None, str]:
    c = s.scalars(select(Customer).where(Customer.id == customer_id,
                                         customer_scope.visible(caller))).first()
    lead = Lead(index, customer_id, c.region if c else "", tuple(c.tags) if c else ())
    if c is None or c.merged_into_id:
        return lead, None, NOT_FOUND
    if c.owner_id:
        return lead, None, ALREADY_OWNED
    return lead, c, ""


def dry_run(s: Session, caller: Caller, leads: Sequence[Lead], policy: PoolPolicy
            ) -> list[Decision]:
    """Who each lead would go to, as if applied in this order; writes nothing."""
    planner = Planner(s, policy, enabled_rules(s))
    out = []
    for lead in leads:
        if lead.customer_id:
            lead, c, refused = _lead_of(s, caller, lead.index, lead.customer_id)
            if refused:
                out.append(Decision(lead, refused, why=refused.replace("_", " ")))
                continue
        out.append(planner.decide(lead))
    return out


def apply_one(s: Session, caller: Caller, index: int, customer_id: str, policy: PoolPolicy,
              protection: dt.timedelta, now: dt.datetime) -> Decision:
    """Assign one unowned customer by the rules, in the caller's transaction `s`.

    Locks, always in this order (as a pool claim takes the last two): the rules (PostgreSQL
    FOR UPDATE; on SQLite a first write takes the database's write lock), the assignee's
    holder lock, the customer row."""
    s.execute(update(AssignmentRule).where(AssignmentRule.id.is_(None))
              .values(cursor=AssignmentRule.cursor))  # SQLite: the write lock, first
    rules = enabled_rules(s, lock=True)
    lead, c, refused = _lead_of(s, caller, index, customer_id)
    if refused:
        return Decision(lead, refused, why=refused.replace("_", " "))
    decision = Planner(s, policy, rules).decide(lead)
    pick = decision.assignee
    if pick is None:
        return decision
    staff = pick.staff
    placement = data_scope.RowPlacement(
        owner_id=pick.user_id, department_ids=(staff.department_id,) if staff.department_id
        else (), region_id=staff.region_id)
    if not data_scope.allows(caller, placement):
        decision.outcome, decision.why = OUT_OF_SCOPE, (
            f"{pick.user_id} is outside your data scope")
        return decision
    holding.lock_holder(s, pick.user_id)
    held = holding.held(s, pick.user_id)
    if held >= pick.cap:
        decision.outcome = NO_CANDIDATE
        decision.why = f"{pick.user_id} reached their cap meanwhile"
        return decision
    took = s.execute(update(Customer).where(Customer.id == c.id, scope.in_pool())
                     .values(version=Customer.version)
                     .execution_options(synchronize_session=False)).rowcount
    if took != 1:
        return Decision(lead, ALREADY_OWNED, why="claimed meanwhile")
    c = s.get(Customer, c.id, populate_existing=True)
    claims.set_owner(s, c, OwnerPlacement(pick.user_id, staff.username, staff.department_id,
                                          staff.region_id),
                     reason="assignment", actor=caller.user_id,
                     protected_until=now + protection, now=now)
    if decision.cursor_after is not None:
        decision.rule.cursor = decision.cursor_after
    events.assigned(s, c, decision.rule.id, decision.rule.strategy, caller.user_id, now)
    decision.outcome = ASSIGNED
    pick.load = held + 1
    return decision
