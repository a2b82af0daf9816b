"""Sales targets in the database, within the caller's data scope.

A target sits in the org tree through its team: its department and region (kit.data_scope:
directors see their region's, department managers their department's, management all);
a person with a split sees the targets they have a share of. Managers (MANAGER_ROLES) set
targets and splits for teams in their scope; a target out of scope is NOT_FOUND.
"""
from __future__ import annotations

from kit import data_scope, pagination
from kit.caller import Caller, DataScope
from kit.errors import FailedPrecondition, NotFound, PermissionDenied
from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from ..models import SalesTarget, SalesTargetSplit, utcnow
from . import attainment, rules

MANAGER_ROLES = ("admin", "general_manager", "director", "department_manager")
COLUMNS = data_scope.ScopeColumns(department=SalesTarget.department_id,
                                  region=SalesTarget.region_id)


def visible(caller: Caller) -> ColumnElement[bool]:
    mine = SalesTarget.id.in_(select(SalesTargetSplit.target_id)
                              .where(SalesTargetSplit.user_id == caller.user_id))
    return or_(data_scope.where(caller, COLUMNS), mine)


def not_found(target_id: str) -> NotFound:
    return NotFound(f"sales target {target_id!r} not found", reason="sales_target.not_found",
                    message_zh=f"销售目标不存在: {target_id}")


def _check_manager(caller: Caller, department_id: str, region_id: str | None) -> None:
    if not caller.has_role(*MANAGER_ROLES):
        raise PermissionDenied("only managers set sales targets",
                               reason="sales_target.write_denied",
                               message_zh="仅经理可设置销售目标")
    if not data_scope.allows(caller, data_scope.RowPlacement(
            department_ids=(department_id,), region_id=region_id)):
        raise PermissionDenied("the team is outside your data scope",
                               reason="sales_target.out_of_scope",
                               message_zh="该团队超出您的数据权限范围")


def create(s: Session, caller: Caller, spec: rules.TargetSpec, splits: list[rules.Split]
           ) -> SalesTarget:
    # A team sits in its manager's region; only managers who see every region name another.
    region_id = spec.region_id or caller.region_id
    if region_id != caller.region_id and data_scope.effective_scope(caller) != DataScope.ALL:
        raise PermissionDenied("the team is outside your data scope",
                               reason="sales_target.out_of_scope",
                               message_zh="该团队超出您的数据权限范围")
    _check_manager(caller, spec.department_id, region_id)
    now = utcnow()
    target = SalesTarget(
        name=spec.name, period_start=spec.period_start, period_end=spec.period_end,
        course_id=spec.course_id, campus_id=spec.campus_id, customer_type=spec.customer_type,
        department_id=spec.department_id, region_id=region_id, amount_fen=spec.amount_fen,
        deals=spec.deals, created_by=caller.user_id, created_at=now, updated_at=now,
        version=1)
    s.add(target)
    s.flush()
    s.add_all(SalesTargetSplit(target_id=target.id, user_id=x.user_id,
                               amount_fen=x.amount_fen, deals=x.deals) for x in splits)
    attainment.backfill(s, target)
    s.flush()
    return target


def get(s: Session, caller: Caller, target_id: str, *, for_update: bool = False
        ) -> SalesTarget:
    stmt = select(SalesTarget).where(SalesTarget.id == target_id, visible(caller))
    if for_update:
        stmt = stmt.with_for_update()
    target = s.scalars(stmt).first() if target_id else None
    if target is None:
        raise not_found(target_id)
    return target


def set_splits(s: Session, caller: Caller, target: SalesTarget, splits: list[rules.Split],
               expected_version: int) -> SalesTarget:
    _check_manager(caller, target.department_id, target.region_id)
    if expected_version and expected_version != target.version:
        raise FailedPrecondition("the target changed meanwhile; reload it",
                                 reason="sales_target.version_mismatch",
                                 message_zh="销售目标已被修改，请刷新后重试")
    s.execute(delete(SalesTargetSplit).where(SalesTargetSplit.target_id == target.id))
    s.add_all(SalesTargetSplit(target_id=target.id, user_id=x.user_id,
                               amount_fen=x.amount_fen, deals=x.deals) for x in splits)
    target.version += 1
    target.updated_at = utcnow()
    s.flush()
    return target


def splits_of(s: Session, target_id: str) -> list[SalesTargetSplit]:
    return list(s.scalars(select(SalesTargetSplit).where(SalesTargetSplit.target_id == target_id)
                          .order_by(SalesTargetSplit.user_id)))


def list_page(s: Session, caller: Caller, department_id: str, on_date, size: int, token: str
              ) -> pagination.Page:
    stmt = select(SalesTarget).where(visible(caller))
    if department_id:
        stmt = stmt.where(SalesTarget.department_id == department_id)
    if on_date is not None:
        stmt = stmt.where(SalesTarget.period_start <= on_date, SalesTarget.period_end >= on_date)
    return pagination.keyset_page(
        s, stmt, [SalesTarget.period_start, SalesTarget.id], token=token,
        size=pagination.page_size(size),
        list_name=f"sales_targets:{department_id}:{on_date or ''}", descending=True)
