"""Data scope of customers (kit.data_scope): a customer sits in the org tree through its
owner (user), the owner's department and region. Sales see their own, department managers
their department's, directors their region's, customer service and management all.

A customer out of scope is NOT_FOUND with the same text as a missing one; who sees phones
and ID numbers in full is `sees_personal_data`.
"""
from __future__ import annotations

from kit import data_scope
from kit.caller import Caller
from kit.errors import NotFound, PermissionDenied
from sqlalchemy import ColumnElement

from ..models import Customer

# Core columns (not ORM attributes): the condition is built on every call, and a column's
# comparison costs a fraction of an instrumented attribute's.
_TABLE = Customer.__table__
COLUMNS = data_scope.ScopeColumns(owner=_TABLE.c.owner_id,
                                  department=_TABLE.c.owner_department_id,
                                  region=_TABLE.c.owner_region_id)


def visible(caller: Caller) -> ColumnElement[bool]:
    """The SQL condition of the customers `caller` may see."""
    return data_scope.where(caller, COLUMNS)


def placement(customer: Customer) -> data_scope.RowPlacement:
    return data_scope.RowPlacement(
        owner_id=customer.owner_id,
        department_ids=(customer.owner_department_id,) if customer.owner_department_id else (),
        region_id=customer.owner_region_id)


def allows(caller: Caller, customer: Customer) -> bool:
    return data_scope.allows(caller, placement(customer))


def not_found(customer_id: str) -> NotFound:
    return NotFound(f"customer {customer_id!r} not found", reason="customer.not_found",
                    message_zh=f"客户不存在: {customer_id}")


def sees_personal_data(caller: Caller, customer: Customer, unmasked_roles) -> bool:
    """Phones and ID numbers in full: the owner, and the roles the settings name."""
    return caller.has_role(*unmasked_roles) or (
        customer.owner_id is not None and customer.owner_id == caller.user_id)


def out_of_scope_write() -> PermissionDenied:
    return PermissionDenied("the customer would be outside your data scope",
                            reason="customer.out_of_scope",
                            message_zh="该客户将超出您的数据权限范围")
