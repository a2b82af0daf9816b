"""Follow-ups in the database: record one (hooks and event in the same transaction), list a
customer's, and the follow-up types (built-in and custom). Callers pass a session; the
servicer owns the transaction."""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit import pagination
from kit.caller import Caller
from kit.errors import FailedPrecondition, PermissionDenied
from sqlalchemy import false, select, update
from sqlalchemy.orm import Session

from ..customers import records as customer_records
from ..models import Customer, FollowUp, FollowUpType, new_id, utcnow
from . import events, hooks, rules


@dataclasses.dataclass(frozen=True)
class Contact:
    """What a caller says about a contact (already checked by `contact`)."""
    type: str
    occurred_at: dt.datetime | None
    content: str
    outcome: str
    next_step: str


def contact(type_: str, occurred_at: dt.datetime | None, content: str, outcome: str,
            next_step: str) -> Contact:
    return Contact(
        type=type_, occurred_at=occurred_at,
        content=rules.check_text_field("content", content, required=True),
        outcome=rules.check_text_field("outcome", outcome),
        next_step=rules.check_text_field("next_step", next_step))


def begin_write(s: Session) -> None:
    """On SQLite, take the database's write lock now (as BEGIN IMMEDIATE would): its driver
    begins the transaction only at the first write, so the checks before it (the plan is
    still open) would read outside it and two concurrent completions could both pass them.
    PostgreSQL needs nothing: the rows are read FOR UPDATE."""
    if s.get_bind().dialect.name == "sqlite":
        s.execute(update(FollowUpType).where(false()).values(active=FollowUpType.active))


def check_recorder(caller: Caller) -> None:
    if not caller.has_role(*rules.RECORDER_ROLES):
        raise PermissionDenied("your roles may not record follow-ups or plans",
                               reason="follow_up.write_denied", message_zh="您无权记录跟进")


def check_type(s: Session, code: str) -> str:
    """A built-in type or an active custom one."""
    rules.check_type_code(code)
    if code in rules.BUILT_IN_TYPES:
        return code
    row = s.get(FollowUpType, code)
    if row is None or not row.active:
        raise rules.invalid("type", f"unknown follow-up type {code!r}",
                            f"跟进类型不存在: {code}")
    return code


def check_not_merged(c: Customer) -> None:
    if c.merged_into_id:
        raise FailedPrecondition("the customer was merged into another; use that one",
                                 reason="customer.already_merged",
                                 message_zh="该客户已被合并，请使用合并后的客户")


def visible_customer(s: Session, caller: Caller, customer_id: str) -> Customer:
    return customer_records.visible(s, caller, customer_id)


def record(s: Session, caller: Caller, c: Customer, what: Contact, *,
           plan_id: str | None = None) -> FollowUp:
    """A contact with `c` by `caller` (who may see it, or owns the plan it completes)."""
    check_not_merged(c)
    now = utcnow()
    f = FollowUp(
        id=new_id(), customer_id=c.id, type=check_type(s, what.type),
        occurred_at=rules.check_occurred_at(what.occurred_at, now), content=what.content,
        outcome=what.outcome, next_step=what.next_step, recorded_by_id=caller.user_id,
        recorded_by_name=caller.username, recorder_department_id=caller.department_id,
        recorder_region_id=caller.region_id, plan_id=plan_id, recorded_at=now)
    s.add(f)
    s.flush()
    hooks.run_recorded(s, f)
    events.follow_up_recorded(s, f)
    return f


def list_page(s: Session, caller: Caller, customer_id: str, type_: str, size: int,
              token: str) -> pagination.Page:
    """A customer's follow-ups (NOT_FOUND out of scope), newest first."""
    c = visible_customer(s, caller, customer_id)
    stmt = select(FollowUp).where(FollowUp.customer_id == c.id)
    if type_:
        stmt = stmt.where(FollowUp.type == rules.check_type_code(type_))
    return pagination.keyset_page(
        s, stmt, [FollowUp.occurred_at, FollowUp.id], token=token,
        size=pagination.page_size(size), list_name=f"follow_ups:{c.id}:{type_}",
        descending=True)


@dataclasses.dataclass(frozen=True)
class TypeView:
    code: str
    name: str
    built_in: bool
    active: bool


def types(s: Session, *, include_inactive: bool = False) -> list[TypeView]:
    found = [TypeView(code, name, True, True) for code, name in rules.BUILT_IN_TYPES.items()]
    stmt = select(FollowUpType).order_by(FollowUpType.code)
    if not include_inactive:
        stmt = stmt.where(FollowUpType.active.is_(True))
    found += [TypeView(t.code, t.name, False, t.active) for t in s.scalars(stmt)]
    return found


def define_type(s: Session, caller: Caller, code: str, name: str, active: bool) -> TypeView:
    """Admins add a custom type, or rename / (de)activate one; built-ins stay as they are."""
    if not caller.has_role(*rules.TYPE_ADMIN_ROLES):
        raise PermissionDenied("only administrators define follow-up types",
                               reason="follow_up_type.admin_only",
                               message_zh="仅管理员可定义跟进类型")
    rules.check_type_code(code)
    if code in rules.BUILT_IN_TYPES:
        raise rules.invalid("code", "built-in types cannot be redefined",
                            "内置跟进类型不能修改")
    name = rules.check_text_field("name", name, required=True)
    row = s.get(FollowUpType, code, with_for_update=True)
    if row is None:
        row = FollowUpType(code=code, created_by=caller.user_id, created_at=utcnow())
        s.add(row)
    row.name, row.active = name, active
    s.flush()
    return TypeView(row.code, row.name, False, row.active)
