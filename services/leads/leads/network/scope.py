"""Data scope of the network area (kit.data_scope).

- Channels, activities and surveys sit in the org tree themselves: the staff member who
  manages them (owner), their department and region. They are scoped by region: everyone
  placed in a region reads that region's (sellers register their customers for the region's
  activities and visit its channels), management and customer service all, another region's
  never; a caller placed in no region reads their own. Changing one keeps to the writer's
  own data scope (check_placement: a department manager changes their department's).
- Referrals, registrations and survey answers concern customers: they are seen through the
  customer (customers.scope). A service request is seen through its customer, and by its
  owner (a request transferred to someone is theirs to work).
Out of scope is NOT_FOUND with the text of a missing record; a write that would place a row
outside the writer's scope is PERMISSION_DENIED.
"""
from __future__ import annotations

import dataclasses

from kit import data_scope
from kit.caller import Caller, DataScope
from kit.errors import NotFound, PermissionDenied
from sqlalchemy import ColumnElement, or_, select

from ..customers import scope as customer_scope
from ..models import Customer
from ..models.network import Channel, MarketingActivity, ServiceRequest, Survey

CHANNELS = data_scope.ScopeColumns(owner=Channel.owner_id, department=Channel.department_id,
                                   region=Channel.region_id)
ACTIVITIES = data_scope.ScopeColumns(owner=MarketingActivity.owner_id,
                                     department=MarketingActivity.department_id,
                                     region=MarketingActivity.region_id)
SURVEYS = data_scope.ScopeColumns(owner=Survey.owner_id, department=Survey.department_id,
                                  region=Survey.region_id)


def org_where(who: Caller, columns: data_scope.ScopeColumns) -> ColumnElement[bool]:
    """Which channels, activities or surveys `who` reads: their region's (or wider)."""
    if who.region_id and data_scope.effective_scope(who) not in (DataScope.ALL,
                                                                 DataScope.REGION):
        who = dataclasses.replace(who, data_scope=DataScope.REGION)
    return data_scope.where(who, columns)


def placement(owner_id: str | None, department_id: str | None, region_id: str | None
              ) -> data_scope.RowPlacement:
    return data_scope.RowPlacement(owner_id=owner_id,
                                   department_ids=(department_id,) if department_id else (),
                                   region_id=region_id)


def check_placement(who: Caller, owner_id, department_id, region_id) -> None:
    if not data_scope.allows(who, placement(owner_id, department_id, region_id)):
        raise PermissionDenied("the record would be outside your data scope",
                               reason="network.out_of_scope",
                               message_zh="该记录将超出您的数据权限范围")


def customers_visible(who: Caller, customer_id_column) -> ColumnElement[bool]:
    """`customer_id_column` names a customer the caller may see."""
    return customer_id_column.in_(select(Customer.id).where(customer_scope.visible(who)))


def service_requests_visible(who: Caller) -> ColumnElement[bool]:
    return or_(ServiceRequest.owner_id == who.user_id,
               customers_visible(who, ServiceRequest.customer_id))


def not_found(kind: str, kind_zh: str, record_id: str) -> NotFound:
    return NotFound(f"{kind.replace('_', ' ')} {record_id!r} not found",
                    reason=f"{kind}.not_found", message_zh=f"{kind_zh}不存在: {record_id}")
