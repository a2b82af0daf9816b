"""The to-do list (待办工作区): a user's due work, gathered from every area that has some.

An area adds a source: `SOURCES.append(("follow_up_plans", due_plans))`, a function
`(session, caller, window) -> list[ToDoItem]` returning the caller's items due by
`window.until` (at most `window.limit`). The follow-ups area's source is the caller's open
plans due by the end of today; pending claims and approvals can follow the same way (and add
their kind's detail to the ToDoItem message of follow_ups.proto).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from kit.caller import Caller
from sqlalchemy.orm import Session

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


@dataclasses.dataclass(frozen=True)
class Window:
    now: dt.datetime
    until: dt.datetime     # items due at or before this
    limit: int


@dataclasses.dataclass(frozen=True)
class ToDoItem:
    kind: str
    id: str
    customer_id: str
    due_at: dt.datetime
    overdue: bool
    summary: str
    detail: Any = None     # the area's row (e.g. a FollowUpPlan)


def today_window(now: dt.datetime, zone: ZoneInfo, limit: int) -> Window:
    """Due by the end of today in `zone`; `limit` 0 is the default, at most MAX_LIMIT."""
    midnight = dt.datetime.combine(now.astimezone(zone).date() + dt.timedelta(days=1),
                                   dt.time(), zone)
    limit = DEFAULT_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
    return Window(now, midnight.astimezone(dt.UTC), limit)


ToDoSource = Callable[[Session, Caller, Window], list[ToDoItem]]
SOURCES: list[tuple[str, ToDoSource]] = []


def collect(s: Session, caller: Caller, window: Window) -> tuple[list[ToDoItem], bool]:
    """Every source's items, earliest due first (so overdue first); `truncated` when more
    than `window.limit` were due."""
    items = [item for _name, source in SOURCES for item in source(s, caller, window)]
    items.sort(key=lambda i: (i.due_at, i.kind, i.id))
    return items[:window.limit], len(items) > window.limit
