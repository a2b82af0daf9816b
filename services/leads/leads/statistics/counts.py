"""Counts of the customers a caller may see: per value of one dimension, and the conversion
funnel (lead → prospect → enrolled → alumni).

The funnel counts, for each stage, the customers at that stage or a later one (an enrolled
customer was a lead and a prospect), from the customers' current stage; rates are to the
previous step and to the first. Periods select customers by creation day in the
institution's time zone (Asia/Shanghai), both ends included.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from kit.caller import Caller
from kit.errors import InvalidArgument
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ..customers import rules, scope
from ..models import Customer
from . import sales_form

ZONE = ZoneInfo("Asia/Shanghai")
MAX_VALUES = 200
DIMENSIONS = ("source", "channel", "region", "industry", "position", "company_size",
              "education", "stage", "sales_form")


def _dimension(name: str) -> ColumnElement:
    columns = {
        "source": func.coalesce(Customer.campaign_id, ""),
        "channel": func.coalesce(Customer.source_channel_id, ""),
        "region": Customer.region, "industry": Customer.industry,
        "position": Customer.position, "company_size": Customer.company_size,
        "education": Customer.education, "stage": Customer.stage,
    }
    if name == "sales_form":
        return sales_form.expression()
    if name not in columns:
        raise InvalidArgument(f"dimension must be one of {', '.join(DIMENSIONS)}",
                              reason="invalid.dimension", message_zh="统计维度无效")
    return columns[name]


def _day(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument(f"{field} must be YYYY-MM-DD", reason=f"invalid.{field}",
                              message_zh="日期格式须为 YYYY-MM-DD") from None


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZONE).astimezone(dt.UTC)


@dataclasses.dataclass(frozen=True)
class FunnelStep:
    stage: str
    count: int
    rate_from_previous: float
    rate_from_first: float


@dataclasses.dataclass(frozen=True)
class Statistics:
    dimension: str
    total: int
    counts: list[tuple[str, int]]
    funnel: list[FunnelStep]


def funnel(per_stage: dict[str, int]) -> list[FunnelStep]:
    """Reached-stage counts and rates from the customers' current stages."""
    steps: list[FunnelStep] = []
    reached = 0
    cumulative = []
    for stage in reversed(rules.STAGES):
        reached += per_stage.get(stage, 0)
        cumulative.append((stage, reached))
    cumulative.reverse()
    first = cumulative[0][1]
    for i, (stage, count) in enumerate(cumulative):
        base = cumulative[i - 1][1] if i else count
        steps.append(FunnelStep(stage, count, round(count / base, 4) if base else 0.0,
                                round(count / first, 4) if first else 0.0))
    return steps


def statistics(s: Session, caller: Caller, dimension: str, from_date: str = "",
               to_date: str = "") -> Statistics:
    expr = _dimension(dimension)
    start, end = _day(from_date, "from"), _day(to_date, "to")
    if start and end and start > end:
        raise InvalidArgument("from must not be after to", reason="invalid.from",
                              message_zh="开始日期不能晚于结束日期")
    where = [scope.visible(caller), Customer.merged_into_id.is_(None)]
    if start:
        where.append(Customer.created_at >= _start_of(start))
    if end:
        where.append(Customer.created_at < _start_of(end + dt.timedelta(days=1)))
    value = expr.label("value")
    count = func.count().label("n")
    counts = [(v or "", n) for v, n in s.execute(
        select(value, count).where(*where).group_by(value)
        .order_by(count.desc(), value).limit(MAX_VALUES))]
    per_stage = dict(s.execute(select(Customer.stage, func.count()).where(*where)
                               .group_by(Customer.stage)).tuples().all())
    total = sum(per_stage.values())
    return Statistics(dimension, total, counts, funnel(per_stage))
