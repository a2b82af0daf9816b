"""Data scope (kit.data_scope) of finance's documents: an order sits where its seller sits
(owner = seller, the seller's department and region); payments, refunds and a customer's
account are seen through their orders, commissions through their person and order.

Finance and cashier staff handle the money of their whole region: identity gives them the
`own` scope (they own no sales), which here widens to their region (never narrows a wider
scope). A finance user placed in no region keeps `own`."""
from __future__ import annotations

import dataclasses

from kit import data_scope
from kit.caller import Caller, DataScope
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from . import models as m
from . import orders

ORDER = data_scope.ScopeColumns(owner=m.Order.seller_id, department=m.Order.seller_department_id,
                                region=m.Order.seller_region_id)
COMMISSION = data_scope.ScopeColumns(owner=m.Commission.person_id,
                                     department=m.Commission.department_id,
                                     region=m.Commission.region_id)
STATEMENT = data_scope.ScopeColumns(owner=m.CommissionStatement.person_id,
                                    department=m.CommissionStatement.department_id,
                                    region=m.CommissionStatement.region_id)


MONEY_ROLES = ("finance", "cashier")
_NARROWER_THAN_REGION = (DataScope.OWN, DataScope.CURRENT_TERM, DataScope.DEPARTMENT)


def effective(caller: Caller) -> Caller:
    if caller.has_role(*MONEY_ROLES) and caller.region_id and \
            caller.data_scope in _NARROWER_THAN_REGION:
        return dataclasses.replace(caller, data_scope=DataScope.REGION)
    return caller


def where(caller: Caller, columns: data_scope.ScopeColumns):
    """kit.data_scope.where with finance's widening for money staff."""
    return data_scope.where(effective(caller), columns)


def order(session: Session, caller: Caller, order_id: str) -> m.Order:
    """The order if the caller may see it; out of scope is not found."""
    row = session.scalar(select(m.Order).where(m.Order.id == order_id,
                                               where(caller, ORDER)))
    if row is None:
        raise orders.not_found(order_id)
    return row


def customer_visible(session: Session, caller: Caller, customer_id: str) -> bool:
    return bool(session.scalar(select(exists().where(
        m.Order.customer_id == customer_id, where(caller, ORDER)))))
