"""Data scope in enrollment (kit.data_scope).

- The catalogue (campuses, courses, terms, classes) is seen through its campus: `all` sees
  every campus; anyone else the campuses of their own region (a seller sells what their
  region's campuses teach), and a department-scoped user also the campuses listing their
  department. Company-wide courses (no campus) are seen by everyone. Catalogue WRITES keep
  to the writer's data scope like scheduling's (scope of the campus as a row: region or
  department), company-wide courses to `all`-scope staff.
- Orders and enrollments sit where their seller sits: owner = the seller, department = the
  seller's department, region = the seller's region (sales see their own, managers their
  department, directors their region).

A row out of scope is NOT_FOUND exactly like a missing one; a write that would leave a row
outside the writer's scope is PERMISSION_DENIED. `caller` None is a system call.
"""
from __future__ import annotations

from collections.abc import Collection

from kit import data_scope
from kit.caller import Caller, DataScope
from kit.errors import NotFound, PermissionDenied
from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from . import models as m


def _campus_in_department(department_id: str) -> ColumnElement[bool]:
    return m.Campus.id.in_(select(m.CampusDepartment.campus_id)
                           .where(m.CampusDepartment.department_id == department_id))


CAMPUS_COLUMNS = data_scope.ScopeColumns(region=m.Campus.region_id,
                                         in_department=_campus_in_department)
ORDER_COLUMNS = data_scope.ScopeColumns(owner=m.Order.seller_id,
                                        department=m.Order.seller_department_id,
                                        region=m.Order.seller_region_id)
ENROLLMENT_COLUMNS = data_scope.ScopeColumns(owner=m.Enrollment.seller_id,
                                             department=m.Enrollment.seller_department_id,
                                             region=m.Enrollment.seller_region_id)


def not_found(what: str, what_zh: str, key: str) -> NotFound:
    return NotFound(f"{what} {key!r} not found",
                    reason=f"enrollment.{what.replace(' ', '_')}_not_found",
                    message_zh=f"{what_zh}不存在: {key}")


# --- the catalogue: read ---------------------------------------------------------------------

def readable_campuses(caller: Caller | None) -> ColumnElement[bool]:
    """Campuses whose catalogue `caller` reads: all-scope every one, else their region's
    (whatever their data scope) and their department's."""
    if caller is None or data_scope.effective_scope(caller) == DataScope.ALL:
        return true()
    conditions = []
    if caller.region_id:
        conditions.append(m.Campus.region_id == caller.region_id)
    if caller.department_id:
        conditions.append(_campus_in_department(caller.department_id))
    return or_(*conditions) if conditions else m.Campus.id.is_(None)


def readable_campus_ids(caller: Caller | None):
    return select(m.Campus.id).where(readable_campuses(caller))


def campus(s: Session, caller: Caller | None, campus_id: str) -> m.Campus:
    """The campus if `caller` reads its catalogue, else NOT_FOUND."""
    row = s.scalar(select(m.Campus).where(m.Campus.id == campus_id,
                                          readable_campuses(caller))) if campus_id else None
    if row is None:
        raise not_found("campus", "校区", campus_id)
    return row


def readable(s: Session, caller: Caller | None, campus_id: str | None) -> bool:
    if caller is None or campus_id is None:
        return True
    return s.scalar(select(m.Campus.id).where(m.Campus.id == campus_id,
                                              readable_campuses(caller))) is not None


def row(s: Session, caller: Caller | None, model, key: str, what: str, what_zh: str):
    """A catalogue row (course, term, class) if it exists and `caller` reads its campus."""
    found = s.get(model, key) if key else None
    if found is None or not readable(s, caller, found.campus_id):
        raise not_found(what, what_zh, key)
    return found


# --- the catalogue: write --------------------------------------------------------------------

def _out_of_scope() -> PermissionDenied:
    return PermissionDenied("outside your data scope", reason="enrollment.out_of_scope",
                            message_zh="超出您的数据权限范围")


def department_ids(s: Session, campus_id: str) -> list[str]:
    return sorted(s.scalars(select(m.CampusDepartment.department_id)
                            .where(m.CampusDepartment.campus_id == campus_id)))


def check_campus_placement(caller: Caller | None, region_id: str | None,
                           departments: Collection[str]) -> None:
    """A catalogue write may only touch (or leave) a campus the writer manages."""
    if caller is None or data_scope.allows(caller, data_scope.RowPlacement(
            region_id=region_id or None, department_ids=tuple(departments))):
        return
    raise _out_of_scope()


def check_campus_write(s: Session, caller: Caller | None, campus_id: str | None) -> None:
    """The writer manages this campus (NOT_FOUND if they cannot even read it); a
    company-wide row (no campus) needs the `all` scope."""
    if caller is None:
        return
    if campus_id is None:
        if data_scope.effective_scope(caller) != DataScope.ALL:
            raise PermissionDenied(
                "company-wide courses are changed by all-scope staff only",
                reason="enrollment.catalogue_scope",
                message_zh="全公司共用课程仅全部数据权限的人员可修改")
        return
    found = campus(s, caller, campus_id)
    check_campus_placement(caller, found.region_id, department_ids(s, campus_id))


# --- orders and enrollments ------------------------------------------------------------------

def orders(caller: Caller | None) -> ColumnElement[bool]:
    return true() if caller is None else data_scope.where(caller, ORDER_COLUMNS)


def enrollments(caller: Caller | None) -> ColumnElement[bool]:
    return true() if caller is None else data_scope.where(caller, ENROLLMENT_COLUMNS)


def order(s: Session, caller: Caller | None, order_id: str) -> m.Order:
    found = s.scalar(select(m.Order).where(m.Order.id == order_id, orders(caller))) \
        if order_id else None
    if found is None:
        raise not_found("order", "订单", order_id)
    return found


def enrollment(s: Session, caller: Caller | None, enrollment_id: str) -> m.Enrollment:
    found = s.scalar(select(m.Enrollment).where(m.Enrollment.id == enrollment_id,
                                                enrollments(caller))) if enrollment_id else None
    if found is None:
        raise not_found("enrollment", "报名", enrollment_id)
    return found
