"""Data scope (数据权限): which rows a caller may see and change, written once for every
service.

A row sits in the org tree through up to three anchors: the user who owns it, the
department(s) it belongs to and its region. The caller's `DataScope` (from the access token)
picks the anchor that must match:

    all          every row
    region       rows whose region is the caller's region
    department   rows of the caller's department
    current_term the owning service's notion of "this term" (a condition it supplies), else own
    own          rows the caller owns

A scope whose anchor the caller lacks (a director placed in no region) narrows to `own`, as
identity's user directory does; a row without the anchor (no owner, no region) is outside
every scope but `all`. Services apply `where(...)` in every query (lists filtered, a single
row looked up through the same condition so an out-of-scope row is simply not found) and
`allows(...)` to the values a write would leave on a row.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import ColumnElement, false, true

from .caller import Caller, DataScope


@dataclasses.dataclass(frozen=True)
class RowPlacement:
    """Where one row sits: its owner, its department(s), its region."""

    owner_id: str | None = None
    department_ids: Collection[str] = ()
    region_id: str | None = None
    in_current_term: bool = False


@dataclasses.dataclass(frozen=True)
class ScopeColumns:
    """How a table's rows sit in the org tree, as SQL: each anchor a column (or None when the
    table has no such anchor). `in_department` is for rows that serve several departments
    (a campus and its departments): given a department id, the condition "this row is one of
    that department's". `current_term` is the owning service's condition for current_term."""

    owner: Any = None
    department: Any = None
    region: Any = None
    in_department: Callable[[str], ColumnElement[bool]] | None = None
    current_term: ColumnElement[bool] | None = None


def effective_scope(caller: Caller) -> DataScope:
    """The caller's scope, narrowed to `own` when they lack the scope's anchor."""
    scope = caller.data_scope
    if scope == DataScope.REGION and not caller.region_id:
        return DataScope.OWN
    if scope == DataScope.DEPARTMENT and not caller.department_id:
        return DataScope.OWN
    return scope


def allows(caller: Caller, row: RowPlacement) -> bool:
    """May `caller` see (and, with the service's role checks, change) this row?"""
    scope = effective_scope(caller)
    if scope == DataScope.ALL:
        return True
    if scope == DataScope.REGION:
        return row.region_id is not None and row.region_id == caller.region_id
    if scope == DataScope.DEPARTMENT:
        return caller.department_id in row.department_ids
    if scope == DataScope.CURRENT_TERM and row.in_current_term:
        return True
    return row.owner_id is not None and row.owner_id == caller.user_id


def where(caller: Caller, columns: ScopeColumns) -> ColumnElement[bool]:
    """The SQL condition of the rows `caller` may see (the same rule as `allows`)."""
    scope = effective_scope(caller)
    if scope == DataScope.ALL:
        return true()
    if scope == DataScope.REGION:
        return columns.region == caller.region_id if columns.region is not None else false()
    if scope == DataScope.DEPARTMENT:
        if columns.department is not None:
            return columns.department == caller.department_id
        if columns.in_department is not None:
            return columns.in_department(caller.department_id)
        return false()
    own = columns.owner == caller.user_id if columns.owner is not None else false()
    if scope == DataScope.CURRENT_TERM and columns.current_term is not None:
        return columns.current_term | own
    return own
