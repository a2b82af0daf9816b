"""Referral (感召) rules, pure: nobody refers themselves, a customer is referred once, the
referral graph has no cycles (A referred B, B referred C: C cannot have referred A), and the
periods rankings count in."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable

from kit.errors import AlreadyExists, FailedPrecondition

from .common import invalid

MAX_CHAIN = 10_000   # a longer chain is a data error, not a network


def check_referral(referrer_id: str, referred_id: str, already_referred_by: str | None,
                   referrer_of: Callable[[str], str | None]) -> None:
    """Raise unless `referrer_id` may be recorded as having referred `referred_id`.
    `already_referred_by`: who referred `referred_id` so far (None: nobody); `referrer_of`
    gives who referred a customer (None: nobody)."""
    if referrer_id == referred_id:
        raise invalid("referred_id", "a customer cannot refer themselves", "客户不能推荐自己")
    if already_referred_by is not None:
        raise AlreadyExists("this customer was already referred", reason="referral.exists",
                            message_zh="该客户已有推荐人",
                            details={"referrer_id": already_referred_by})
    current, steps = referrer_of(referrer_id), 0
    while current is not None and steps < MAX_CHAIN:
        if current == referred_id:
            raise FailedPrecondition(
                "the referred customer is already up the referrer's chain (a cycle)",
                reason="referral.cycle", message_zh="被推荐人已是推荐人的上级推荐人（形成循环）")
        current, steps = referrer_of(current), steps + 1


@dataclasses.dataclass(frozen=True)
class Period:
    """A ranking period: its name and [start, end) in UTC (None: unbounded)."""
    name: str
    start: dt.datetime | None
    end: dt.datetime | None


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


def period(name: str) -> Period:
    """"all", "2026", "2026-Q4" or "2026-11" ("" is "all")."""
    name = name or "all"
    if name == "all":
        return Period("all", None, None)
    match = _PERIOD.match(name)
    if not match or not 2000 <= int(match["year"]) <= 2999:
        raise invalid("period", "period must be all, YYYY, YYYY-Qn or YYYY-MM",
                      "统计周期须为 all、YYYY、YYYY-Qn 或 YYYY-MM")
    year = int(match["year"])
    if match["quarter"]:
        first = 3 * (int(match["quarter"]) - 1) + 1
        start, months = dt.date(year, first, 1), 3
    elif match["month"]:
        start, months = dt.date(year, int(match["month"]), 1), 1
    else:
        start, months = dt.date(year, 1, 1), 12
    end_month = start.month - 1 + months
    end = dt.date(start.year + end_month // 12, end_month % 12 + 1, 1)
    return Period(name, dt.datetime.combine(start, dt.time(), dt.UTC),
                  dt.datetime.combine(end, dt.time(), dt.UTC))


def check_promised(value: int) -> int:
    if not 0 <= value <= 100_000:
        raise invalid("promised", "promised must be 0-100000", "承诺人数须为 0–100000")
    return value
