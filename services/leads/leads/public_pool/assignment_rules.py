"""The admins' assignment rules as records: checked, created, replaced (by version), deleted.
What the rules do is assignment.py."""
from __future__ import annotations

import dataclasses

from kit.errors import FailedPrecondition, InvalidArgument, NotFound
from kit.text import check_text
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AssignmentRule, utcnow
from .assignment import STRATEGIES

MAX_ITEMS = 50
MAX_TEAM = 200
MAX_POSITION = 100_000


@dataclasses.dataclass(frozen=True)
class RuleFields:
    name: str
    position: int
    enabled: bool
    match_regions: tuple[str, ...]
    match_tags: tuple[str, ...]
    strategy: str
    user_ids: tuple[str, ...]
    department_id: str | None


def _invalid(field: str, message: str, message_zh: str) -> InvalidArgument:
    return InvalidArgument(message, reason=f"invalid.{field}", message_zh=message_zh)


def _texts(field: str, values, limit: int, max_len: int, zh: str) -> tuple[str, ...]:
    if len(values) > limit:
        raise _invalid(field, f"{field} holds at most {limit} items", f"{zh}最多 {limit} 项")
    out = []
    for value in values:
        check_text(value, field)
        if not value.strip() or len(value) > max_len:
            raise _invalid(field, f"each of {field} is 1..{max_len} characters",
                           f"{zh}每项须为 1 到 {max_len} 个字符")
        out.append(value.strip())
    return tuple(dict.fromkeys(out))


def check(fields: RuleFields) -> RuleFields:
    check_text(fields.name, "name")
    name = fields.name.strip()
    if not 1 <= len(name) <= 100:
        raise _invalid("name", "name is 1..100 characters", "规则名称须为 1 到 100 个字符")
    if fields.strategy not in STRATEGIES:
        raise _invalid("strategy", f"strategy must be one of {STRATEGIES}",
                       "分配方式须为 round_robin（轮流）或 least_load（最少持有）")
    if not 0 <= fields.position <= MAX_POSITION:
        raise _invalid("position", f"position is 0..{MAX_POSITION}",
                       f"顺序须在 0 到 {MAX_POSITION} 之间")
    users = _texts("user_ids", fields.user_ids, MAX_TEAM, 64, "成员")
    department = (fields.department_id or "").strip() or None
    if department is not None:
        _texts("department_id", [department], 1, 64, "部门")
    if bool(users) == bool(department):
        raise _invalid("user_ids", "give either user_ids (a team) or a department_id",
                       "须指定成员列表或部门（二选一）")
    return dataclasses.replace(
        fields, name=name, user_ids=users, department_id=department,
        match_regions=_texts("match_regions", fields.match_regions, MAX_ITEMS, 100, "地区"),
        match_tags=_texts("match_tags", fields.match_tags, MAX_ITEMS, 50, "标签"))


def _apply(row: AssignmentRule, f: RuleFields) -> None:
    row.name, row.position, row.enabled, row.strategy = f.name, f.position, f.enabled, f.strategy
    row.match_regions, row.match_tags = list(f.match_regions), list(f.match_tags)
    row.user_ids, row.department_id = list(f.user_ids), f.department_id


def listed(s: Session) -> list[AssignmentRule]:
    return list(s.scalars(select(AssignmentRule)
                          .order_by(AssignmentRule.position, AssignmentRule.id)))


def not_found(rule_id: str) -> NotFound:
    return NotFound(f"assignment rule {rule_id!r} not found", reason="assignment_rule.not_found",
                    message_zh=f"分配规则不存在: {rule_id}")


def create(s: Session, fields: RuleFields, by: str) -> AssignmentRule:
    fields = check(fields)
    now = utcnow()
    row = AssignmentRule(cursor=0, version=1, created_by=by, created_at=now, updated_at=now)
    _apply(row, fields)
    s.add(row)
    s.flush()
    return row


def replace(s: Session, rule_id: str, version: int, fields: RuleFields) -> AssignmentRule:
    fields = check(fields)
    row = s.get(AssignmentRule, rule_id, with_for_update=True) if rule_id else None
    if row is None:
        raise not_found(rule_id)
    if version != row.version:
        raise FailedPrecondition("the rule was changed by someone else; read it again",
                                 reason="assignment_rule.stale",
                                 message_zh="该分配规则已被他人修改，请重新读取")
    team_changed = (list(fields.user_ids) != list(row.user_ids)
                    or fields.department_id != row.department_id)
    _apply(row, fields)
    if team_changed:
        row.cursor = 0  # a new team starts its turns from the first member
    row.version += 1
    row.updated_at = utcnow()
    s.flush()
    return row


def delete(s: Session, rule_id: str) -> None:
    row = s.get(AssignmentRule, rule_id) if rule_id else None
    if row is None:
        raise not_found(rule_id)
    s.delete(row)
