"""The events the public pool area writes through kit's outbox (types in
contracts.events.leads, under "public pool"), in the transaction of the change. Owner
changes use the customers area's owner_changed event."""
from __future__ import annotations

import datetime as dt

from kit.events import add_event
from sqlalchemy.orm import Session

from ..customers.events import iso
from ..models import Customer

POOL_WARNING = "crm.leads.customer.pool_warning.v1"
RETURNED_TO_POOL = "crm.leads.customer.returned_to_pool.v1"
CLAIMED_FROM_POOL = "crm.leads.customer.claimed_from_pool.v1"
ASSIGNED = "crm.leads.customer.assigned.v1"


def pool_warning(s: Session, c: Customer, rule: str, due_at: dt.datetime,
                 at: dt.datetime) -> None:
    add_event(s, POOL_WARNING, c.id, {
        "customer_id": c.id, "owner_id": c.owner_id,
        "owner_department_id": c.owner_department_id, "owner_region_id": c.owner_region_id,
        "rule": rule, "due_at": iso(due_at), "warned_at": iso(at)})


def returned_to_pool(s: Session, c: Customer, previous_owner_id: str, rule: str,
                     at: dt.datetime) -> None:
    add_event(s, RETURNED_TO_POOL, c.id, {
        "customer_id": c.id, "previous_owner_id": previous_owner_id,
        "pool_department_id": c.owner_department_id, "pool_region_id": c.owner_region_id,
        "rule": rule, "returned_at": iso(at)})


def claimed_from_pool(s: Session, c: Customer, at: dt.datetime) -> None:
    add_event(s, CLAIMED_FROM_POOL, c.id, {
        "customer_id": c.id, "owner_id": c.owner_id,
        "owner_department_id": c.owner_department_id, "owner_region_id": c.owner_region_id,
        "protected_until": iso(c.protected_until), "claimed_at": iso(at)})


def assigned(s: Session, c: Customer, rule_id: str, strategy: str, by: str,
             at: dt.datetime) -> None:
    add_event(s, ASSIGNED, c.id, {
        "customer_id": c.id, "owner_id": c.owner_id,
        "owner_department_id": c.owner_department_id, "owner_region_id": c.owner_region_id,
        "rule_id": rule_id, "strategy": strategy, "assigned_by": by, "assigned_at": iso(at)})
