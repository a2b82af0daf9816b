"""Who sees which pool customers (kit.data_scope): the pool is shared within a region, so
every caller's scope is widened to their region for the pool (the `all` scope sees every
region's pool). A pool customer sits in the region of its last owner (`owner_region_id` is
kept when the owner is cleared); one with no region is seen by the `all` scope only.
"""
from __future__ import annotations

import dataclasses

from kit import data_scope
from kit.caller import Caller, DataScope
from sqlalchemy import ColumnElement, and_

from ..models import Customer

POOL_COLUMNS = data_scope.ScopeColumns(region=Customer.owner_region_id)


def pool_caller(caller: Caller) -> Caller:
    if data_scope.effective_scope(caller) == DataScope.ALL or not caller.region_id:
        return caller  # all stays all; without a region the scope cannot widen
    return dataclasses.replace(caller, data_scope=DataScope.REGION)


def in_pool() -> ColumnElement[bool]:
    return and_(Customer.owner_id.is_(None), Customer.merged_into_id.is_(None))


def visible(caller: Caller) -> ColumnElement[bool]:
    """The pool customers `caller` may see and claim."""
    return and_(in_pool(), data_scope.where(pool_caller(caller), POOL_COLUMNS))
