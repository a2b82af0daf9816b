"""Ownership claims (报备): who a customer belongs to, for how long, and what a second claim
does.

- A customer nobody holds, or whose protection has run out, goes to the claimant at once.
- The holder claiming again renews the protection.
- A customer another holds under protection: by `collision_policy`, the claim is refused
  (FAILED_PRECONDITION `claim.protected`) or queued (`requested`) for a manager to arbitrate.
  With `channel_rule = channel_wins`, a claim through a channel takes a customer held directly
  at once (the channel brought them).
- Arbitration (approve/reject) is for the arbiter roles, on customers or claimants in their
  data scope; approving gives the customer to the claimant and rejects the other waiting
  claims on it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from kit import data_scope
from kit.caller import Caller
from kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from kit.text import check_text
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Claim, Customer, utcnow
from . import events, scope
from .records import OwnerPlacement, history

REQUESTED, APPROVED, REJECTED = "requested", "approved", "rejected"
POLICIES = ("queue", "refuse")
CHANNEL_RULES = ("first_wins", "channel_wins")


@dataclasses.dataclass(frozen=True)
class ClaimRules:
    protection: dt.timedelta
    collision_policy: str = "queue"
    channel_rule: str = "first_wins"

    def __post_init__(self) -> None:
        if self.collision_policy not in POLICIES:
            raise ValueError(f"collision_policy must be one of {POLICIES}")
        if self.channel_rule not in CHANNEL_RULES:
            raise ValueError(f"channel_rule must be one of {CHANNEL_RULES}")


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite gives naive UTC back
        return value.replace(tzinfo=dt.UTC)
    return value


def protected(c: Customer, now: dt.datetime) -> bool:
    until = _aware(c.protected_until)
    return c.owner_id is not None and until is not None and until > now


def set_owner(s: Session, c: Customer, owner: OwnerPlacement, *, reason: str, actor: str,
              protected_until: dt.datetime | None, now: dt.datetime) -> None:
    previous = c.owner_id
    c.owner_id, c.owner_name = owner.user_id, owner.name
    c.owner_department_id, c.owner_region_id = owner.department_id, owner.region_id
    c.owner_channel_id = owner.channel_id
    c.protected_until = protected_until
    c.updated_at = now
    c.version += 1
    history(s, c.id, "owner_changed", actor, previous_owner_id=previous, owner_id=owner.user_id,
            reason=reason)
    events.owner_changed(s, c, previous, reason, actor, now)


def _decide(s: Session, claim: Claim, status: str, by: str, note: str, now: dt.datetime,
            protected_until: dt.datetime | None = None) -> Claim:
    claim.status, claim.decided_by, claim.decision_note = status, by, note
    claim.decided_at, claim.protected_until = now, protected_until
    s.flush()
    events.claim_decided(s, claim)
    return claim


def _placement(claim: Claim) -> OwnerPlacement:
    return OwnerPlacement(claim.claimant_id, claim.claimant_name, claim.claimant_department_id,
                          claim.claimant_region_id, claim.channel_id)


# Checks run before a claim makes the claimant the owner (the public pool's cap on how many
# customers one person holds), wired in leads.area_hooks: `(session, caller)`, raising to
# refuse the claim.
BEFORE_TAKING: list[Callable[[Session, Caller], None]] = []


def _may_take(s: Session, caller: Caller) -> None:
    for check in BEFORE_TAKING:
        check(s, caller)


def claim(s: Session, caller: Caller, c: Customer, rules: ClaimRules, *,
          channel_id: str | None = None, note: str = "") -> Claim:
    check_text(note, "note", multiline=True)
    if len(note) > 500:
        raise InvalidArgument("note is longer than 500 characters", reason="invalid.note",
                              message_zh="备注超过 500 个字符")
    if c.merged_into_id:
        raise FailedPrecondition("the customer was merged into another; claim that one",
                                 reason="customer.already_merged",
                                 message_zh="该客户已被合并，请报备合并后的客户")
    now = utcnow()
    owner = OwnerPlacement.of(caller, channel_id)
    row = Claim(customer_id=c.id, claimant_id=caller.user_id, claimant_name=caller.username,
                claimant_department_id=caller.department_id,
                claimant_region_id=caller.region_id, channel_id=channel_id, status=REQUESTED,
                note=note, requested_at=now)
    s.add(row)
    s.flush()
    until = now + rules.protection
    if c.owner_id == caller.user_id:
        _decide(s, row, APPROVED, "system", "renewed", now, until)
        c.protected_until, c.owner_channel_id = until, channel_id or c.owner_channel_id
        c.updated_at = now
        history(s, c.id, "claim_renewed", caller.user_id, claim_id=row.id)
        return row
    if not protected(c, now):
        _may_take(s, caller)
        _decide(s, row, APPROVED, "system", "unprotected", now, until)
        set_owner(s, c, owner, reason="claim", actor=caller.user_id, protected_until=until,
                  now=now)
        return row
    if rules.channel_rule == "channel_wins" and channel_id and not c.owner_channel_id:
        _may_take(s, caller)
        _decide(s, row, APPROVED, "system", "channel_wins", now, until)
        set_owner(s, c, owner, reason="channel_rule", actor=caller.user_id,
                  protected_until=until, now=now)
        return row
    if rules.collision_policy == "refuse":
        raise FailedPrecondition(
            "the customer is held by another owner under protection",
            reason="claim.protected", message_zh="该客户在他人保护期内，报备被拒绝",
            details={"customer_id": c.id, "protected_until": events.iso(c.protected_until)})
    if s.scalars(select(Claim.id).where(Claim.customer_id == c.id, Claim.status == REQUESTED,
                                        Claim.claimant_id == caller.user_id,
                                        Claim.id != row.id)).first():
        raise FailedPrecondition("you already have a claim waiting on this customer",
                                 reason="claim.pending", message_zh="您对该客户的报备正在等待审批")
    history(s, c.id, "claim_requested", caller.user_id, claim_id=row.id)
    events.claim_requested(s, row, c.owner_id)
    return row


def may_arbitrate(caller: Caller, c: Customer, claim_row: Claim, arbiter_roles) -> bool:
    if not caller.has_role(*arbiter_roles):
        return False
    claimant = data_scope.RowPlacement(
        owner_id=claim_row.claimant_id,
        department_ids=((claim_row.claimant_department_id,)
                        if claim_row.claimant_department_id else ()),
        region_id=claim_row.claimant_region_id)
    return scope.allows(caller, c) or data_scope.allows(caller, claimant)


def claim_not_found(claim_id: str) -> NotFound:
    return NotFound(f"claim {claim_id!r} not found", reason="claim.not_found",
                    message_zh=f"报备不存在: {claim_id}")


def decide(s: Session, caller: Caller, c: Customer, claim_id: str, approve: bool, note: str,
           rules: ClaimRules, arbiter_roles) -> Claim:
    check_text(note, "note", multiline=True)
    row = s.get(Claim, claim_id) if claim_id else None
    if row is None or row.customer_id != c.id:
        raise claim_not_found(claim_id)
    if not caller.has_role(*arbiter_roles):
        raise PermissionDenied("only managers arbitrate claims", reason="claim.not_arbiter",
                               message_zh="仅经理可审批报备")
    if not may_arbitrate(caller, c, row, arbiter_roles):
        raise claim_not_found(claim_id)
    if row.status != REQUESTED:
        raise FailedPrecondition(f"the claim is already {row.status}", reason="claim.decided",
                                 message_zh="该报备已处理")
    now = utcnow()
    if not approve:
        history(s, c.id, "claim_rejected", caller.user_id, claim_id=row.id)
        return _decide(s, row, REJECTED, caller.user_id, note, now)
    until = now + rules.protection
    _decide(s, row, APPROVED, caller.user_id, note, now, until)
    set_owner(s, c, _placement(row), reason="arbitration", actor=caller.user_id,
              protected_until=until, now=now)
    for other in s.scalars(select(Claim).where(Claim.customer_id == c.id,
                                               Claim.status == REQUESTED, Claim.id != row.id)):
        _decide(s, other, REJECTED, caller.user_id, "another claim was approved", now)
    return row


def pending(s: Session, customer_id: str) -> Claim | None:
    return s.scalars(select(Claim).where(Claim.customer_id == customer_id,
                                         Claim.status == REQUESTED)
                     .order_by(Claim.requested_at, Claim.id).limit(1)).first()
