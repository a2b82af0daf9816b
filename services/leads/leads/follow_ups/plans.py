"""Follow-up plans (工作计划): create (answering with the customer's other open plans), read
and list within scope, complete by recording the follow-up, delegate to a teammate, cancel,
merge several open plans of one customer into one (keeping who asked for each).

Every change writes a history row and an event in its transaction (the servicer's)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit import pagination
from kit.caller import Caller
from kit.errors import FailedPrecondition
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..customers.records import OwnerPlacement
from ..models import Customer, FollowUp, FollowUpPlan, FollowUpPlanHistory, new_id, utcnow
from . import events, records, rules, scope


def history(s: Session, plan_id: str, action: str, actor: str, at: dt.datetime,
            **detail) -> None:
    s.add(FollowUpPlanHistory(plan_id=plan_id, action=action, actor_id=actor, detail=detail,
                              at=at))


def _set_owner(p: FollowUpPlan, owner: OwnerPlacement) -> None:
    p.owner_id, p.owner_name = owner.user_id, owner.name
    p.owner_department_id, p.owner_region_id = owner.department_id, owner.region_id


def open_plans_of(s: Session, customer_id: str, *, exclude_id: str | None = None
                  ) -> list[FollowUpPlan]:
    stmt = select(FollowUpPlan).where(FollowUpPlan.customer_id == customer_id,
                                      FollowUpPlan.status == rules.OPEN)
    if exclude_id:
        stmt = stmt.where(FollowUpPlan.id != exclude_id)
    return list(s.scalars(stmt.order_by(FollowUpPlan.due_at, FollowUpPlan.id)))


def create(s: Session, caller: Caller, customer_id: str, *, due_at: dt.datetime | None,
           type_: str, note: str, owner_id: str = "") -> tuple[FollowUpPlan,
                                                               list[FollowUpPlan]]:
    """A plan on a customer the caller sees, for the caller or a teammate; returns it and
    the customer's other open plans."""
    records.check_recorder(caller)
    note = rules.check_text_field("note", note)
    c = records.visible_customer(s, caller, customer_id)
    records.check_not_merged(c)
    now = utcnow()
    owner = scope.teammate(s, caller, owner_id)
    p = FollowUpPlan(id=new_id(), customer_id=c.id, type=records.check_type(s, type_),
                     due_at=rules.check_due_at(due_at, now), note=note, status=rules.OPEN,
                     created_by=caller.user_id, created_at=now, updated_at=now, version=1)
    _set_owner(p, owner)
    p.requesters = [{"user_id": caller.user_id, "plan_id": p.id, "note": note}]
    s.add(p)
    s.flush()
    history(s, p.id, "created", caller.user_id, now, owner_id=p.owner_id)
    events.plan_created(s, p)
    return p, open_plans_of(s, c.id, exclude_id=p.id)


def visible(s: Session, caller: Caller, plan_id: str, *, for_update: bool = False
            ) -> FollowUpPlan:
    """The plan if `caller` may see it, else NOT_FOUND (missing or out of scope)."""
    if not plan_id:
        raise scope.plan_not_found(plan_id)
    stmt = select(FollowUpPlan).where(FollowUpPlan.id == plan_id, scope.plan_visible(caller))
    if for_update:
        stmt = stmt.with_for_update()
    p = s.scalars(stmt).first()
    if p is None:
        raise scope.plan_not_found(plan_id)
    return p


def _changeable_open(s: Session, caller: Caller, plan_id: str) -> FollowUpPlan:
    p = visible(s, caller, plan_id, for_update=True)
    scope.check_may_change(caller, p)
    if p.status != rules.OPEN:
        raise FailedPrecondition(f"the plan is {p.status}, not open", reason="plan.not_open",
                                 message_zh="该计划已结束")
    return p


@dataclasses.dataclass(frozen=True)
class Filters:
    customer_id: str = ""
    owner_id: str = ""
    status: str = ""
    due_before: dt.datetime | None = None


def list_page(s: Session, caller: Caller, f: Filters, size: int, token: str
              ) -> pagination.Page:
    """Plans the caller may see, by due time (earliest first)."""
    stmt = select(FollowUpPlan)
    if f.customer_id:
        # the customer's plans are everyone's who sees the customer
        c = records.visible_customer(s, caller, f.customer_id)
        stmt = stmt.where(FollowUpPlan.customer_id == c.id)
    else:
        stmt = stmt.where(scope.plan_visible(caller))
    if f.owner_id:
        stmt = stmt.where(FollowUpPlan.owner_id == f.owner_id)
    if f.status:
        if f.status not in rules.STATUSES:
            raise rules.invalid("status", "status must be open, completed, cancelled or "
                                "merged", "计划状态无效")
        stmt = stmt.where(FollowUpPlan.status == f.status)
    if f.due_before is not None:
        stmt = stmt.where(FollowUpPlan.due_at <= f.due_before)
    name = "plans:" + "|".join([f.customer_id, f.owner_id, f.status,
                                f.due_before.isoformat() if f.due_before else ""])
    return pagination.keyset_page(s, stmt, [FollowUpPlan.due_at, FollowUpPlan.id],
                                  token=token, size=pagination.page_size(size),
                                  list_name=name)


