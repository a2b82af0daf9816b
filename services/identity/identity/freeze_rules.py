"""Who may freeze, unfreeze or close an account, and when (pure rules)."""
from __future__ import annotations

from collections.abc import Iterable

from kit.caller import Caller

from . import errors
from .roles import ADMIN, ROLE_RIGHTS, UNFREEZE, USER_ADMIN

# The roles whose holders can unfreeze someone (the right, or the administrator role).
UNFREEZER_ROLES = frozenset({ADMIN} | {r for r, rights in ROLE_RIGHTS.items()
                                       if UNFREEZE in rights})

ACTIVE, FROZEN, LEFT = "active", "frozen", "left"


def check_can_freeze(caller: Caller | None, *, internal: bool, automatic: bool,
                     target_user_id: str) -> None:
    """Administrators freeze by hand; the gateway (internal token) freezes automatically
    (rate-limit-then-freeze). Each path must say which it is."""
    if automatic:
        if not internal:
            raise errors.denied("automatic freeze is reserved to the gateway",
                                "自动冻结仅限网关调用")
        return
    if caller is None or not caller.can(USER_ADMIN):
        raise errors.denied("only administrators can freeze users", "只有管理员可以冻结用户")
    if caller.user_id == target_user_id:
        raise errors.denied("administrators cannot freeze themselves", "管理员不能冻结自己",
                            reason="user.freeze_self")


def can_unfreeze(user_roles: Iterable[str]) -> bool:
    return not UNFREEZER_ROLES.isdisjoint(user_roles)


def automatic_freeze_allowed(other_active_unfreezers: int) -> bool:
    """Never lock the institution out of itself: an automatic freeze is withheld when it
    would leave no active user (other than the one frozen) able to unfreeze. The alert
    still goes out; an administrator's own freeze, and the operator's unfreeze
    (`educrm-admin unfreeze`), are the ways around it."""
    return other_active_unfreezers > 0


def check_can_unfreeze(caller: Caller | None) -> None:
    if caller is None or not caller.can(UNFREEZE):
        raise errors.denied("only administrators can unfreeze users", "只有管理员可以解冻用户")


def check_can_mark_left(caller: Caller | None, target_user_id: str) -> None:
    if caller is None or not caller.can(USER_ADMIN):
        raise errors.denied("only administrators can close accounts", "只有管理员可以办理离职")
    if caller.user_id == target_user_id:
        raise errors.denied("administrators cannot close their own account",
                            "管理员不能为自己办理离职")


def transition(status: str, target: str) -> bool:
    """Whether a status change happens (False: already there → idempotent no-op).
    A user who left stays left."""
    if status == target:
        return False
    if status == LEFT:
        raise errors.user_left()
    return True
