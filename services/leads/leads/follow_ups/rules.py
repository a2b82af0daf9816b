"""Pure rules of follow-ups and plans: the kinds of contact, the statuses, which texts and
times are accepted, and the overdue rule. Errors name the field, in English and Chinese."""
from __future__ import annotations

import datetime as dt
import re

from kit.errors import InvalidArgument
from kit.text import check_text

# The kinds every institution has; admins add their own (follow_up_types).
BUILT_IN_TYPES = {
    "call": "电话",
    "visit": "拜访",
    "message": "短信/微信",
    "email": "邮件",
    "pre_class_talk": "课前沟通",
    "in_class_record": "课堂记录",
}
TYPE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

OPEN, COMPLETED, CANCELLED, MERGED = "open", "completed", "cancelled", "merged"
STATUSES = (OPEN, COMPLETED, CANCELLED, MERGED)

# Who records contacts and plans them (everyone else only reads, within their scope).
RECORDER_ROLES = ("admin", "general_manager", "director", "department_manager", "sales",
                  "customer_service", "teacher", "conference_staff", "branch_integration")
TYPE_ADMIN_ROLES = ("admin",)

# text fields: (max length, Chinese name)
TEXTS = {"content": (2000, "内容"), "outcome": (500, "结果"), "next_step": (500, "下一步"),
         "note": (500, "备注"), "reason": (500, "原因"), "name": (50, "名称")}
# A contact is recorded after it happened; clocks differ a little.
CLOCK_SKEW = dt.timedelta(minutes=5)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
PLAN_HORIZON = dt.timedelta(days=731)
MAX_MERGE = 20
MAX_STATISTICS_DAYS = 92


def invalid(field: str, message: str, message_zh: str) -> InvalidArgument:
    return InvalidArgument(message, reason=f"invalid.{field}", message_zh=message_zh)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; everything is stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def check_text_field(field: str, value: str, *, required: bool = False) -> str:
    limit, zh = TEXTS[field]
    value = (value or "").strip()
    check_text(value, field, multiline=field != "name")
    if required and not value:
        raise invalid(field, f"{field} is required", f"{zh}不能为空")
    if len(value) > limit:
        raise invalid(field, f"{field} is longer than {limit} characters",
                      f"{zh}超过 {limit} 个字符")
    return value


def check_type_code(code: str) -> str:
    if not TYPE_CODE.match(code or ""):
        raise invalid("type", "type must be 2-40 lower-case letters, digits or _, starting "
                      "with a letter", "跟进类型代码须为 2–40 个小写字母、数字或下划线，以字母开头")
    return code


def check_occurred_at(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When a contact happened: now by default, never in the future."""
    if value is None:
        return now
    if value > now + CLOCK_SKEW or value < EARLIEST:
        raise invalid("occurred_at", "occurred_at must be in the past", "跟进时间须早于当前时间")
    return value


def check_due_at(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When a planned contact is due: from now (a little clock skew allowed) to two years."""
    if value is None:
        raise invalid("due_at", "due_at is required", "计划时间不能为空")
    if value < now - CLOCK_SKEW or value > now + PLAN_HORIZON:
        raise invalid("due_at", "due_at must be between now and two years ahead",
                      "计划时间须在当前至两年之内")
    return value


def overdue(status: str, due_at: dt.datetime, now: dt.datetime) -> bool:
    return status == OPEN and aware(due_at) < now


def completed_late(status: str, due_at: dt.datetime, completed_at: dt.datetime | None,
                   now: dt.datetime) -> bool:
    """Not done by its due time: still open past it, or completed after it."""
    if status == COMPLETED:
        return completed_at is not None and aware(completed_at) > aware(due_at)
    return overdue(status, due_at, now)


def check_date(field: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid(field, f"{field} must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD") from None


def check_period(from_date: str, to_date: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The statistics' days: both given (or the last seven days), at most 92."""
    first = check_date("from", from_date) if from_date else today - dt.timedelta(days=6)
    last = check_date("to", to_date) if to_date else today
    if last < first:
        raise invalid("to", "to is before from", "结束日期早于开始日期")
    if (last - first).days + 1 > MAX_STATISTICS_DAYS:
        raise invalid("to", f"at most {MAX_STATISTICS_DAYS} days at once",
                      f"一次最多统计 {MAX_STATISTICS_DAYS} 天")
    return first, last
