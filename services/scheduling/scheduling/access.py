"""Who may do what in scheduling: staff roles manage their data scope's campuses (scope.py);
a teacher reads their own timetable and signs themselves in. The internal token grants nothing
here (scheduling lists no internal-token method, kit.grpc_server refuses it)."""
from __future__ import annotations

from kit import data_scope
from kit.caller import Caller, DataScope
from kit.errors import PermissionDenied
from kit.grpc_context import optional_caller
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from . import scope

TEACHER_ROLE = "teacher"


def _denied() -> PermissionDenied:
    return PermissionDenied("scheduling staff only", reason="scheduling.staff_only",
                            message_zh="仅排课管理人员可执行此操作")


def is_staff(caller: Caller | None, staff_roles: tuple[str, ...]) -> bool:
    return caller is not None and caller.has_role(*staff_roles)


def require_staff(staff_roles: tuple[str, ...]) -> Caller | None:
    caller = optional_caller()
    if not is_staff(caller, staff_roles):
        raise _denied()
    return caller


def require_staff_or_self_teacher(staff_roles: tuple[str, ...], teacher_id: str) -> Caller | None:
    """Staff, or the teacher `teacher_id` acting on their own data."""
    caller = optional_caller()
    if is_staff(caller, staff_roles):
        return caller
    if caller is not None and caller.has_role(TEACHER_ROLE) and caller.user_id == teacher_id:
        return caller
    raise _denied()


def require_campus_reader(s: Session, staff_roles: tuple[str, ...], campus_id: str) -> None:
    """Staff whose data scope holds the campus (else NOT_FOUND), or a teacher of the campus
    reading what their own timetable needs (its terms and weekly grid)."""
    caller = optional_caller()
    if is_staff(caller, staff_roles):
        scope.campus(s, caller, campus_id)
        return
    if caller is not None and caller.has_role(TEACHER_ROLE) and s.scalar(
            select(m.Teacher.id).where(m.Teacher.id == caller.user_id,
                                       m.Teacher.campus_id == campus_id)) is not None:
        return
    raise _denied()


def require_catalogue_writer(staff_roles: tuple[str, ...]) -> Caller | None:
    """The course catalogue is the company's, shared by every campus: only staff who see
    every campus (data scope `all`) change it."""
    caller = require_staff(staff_roles)
    if caller is not None and data_scope.effective_scope(caller) != DataScope.ALL:
        raise PermissionDenied("the course catalogue is company-wide: all-scope staff only",
                               reason="scheduling.catalogue_scope",
                               message_zh="课程目录为全公司共用, 仅全部数据权限的人员可修改")
    return caller
