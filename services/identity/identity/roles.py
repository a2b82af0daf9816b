"""Roles, the data scopes and rights they grant (pure rules, no I/O).

A user's data scope is the widest any of their roles grants; their rights are the union.
"""
from __future__ import annotations

from collections.abc import Iterable

from kit.caller import DataScope

ADMIN = "admin"
GENERAL_MANAGER = "general_manager"
DIRECTOR = "director"
DEPARTMENT_MANAGER = "department_manager"
SALES = "sales"
CUSTOMER_SERVICE = "customer_service"
FINANCE = "finance"
CASHIER = "cashier"
TEACHER = "teacher"
CONFERENCE_STAFF = "conference_staff"
BRANCH_INTEGRATION = "branch_integration"

EXPORT = "export"
DELETE = "delete"
USER_ADMIN = "user.admin"
AUDIT_READ = "audit.read"
UNFREEZE = "unfreeze"
FINANCE_REVIEW = "finance.review"
APPROVE_LEVEL1 = "approve.level1"
APPROVE_LEVEL2 = "approve.level2"
APPROVE_LEVEL3 = "approve.level3"

ALL_RIGHTS = (EXPORT, DELETE, USER_ADMIN, AUDIT_READ, UNFREEZE, FINANCE_REVIEW,
              APPROVE_LEVEL1, APPROVE_LEVEL2, APPROVE_LEVEL3)

# Order = narrow to wide (DataScope's declaration order).
SCOPE_ORDER = tuple(DataScope)

ROLE_SCOPES: dict[str, DataScope] = {
    ADMIN: DataScope.ALL,
    GENERAL_MANAGER: DataScope.ALL,
    CUSTOMER_SERVICE: DataScope.ALL,
    DIRECTOR: DataScope.REGION,
    DEPARTMENT_MANAGER: DataScope.DEPARTMENT,
    CONFERENCE_STAFF: DataScope.CURRENT_TERM,
    SALES: DataScope.OWN,
    # Finance, cashiers and teachers see money/lessons through their own services' rights;
    # as customer-data readers they see only their own records.
    FINANCE: DataScope.OWN,
    CASHIER: DataScope.OWN,
    TEACHER: DataScope.OWN,
    BRANCH_INTEGRATION: DataScope.OWN,
}

ROLE_RIGHTS: dict[str, frozenset[str]] = {
    ADMIN: frozenset({EXPORT, DELETE, USER_ADMIN, AUDIT_READ, UNFREEZE}),
    GENERAL_MANAGER: frozenset({EXPORT, AUDIT_READ, APPROVE_LEVEL3}),
    DIRECTOR: frozenset({EXPORT, APPROVE_LEVEL2}),
    DEPARTMENT_MANAGER: frozenset({EXPORT, APPROVE_LEVEL1}),
    FINANCE: frozenset({FINANCE_REVIEW}),
    SALES: frozenset(), CUSTOMER_SERVICE: frozenset(), CASHIER: frozenset(),
    TEACHER: frozenset(), CONFERENCE_STAFF: frozenset(), BRANCH_INTEGRATION: frozenset(),
}

ALL_ROLES = tuple(ROLE_SCOPES)
HUMAN_ROLES = tuple(r for r in ALL_ROLES if r != BRANCH_INTEGRATION)
MANAGEMENT_ROLES = frozenset({ADMIN, GENERAL_MANAGER, DIRECTOR, DEPARTMENT_MANAGER})


class UnknownRole(ValueError):
    pass


def check_roles(roles: Iterable[str], *, service_account: bool = False) -> tuple[str, ...]:
    """Validate and de-duplicate, keeping order; service accounts hold only their role."""
    result: list[str] = []
    for role in roles:
        if role not in ROLE_SCOPES:
            raise UnknownRole(role)
        if role not in result:
            result.append(role)
    if not result:
        raise UnknownRole("no role")
    if (BRANCH_INTEGRATION in result) != service_account or (service_account and len(result) > 1):
        raise UnknownRole("branch_integration is only for service accounts")
    return tuple(result)


def data_scope(roles: Iterable[str]) -> DataScope:
    """The widest scope any role grants (own when none)."""
    granted = [ROLE_SCOPES[r] for r in roles if r in ROLE_SCOPES]
    return max(granted, key=SCOPE_ORDER.index, default=DataScope.OWN)


def rights(roles: Iterable[str]) -> tuple[str, ...]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_RIGHTS.get(role, frozenset())
    return tuple(r for r in ALL_RIGHTS if r in granted)