def complete(s: Session, caller: Caller, plan_id: str, what: records.Contact
             ) -> tuple[FollowUpPlan, FollowUp]:
    """Record the plan's follow-up (its type by default) and close the plan with it."""
    records.check_recorder(caller)
    p = _changeable_open(s, caller, plan_id)
    c = s.get(Customer, p.customer_id)
    if not what.type:
        what = dataclasses.replace(what, type=p.type)
    f = records.record(s, caller, c, what, plan_id=p.id)
    p.status, p.completed_at, p.follow_up_id = rules.COMPLETED, f.recorded_at, f.id
    p.updated_at = f.recorded_at
    p.version += 1
    history(s, p.id, "completed", caller.user_id, f.recorded_at, follow_up_id=f.id)
    events.plan_completed(s, p, caller.user_id)
    return p, f


def delegate(s: Session, caller: Caller, plan_id: str, to_user_id: str, note: str
             ) -> FollowUpPlan:
    """Give an open plan to a teammate (scope.teammate)."""
    records.check_recorder(caller)
    note = rules.check_text_field("note", note)
    p = _changeable_open(s, caller, plan_id)
    if not to_user_id:
        raise rules.invalid("to_user_id", "to_user_id is required", "须指定接收人")
    owner = scope.teammate(s, caller, to_user_id)
    if owner.user_id == p.owner_id:
        raise FailedPrecondition("the plan is already theirs", reason="plan.same_owner",
                                 message_zh="该计划已属于此人")
    now = utcnow()
    previous = p.owner_id
    _set_owner(p, owner)
    p.updated_at = now
    p.version += 1
    history(s, p.id, "delegated", caller.user_id, now, previous_owner_id=previous,
            owner_id=owner.user_id, note=note)
    events.plan_delegated(s, p, previous, "delegate", caller.user_id, now)
    return p


def cancel(s: Session, caller: Caller, plan_id: str, reason: str) -> FollowUpPlan:
    reason = rules.check_text_field("reason", reason)
    p = _changeable_open(s, caller, plan_id)
    now = utcnow()
    p.status, p.cancelled_reason, p.updated_at = rules.CANCELLED, reason, now
    p.version += 1
    history(s, p.id, "cancelled", caller.user_id, now, reason=reason)
    events.plan_cancelled(s, p, caller.user_id, now)
    return p


def merge(s: Session, caller: Caller, plan_ids: list[str], into_id: str,
          due_at: dt.datetime | None, note: str | None) -> tuple[FollowUpPlan, list[str]]:
    """Open plans of one customer, all visible to the caller, become the survivor (one of
    them, changeable by the caller); the others close as `merged` and the survivor keeps
    every requester."""
    records.check_recorder(caller)
    ids = list(dict.fromkeys(plan_ids))
    if not 2 <= len(ids) <= rules.MAX_MERGE:
        raise rules.invalid("plan_ids", f"merge 2 to {rules.MAX_MERGE} plans",
                            f"须合并 2–{rules.MAX_MERGE} 个计划")
    if into_id and into_id not in ids:
        raise rules.invalid("into_plan_id", "into_plan_id must be one of plan_ids",
                            "保留的计划须在待合并计划之中")
    found = {p.id: p for p in s.scalars(
        select(FollowUpPlan).where(FollowUpPlan.id.in_(ids), scope.plan_visible(caller))
        .order_by(FollowUpPlan.id).with_for_update())}
    missing = [i for i in ids if i not in found]
    if missing:
        raise scope.plan_not_found(missing[0])
    plans = sorted(found.values(), key=lambda p: (rules.aware(p.due_at), p.id))
    if len({p.customer_id for p in plans}) != 1:
        raise FailedPrecondition("only plans of one customer can be merged",
                                 reason="plan.customers_differ",
                                 message_zh="只能合并同一客户的计划")
    closed = [p for p in plans if p.status != rules.OPEN]
    if closed:
        raise FailedPrecondition(f"plan {closed[0].id} is {closed[0].status}, not open",
                                 reason="plan.not_open", message_zh="待合并的计划须均未结束")
    survivor = found[into_id] if into_id else plans[0]
    scope.check_may_change(caller, survivor)
    now = utcnow()
    others = [p for p in plans if p.id != survivor.id]
    if due_at is not None:
        survivor.due_at = rules.check_due_at(due_at, now)
    else:
        survivor.due_at = min(rules.aware(p.due_at) for p in plans)
    if note is not None:
        survivor.note = rules.check_text_field("note", note)
    else:
        notes = list(dict.fromkeys(p.note for p in [survivor, *others] if p.note))
        survivor.note = "\n".join(notes)[:rules.TEXTS["note"][0]]
    requesters = list(survivor.requesters or [])
    for p in others:
        requesters += [r for r in (p.requesters or []) if r not in requesters]
    survivor.requesters = requesters
    survivor.updated_at = now
    survivor.version += 1
    for p in others:
        p.status, p.merged_into_id, p.updated_at = rules.MERGED, survivor.id, now
        p.version += 1
        history(s, p.id, "merged_into", caller.user_id, now, survivor_id=survivor.id)
    merged_ids = [p.id for p in others]
    history(s, survivor.id, "merged", caller.user_id, now, merged_plan_ids=merged_ids)
    s.flush()
    events.plan_merged(s, survivor, merged_ids, caller.user_id, now)
    return survivor, merged_ids
