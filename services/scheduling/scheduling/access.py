"""Who may do what in scheduling: staff roles manage everything; a teacher reads their own
timetable and signs themselves in. The internal token grants nothing here (scheduling lists
no internal-token method, kit.grpc_server refuses it)."""
from __future__ import annotations

from kit.caller import Caller
from kit.errors import PermissionDenied
from kit.grpc_context import optional_caller

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
