"""The pool policy admins configure: when a held customer returns to the pool (N days
without a follow-up, M days after being claimed without a deal), how long before that the
owner is warned (K days), and how many customers one person may hold (per role).

Pure rules (due dates, caps) plus the one row that stores the policy.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from kit.errors import FailedPrecondition, InvalidArgument
from sqlalchemy.orm import Session

from ..models import PoolPolicyRow, utcnow
from ..settings import LeadsSettings

DEFAULT_CAPS = {"sales": 200, "customer_service": 200, "*": 500}
ANY_ROLE = "*"
MAX_DAYS = 3650
MAX_CAP = 100_000
FOLLOW_UP, DEAL = "no_follow_up", "no_deal"


@dataclasses.dataclass(frozen=True)
class PoolPolicy:
    follow_up_days: int = 30
    deal_days: int = 90
    warning_days: int = 3
    caps: Mapping[str, int] = dataclasses.field(default_factory=lambda: dict(DEFAULT_CAPS))
    enabled: bool = True
    version: int = 0            # 0: the defaults, never saved
    updated_by: str = ""
    updated_at: dt.datetime | None = None

    def cap_for(self, roles: Iterable[str]) -> int:
        """The most customers a person with these roles may hold: the highest of their
        roles' caps (the `*` cap for roles not listed)."""
        caps = [self.caps.get(role, self.caps.get(ANY_ROLE, 0)) for role in roles]
        return max(caps) if caps else self.caps.get(ANY_ROLE, 0)


@dataclasses.dataclass(frozen=True)
class Due:
    """When a held customer returns to the pool, and by which rule."""
    rule: str
    at: dt.datetime


def aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite gives naive UTC back
        return value.replace(tzinfo=dt.UTC)
    return value


def due(policy: PoolPolicy, follow_up_clock_at: dt.datetime | None,
        deal_clock_at: dt.datetime | None) -> Due | None:
    """The earliest return of a held customer: N days after its follow-up clock (the later of
    the claim and the last follow-up), M days after its deal clock (the claim, while no deal
    came since; None after one). None: no rule applies."""
    fu_clock, deal_clock = aware(follow_up_clock_at), aware(deal_clock_at)
    dues = []
    if policy.follow_up_days and fu_clock is not None:
        dues.append(Due(FOLLOW_UP, fu_clock + dt.timedelta(days=policy.follow_up_days)))
    if policy.deal_days and deal_clock is not None:
        dues.append(Due(DEAL, deal_clock + dt.timedelta(days=policy.deal_days)))
    return min(dues, key=lambda d: (d.at, d.rule)) if dues else None


def defaults(settings: LeadsSettings) -> PoolPolicy:
    return PoolPolicy(follow_up_days=settings.pool_follow_up_days,
                      deal_days=settings.pool_deal_days,
                      warning_days=settings.pool_warning_days)


def load(s: Session, settings: LeadsSettings) -> PoolPolicy:
    row = s.get(PoolPolicyRow, "default")
    if row is None:
        return defaults(settings)
    return PoolPolicy(follow_up_days=row.follow_up_days, deal_days=row.deal_days,
                      warning_days=row.warning_days, caps=dict(row.caps), enabled=row.enabled,
                      version=row.version, updated_by=row.updated_by,
                      updated_at=aware(row.updated_at))


def _invalid(field: str, message: str, message_zh: str) -> InvalidArgument:
    return InvalidArgument(message, reason=f"invalid.{field}", message_zh=message_zh)


def check(policy: PoolPolicy) -> PoolPolicy:
    for field, zh in (("follow_up_days", "未跟进天数"), ("deal_days", "未成交天数")):
        value = getattr(policy, field)
        if not 0 <= value <= MAX_DAYS:
            raise _invalid(field, f"{field} must be between 0 (off) and {MAX_DAYS}",
                           f"{zh}须在 0（关闭）到 {MAX_DAYS} 之间")
    longest = max(policy.follow_up_days, policy.deal_days)
    if not 0 <= policy.warning_days <= max(longest - 1, 0):
        raise _invalid("warning_days", "warning_days must be below the rules' days",
                       "提前提醒天数须小于回收天数")
    if ANY_ROLE not in policy.caps:
        raise _invalid("caps", "caps must include the '*' default", "持有上限须包含默认值 '*'")
    for role, cap in policy.caps.items():
        if not role or len(role) > 64 or not 0 <= cap <= MAX_CAP:
            raise _invalid("caps", f"bad cap for {role!r}: 0..{MAX_CAP}",
                           f"持有上限无效: {role}")
    return policy


def save(s: Session, policy: PoolPolicy, *, expected_version: int, by: str) -> PoolPolicy:
    """Replace the policy if nobody changed it since `expected_version` was read."""
    check(policy)
    row = s.get(PoolPolicyRow, "default", with_for_update=True)
    current = row.version if row is not None else 0
    if expected_version != current:
        raise FailedPrecondition(
            "the pool settings were changed by someone else; read them again",
            reason="pool.settings_stale", message_zh="公海规则已被他人修改，请重新读取")
    if row is None:
        row = PoolPolicyRow(id="default", version=0)
        s.add(row)
    row.enabled, row.caps = policy.enabled, dict(policy.caps)
    row.follow_up_days, row.deal_days = policy.follow_up_days, policy.deal_days
    row.warning_days = policy.warning_days
    row.version, row.updated_by, row.updated_at = current + 1, by, utcnow()
    s.flush()
    return load(s, LeadsSettings())
