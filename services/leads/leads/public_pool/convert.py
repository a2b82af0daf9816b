"""Rows → protobuf messages of public_pool.proto (pool entries carry no personal data in
full)."""
from __future__ import annotations

from contracts.leads import public_pool_pb2 as pb
from kit.logs import mask_phone

from ..customers.convert import timestamp
from ..models import AssignmentRule, Customer
from .assignment import Decision
from .policy import PoolPolicy
from .pool import mask_name


def settings(p: PoolPolicy) -> pb.PoolSettings:
    return pb.PoolSettings(
        enabled=p.enabled, follow_up_days=p.follow_up_days, deal_days=p.deal_days,
        warning_days=p.warning_days,
        caps=[pb.HoldingCap(role=r, max_customers=n) for r, n in sorted(p.caps.items())],
        version=p.version, updated_by=p.updated_by, updated_at=timestamp(p.updated_at))


def policy(msg: pb.PoolSettings) -> PoolPolicy:
    return PoolPolicy(follow_up_days=msg.follow_up_days, deal_days=msg.deal_days,
                      warning_days=msg.warning_days, enabled=msg.enabled,
                      caps={c.role: c.max_customers for c in msg.caps})


def pool_customer(c: Customer, primary_phone: str) -> pb.PoolCustomer:
    return pb.PoolCustomer(
        id=c.id, masked_name=mask_name(c.name), masked_phone=mask_phone(primary_phone),
        region=c.region, tags=list(c.tags), stage=c.stage,
        source_channel_id=c.source_channel_id or "", pool_region_id=c.owner_region_id or "",
        pool_department_id=c.owner_department_id or "",
        in_pool_since=timestamp(c.pool_entered_at), pool_reason=c.pool_reason or "",
        created_at=timestamp(c.created_at))


def rule(r: AssignmentRule) -> pb.AssignmentRule:
    return pb.AssignmentRule(
        id=r.id, name=r.name, position=r.position, enabled=r.enabled,
        match_regions=list(r.match_regions), match_tags=list(r.match_tags),
        strategy=r.strategy, user_ids=list(r.user_ids), department_id=r.department_id or "",
        version=r.version, updated_at=timestamp(r.updated_at))


def decision(d: Decision) -> pb.AssignmentDecision:
    return pb.AssignmentDecision(
        index=d.lead.index, customer_id=d.lead.customer_id,
        assignee_id=d.assignee.user_id if d.assignee else "",
        rule_id=d.rule.id if d.rule else "", strategy=d.rule.strategy if d.rule else "",
        why=d.why,
        rules=[pb.RuleConsidered(rule_id=r.rule_id, rule_name=r.rule_name, matched=r.matched,
                                 why=r.why) for r in d.considered],
        candidates=[pb.Candidate(user_id=c.user_id, load=c.load, cap=c.cap,
                                 eligible=c.eligible, note=c.note) for c in d.candidates],
        outcome=d.outcome)
