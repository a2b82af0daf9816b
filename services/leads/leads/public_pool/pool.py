"""The pool itself: listing it (masked), claiming from it, returning a customer to it.

A claim is one conditional UPDATE of the customer ("still in the pool, in my region's pool")
before anything else: on PostgreSQL a concurrent claim waits on the row and then finds it
owned; on SQLite the UPDATE takes the write lock, so the second claim runs after the first
committed and finds it owned. Either way exactly one claimer wins, the other gets
FAILED_PRECONDITION `pool.already_claimed` (409).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit import data_scope, pagination
from kit.caller import Caller
from kit.errors import FailedPrecondition, InvalidArgument
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..customers import claims
from ..customers import scope as customer_scope
from ..customers.records import OwnerPlacement
from ..models import Customer, CustomerPhone, CustomerTag
from . import events, holding, scope
from .policy import DEAL, FOLLOW_UP, PoolPolicy

ACTOR = "system:public_pool"
REASONS = (FOLLOW_UP, DEAL, "unowned")


def mask_name(name: str) -> str:
    """张三 → 张*, Alice → A****: enough to tell pool entries apart, not to find a person."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


@dataclasses.dataclass(frozen=True)
class PoolFilters:
    tag: str = ""
    region: str = ""
    reason: str = ""


def list_page(s: Session, caller: Caller, f: PoolFilters, size: int, token: str
              ) -> pagination.Page:
    """The pool customers in the caller's region (newest arrivals first)."""
    stmt = select(Customer).where(scope.visible(caller))
    if f.tag:
        stmt = stmt.where(Customer.id.in_(select(CustomerTag.customer_id)
                                          .where(CustomerTag.tag == f.tag)))
    if f.region:
        stmt = stmt.where(Customer.region == f.region)
    if f.reason:
        if f.reason not in REASONS:
            raise InvalidArgument(f"reason must be one of {REASONS}", reason="invalid.reason",
                                  message_zh="回收原因无效")
        stmt = stmt.where(Customer.pool_reason == f.reason)
    name = "public_pool:" + "|".join(dataclasses.astuple(f))
    return pagination.keyset_page(s, stmt, [Customer.pool_entered_at, Customer.id],
                                  token=token, size=pagination.page_size(size),
                                  list_name=name, descending=True)


def primary_phones(s: Session, customer_ids: list[str]) -> dict[str, str]:
    """Each customer's primary phone (E.164), to be shown masked."""
    if not customer_ids:
        return {}
    return dict(s.execute(select(CustomerPhone.customer_id, CustomerPhone.phone).where(
        CustomerPhone.customer_id.in_(customer_ids), CustomerPhone.primary.is_(True))).all())


@dataclasses.dataclass(frozen=True)
class Claimed:
    customer: Customer
    held: int
    cap: int


def already_claimed(customer_id: str) -> FailedPrecondition:
    return FailedPrecondition("someone else claimed this customer first",
                              reason="pool.already_claimed",
                              message_zh="该客户已被他人领取",
                              details={"customer_id": customer_id})


def claim(s: Session, caller: Caller, customer_id: str, policy: PoolPolicy,
          protection: dt.timedelta, now: dt.datetime) -> Claimed:
    """The caller takes a pool customer of their region, within their cap."""
    if not customer_id:
        raise customer_scope.not_found(customer_id)
    holding.lock_holder(s, caller.user_id)
    took = s.execute(update(Customer).where(Customer.id == customer_id, scope.visible(caller))
                     .values(version=Customer.version)
                     .execution_options(synchronize_session=False)).rowcount
    if took != 1:
        c = s.get(Customer, customer_id, populate_existing=True)
        if c is None or c.merged_into_id or not data_scope.allows(
                scope.pool_caller(caller), data_scope.RowPlacement(region_id=c.owner_region_id)):
            raise customer_scope.not_found(customer_id)
        raise already_claimed(customer_id)
    cap = policy.cap_for(caller.roles)
    held_now = holding.held(s, caller.user_id)
    if held_now >= cap:
        raise holding.cap_reached(held_now, cap)
    c = s.get(Customer, customer_id, populate_existing=True)
    claims.set_owner(s, c, OwnerPlacement.of(caller), reason="pool_claim",
                     actor=caller.user_id, protected_until=now + protection, now=now)
    events.claimed_from_pool(s, c, now)
    return Claimed(c, held_now + 1, cap)


def return_to_pool(s: Session, c: Customer, rule: str, now: dt.datetime,
                   actor: str = ACTOR) -> None:
    """The owner loses the customer (history row and owner_changed, as every owner change),
    which stays in its region's pool with the rule that sent it there."""
    previous = c.owner_id
    claims.set_owner(s, c, OwnerPlacement(None, "", c.owner_department_id, c.owner_region_id),
                     reason="returned_to_pool", actor=actor, protected_until=None, now=now)
    c.pool_reason = rule
    events.returned_to_pool(s, c, previous, rule, now)
