"""Pure rules of a sales target: its period, amounts in integer fen, and the splits that
divide it among the team's people (they sum to the target, amount and deals alike)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit.errors import InvalidArgument
from kit.text import check_text

MAX_SPLITS = 500
MAX_AMOUNT_FEN = 10**14  # a trillion yuan: a typo, not a target


def invalid(field: str, message: str, message_zh: str) -> InvalidArgument:
    return InvalidArgument(message, reason=f"invalid.{field}", message_zh=message_zh)


@dataclasses.dataclass(frozen=True)
class Split:
    user_id: str
    amount_fen: int
    deals: int


@dataclasses.dataclass(frozen=True)
class TargetSpec:
    name: str
    period_start: dt.date
    period_end: dt.date
    course_id: str
    campus_id: str
    customer_type: str
    department_id: str
    region_id: str | None
    amount_fen: int
    deals: int


def _date(value: str, field: str, zh: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid(field, f"{field} must be YYYY-MM-DD", f"{zh}格式须为 YYYY-MM-DD") from None


def _ident(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    check_text(value, field)
    if len(value) > 64 or (required and not value):
        raise invalid(field, f"{field} must be 1-64 characters" if required else
                      f"{field} is too long", f"{field} 须为 1–64 个字符" if required
                      else f"{field} 过长")
    return value


def _amount(value: int, field: str) -> int:
    if value < 0 or value > MAX_AMOUNT_FEN:
        raise invalid(field, f"{field} must be between 0 and {MAX_AMOUNT_FEN} fen",
                      f"{field} 须在 0 到 {MAX_AMOUNT_FEN} 分之间")
    return value


def _deals(value: int, field: str) -> int:
    if value < 0 or value > 10**6:
        raise invalid(field, f"{field} must be between 0 and 1000000",
                      f"{field} 须在 0 到 1000000 之间")
    return value


def check_target(*, name: str, period_start: str, period_end: str, course_id: str,
                 campus_id: str, customer_type: str, department_id: str,
                 region_id: str | None, amount_fen: int, deals: int) -> TargetSpec:
    name = (name or "").strip()
    check_text(name, "name")
    if len(name) > 100:
        raise invalid("name", "name is longer than 100 characters", "名称超过 100 个字符")
    start = _date(period_start, "period_start", "开始日期")
    end = _date(period_end, "period_end", "结束日期")
    if end < start:
        raise invalid("period_end", "the period ends before it starts", "结束日期早于开始日期")
    if (end - start).days > 366:
        raise invalid("period_end", "a target period is at most a year", "目标周期最长一年")
    if customer_type and len(customer_type) > 50:
        raise invalid("customer_type", "customer_type is too long", "客户类型过长")
    check_text(customer_type or "", "customer_type")
    return TargetSpec(name, start, end, _ident(course_id, "course_id"),
                      _ident(campus_id, "campus_id"), (customer_type or "").strip(),
                      _ident(department_id, "department_id", required=True),
                      _ident(region_id or "", "region_id") or None,
                      _amount(amount_fen, "amount_fen"), _deals(deals, "deals"))


def check_splits(splits, amount_fen: int, deals: int) -> list[Split]:
    """The splits, each person once, summing to the target (amount and deals); none at all
    is allowed (the target is not split yet)."""
    out: list[Split] = []
    seen: set[str] = set()
    for split in splits:
        user_id = _ident(split.user_id, "splits.user_id", required=True)
        if user_id in seen:
            raise invalid("splits", "a person appears twice in the splits",
                          "同一人在分解中出现两次")
        seen.add(user_id)
        out.append(Split(user_id, _amount(split.amount_fen, "splits.amount_fen"),
                         _deals(split.deals, "splits.deals")))
    if len(out) > MAX_SPLITS:
        raise invalid("splits", f"at most {MAX_SPLITS} splits", f"最多 {MAX_SPLITS} 项分解")
    if out:
        total_amount = sum(s.amount_fen for s in out)
        total_deals = sum(s.deals for s in out)
        if total_amount != amount_fen or total_deals != deals:
            raise invalid(
                "splits",
                f"the splits sum to {total_amount} fen and {total_deals} deals; the target "
                f"is {amount_fen} fen and {deals} deals",
                f"分解合计 {total_amount} 分、{total_deals} 单，与团队目标 {amount_fen} 分、"
                f"{deals} 单不一致")
    return out


def rate(attained: int, target: int) -> float:
    return round(attained / target, 4) if target > 0 else 0.0
