"""Data scope in scheduling (kit.data_scope): a campus sits in identity's org tree (its region,
the departments working at it), and everything in a campus (timeslots, rooms, teachers,
terms, sections, solve jobs, timetables, sessions) is seen and changed through its campus.

`all` sees every campus, `region` the campuses of the caller's region, `department` those
listing the caller's department; other scopes see none (a teacher still reads their own
timetable: access.py). A row out of scope is NOT_FOUND, exactly like a missing one, so its
existence and data never leak; a write that would place a campus outside the writer's scope
is PERMISSION_DENIED.

`caller` is None for a system call that access.py let in (no person behind it): scope does
not narrow what access.py admitted.
"""
from __future__ import annotations

from collections.abc import Collection

from kit import data_scope
from kit.caller import Caller
from kit.errors import NotFound, PermissionDenied
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from . import models as m

CAMPUS_COLUMNS = data_scope.ScopeColumns(
    region=m.Campus.region_id,
    in_department=lambda department_id: m.Campus.id.in_(
        select(m.CampusDepartment.campus_id)
        .where(m.CampusDepartment.department_id == department_id)))


def visible_campuses(caller: Caller | None) -> ColumnElement[bool]:
    """The SQL condition on m.Campus of the campuses `caller` may see."""
    return true() if caller is None else data_scope.where(caller, CAMPUS_COLUMNS)


def in_visible_campus(caller: Caller | None, campus_column) -> ColumnElement[bool]:
    """The SQL condition on a row's campus column: its campus is one `caller` may see."""
    if caller is None:
        return true()
    return campus_column.in_(select(m.Campus.id).where(visible_campuses(caller)))


def not_found(what: str, what_zh: str, key: str) -> NotFound:
    # the same answer as repository.get_or_404's for a missing row
    return NotFound(f"{what} {key!r} not found",
                    reason=f"scheduling.{what.replace(' ', '_')}_not_found",
                    message_zh=f"{what_zh}不存在: {key}")


def campus(s: Session, caller: Caller | None, campus_id: str) -> m.Campus:
    """The campus if `caller` may see it, else NOT_FOUND (missing or out of scope)."""
    row = s.scalar(select(m.Campus).where(m.Campus.id == campus_id,
                                          visible_campuses(caller))) if campus_id else None
    if row is None:
        raise not_found("campus", "校区", campus_id)
    return row


def campus_visible(s: Session, caller: Caller | None, campus_id: str | None) -> bool:
    if caller is None:
        return True
    return bool(campus_id) and s.scalar(select(m.Campus.id).where(
        m.Campus.id == campus_id, visible_campuses(caller))) is not None


def row_in_campus(s: Session, caller: Caller | None, model, key: str, what: str, what_zh: str):
    """A row of a campus (room, teacher, term, section, job, timetable, session) if it exists
    and its campus is in `caller`'s scope; NOT_FOUND otherwise."""
    row = s.get(model, key) if key else None
    if row is None or not campus_visible(s, caller, row.campus_id):
        raise not_found(what, what_zh, key)
    return row


def department_ids(s: Session, campus_id: str) -> list[str]:
    return sorted(s.scalars(select(m.CampusDepartment.department_id)
                            .where(m.CampusDepartment.campus_id == campus_id)))


def check_placement(caller: Caller | None, region_id: str | None,
                    departments: Collection[str]) -> None:
    """A write may only leave a campus where the writer can still see it."""
    if caller is None or data_scope.allows(caller, data_scope.RowPlacement(
            region_id=region_id or None, department_ids=tuple(departments))):
        return
    raise PermissionDenied("the campus would be outside your data scope",
                           reason="scheduling.out_of_scope",
                           message_zh="该校区超出您的数据权限范围")
