"""Who sees and changes follow-ups and plans (kit.data_scope).

- A follow-up is seen by everyone whose scope covers its customer (customers.scope).
- A plan is seen by everyone whose scope covers its customer (the plans of one customer are
  shared by all involved), and also through its owner's placement (owner, department,
  region): its owner, and the managers above them, see it even when the customer is not
  theirs (a plan delegated to a teammate).
- A plan is changed (completed, delegated, cancelled, merged into) by those whose scope
  covers its owner: the owner, their department manager, their director, "all".
- A plan's new owner (create for someone, delegate) is a teammate: a known, active staff
  member of the caller's department, or one within the caller's data scope.
Out of scope is NOT_FOUND with the text of a missing row; seen but not changeable is
PERMISSION_DENIED.
"""
from __future__ import annotations

from kit import data_scope
from kit.caller import Caller
from kit.errors import NotFound, PermissionDenied
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ..customers import scope as customer_scope
from ..customers.records import OwnerPlacement
from ..models import Customer, FollowUpPlan, StaffMember

PLAN_OWNER = data_scope.ScopeColumns(owner=FollowUpPlan.owner_id,
                                     department=FollowUpPlan.owner_department_id,
                                     region=FollowUpPlan.owner_region_id)


def customer_visible(caller: Caller) -> ColumnElement[bool]:
    return customer_scope.visible(caller)


def plan_visible(caller: Caller) -> ColumnElement[bool]:
    """The SQL condition of the plans `caller` may see."""
    return or_(data_scope.where(caller, PLAN_OWNER),
               FollowUpPlan.customer_id.in_(select(Customer.id).where(
                   customer_scope.visible(caller))))


def plan_placement(p: FollowUpPlan) -> data_scope.RowPlacement:
    return data_scope.RowPlacement(
        owner_id=p.owner_id,
        department_ids=(p.owner_department_id,) if p.owner_department_id else (),
        region_id=p.owner_region_id)


def may_change(caller: Caller, p: FollowUpPlan) -> bool:
    return data_scope.allows(caller, plan_placement(p))


def check_may_change(caller: Caller, p: FollowUpPlan) -> None:
    if not may_change(caller, p):
        raise PermissionDenied("only the plan's owner or their managers may change it",
                               reason="plan.change_denied",
                               message_zh="仅计划负责人或其上级可修改该计划")


def plan_not_found(plan_id: str) -> NotFound:
    return NotFound(f"follow-up plan {plan_id!r} not found", reason="plan.not_found",
                    message_zh=f"跟进计划不存在: {plan_id}")


def staff_not_found(user_id: str) -> NotFound:
    return NotFound(f"user {user_id!r} not found", reason="staff.not_found",
                    message_zh=f"用户不存在: {user_id}")


def teammate(s: Session, caller: Caller, user_id: str) -> OwnerPlacement:
    """Where the person a plan may be given to sits, else NOT_FOUND (unknown to leads' staff
    read model, left, or neither in the caller's department nor in their scope). The caller
    themselves sits where their token says."""
    if not user_id or user_id == caller.user_id:
        return OwnerPlacement.of(caller)
    member = s.get(StaffMember, user_id) if user_id else None
    if member is None or member.left:
        raise staff_not_found(user_id)
    same_department = (caller.department_id is not None
                       and member.department_id == caller.department_id)
    placement = data_scope.RowPlacement(
        owner_id=member.user_id,
        department_ids=(member.department_id,) if member.department_id else (),
        region_id=member.region_id)
    if not (same_department or data_scope.allows(caller, placement)):
        raise staff_not_found(user_id)
    return OwnerPlacement(member.user_id, member.username, member.department_id,
                          member.region_id)
