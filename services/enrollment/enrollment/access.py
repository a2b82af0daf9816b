"""Who may do what in enrollment (roles; the rows' data scope is scope.py's). The internal
token grants nothing here (enrollment lists no internal-token method)."""
from __future__ import annotations

from collections.abc import Collection

from kit.caller import Caller
from kit.errors import PermissionDenied
from kit.grpc_context import get_caller


def caller() -> Caller:
    """Only a person acts in enrollment (Unauthenticated otherwise)."""
    return get_caller()


def require(roles: Collection[str], en: str, zh: str, reason: str) -> Caller:
    found = caller()
    if not found.has_role(*roles):
        raise PermissionDenied(en, reason=reason, message_zh=zh)
    return found


def catalogue_manager(roles: Collection[str]) -> Caller:
    return require(roles, "only catalogue managers change courses, terms and classes",
                   "仅课程管理人员可修改课程、期与班级", "enrollment.catalogue_managers_only")


def seller(roles: Collection[str]) -> Caller:
    return require(roles, "only sellers place orders", "仅销售人员可下单",
                   "enrollment.sellers_only")


def enrollment_writer(roles: Collection[str]) -> Caller:
    return require(roles, "you may not change enrollments", "您无权变更报名",
                   "enrollment.change_denied")
