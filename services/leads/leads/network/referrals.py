"""Referrals (感召 / IMO): who referred whom, promised versus actual referrals per referrer,
rankings, and how the referred customers progress (their lifecycle stage).

A referral concerns two customers; the caller must see both to record it, and sees a
referral when they see the referred customer. Rankings list the referrers the caller sees,
counting every customer each referred (aggregates, no one's data).
"""
from __future__ import annotations

import dataclasses

from kit import data_scope, pagination
from kit.caller import Caller
from kit.errors import AlreadyExists
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ..customers import records as customer_records
from ..models import Customer, utcnow
from ..models.network import NetworkLock, Referral, ReferralPromise
from . import events, referral_rules, scope
from .common import insert_unique, lock_row, text

CONVERTED = ("enrolled", "alumni")
STAGES = ("lead", "prospect", "enrolled", "alumni")
MAX_RANKING = 100


def create(s: Session, who: Caller, referrer_id: str, referred_id: str, note: str) -> Referral:
    note = text("note", note, 500, "备注", multiline=True)
    # New referrals are checked one after the other: two at once could each pass the cycle
    # check and close a loop together (whatever customers they name).
    lock_row(s, NetworkLock.touched_at, None, where=NetworkLock.name == "referrals")
    referred = customer_records.visible(s, who, referred_id)
    referrer = customer_records.visible(s, who, referrer_id)
    referral_rules.check_referral(
        referrer.id, referred.id,
        s.scalar(select(Referral.referrer_id).where(Referral.referred_id == referred.id)),
        lambda cid: s.scalar(select(Referral.referrer_id).where(Referral.referred_id == cid)))
    row = Referral(referrer_id=referrer.id, referred_id=referred.id, note=note,
                   created_by=who.user_id, created_at=utcnow())
    # the unique referred_id refuses a concurrent second referral
    insert_unique(s, row, AlreadyExists("this customer was already referred",
                                        reason="referral.exists", message_zh="该客户已有推荐人"))
    if "referrer" not in (referrer.roles or []):
        referrer.roles = [*(referrer.roles or []), "referrer"]
        referrer.updated_at = utcnow()
    events.referral_created(s, row)
    return row


@dataclasses.dataclass(frozen=True)
class Row:
    referral: Referral
    referrer_name: str
    referred_name: str
    referred_stage: str


def list_page(s: Session, who: Caller, referrer_id: str, referred_id: str, size: int,
              token: str) -> tuple[list[Row], str]:
    stmt = select(Referral).where(scope.customers_visible(who, Referral.referred_id))
    if referrer_id:
        stmt = stmt.where(Referral.referrer_id == referrer_id)
    if referred_id:
        stmt = stmt.where(Referral.referred_id == referred_id)
    page = pagination.keyset_page(s, stmt, [Referral.created_at, Referral.id], token=token,
                                  size=pagination.page_size(size),
                                  list_name=f"referrals:{referrer_id}|{referred_id}",
                                  descending=True)
    return with_names(s, page.rows), page.next_token


def with_names(s: Session, rows: list[Referral]) -> list[Row]:
    ids = {r.referrer_id for r in rows} | {r.referred_id for r in rows}
    people = {c.id: c for c in s.scalars(select(Customer).where(Customer.id.in_(ids)))} \
        if ids else {}
    return [Row(r, people[r.referrer_id].name, people[r.referred_id].name,
                people[r.referred_id].stage) for r in rows]


def set_promise(s: Session, who: Caller, referrer_id: str, period_name: str,
                promised: int) -> tuple[Customer, str]:
    referrer = customer_records.visible(s, who, referrer_id)
    period = referral_rules.period(period_name)
    promised = referral_rules.check_promised(promised)
    row = s.scalars(select(ReferralPromise).where(
        ReferralPromise.referrer_id == referrer.id, ReferralPromise.period == period.name)
        .with_for_update()).first()
    if row is None:
        row = ReferralPromise(referrer_id=referrer.id, period=period.name, promised=promised)
        s.add(row)
    row.promised, row.set_by, row.updated_at = promised, who.user_id, utcnow()
    s.flush()
    return referrer, period.name


@dataclasses.dataclass(frozen=True)
class Ranking:
    rank: int
    referrer_id: str
    referrer_name: str
    promised: int
    actual: int
    stages: dict[str, int]
    converted: int


def _referrer_scope(who: Caller, referrer):
    return data_scope.where(who, data_scope.ScopeColumns(
        owner=referrer.owner_id, department=referrer.owner_department_id,
        region=referrer.owner_region_id))


def rankings(s: Session, who: Caller, period_name: str, limit: int,
             only_referrer: str | None = None) -> tuple[str, list[Ranking]]:
    """Referrers the caller sees, by referrals recorded in the period (then by promised, then
    by id); each with their promise for the period and their referred customers' stages.
    A referrer who promised but referred nobody yet is listed with 0."""
    period = referral_rules.period(period_name)
    limit = min(limit or 20, MAX_RANKING)
    referrer = aliased(Customer)
    referred = aliased(Customer)
    stage_counts = [func.sum(case((referred.stage == st, 1), else_=0)).label(st)
                    for st in STAGES]
    stmt = (select(Referral.referrer_id, referrer.name, func.count(Referral.id).label("actual"),
                   *stage_counts)
            .join(referrer, referrer.id == Referral.referrer_id)
            .join(referred, referred.id == Referral.referred_id)
            .where(_referrer_scope(who, referrer))
            .group_by(Referral.referrer_id, referrer.name))
    if period.start is not None:
        stmt = stmt.where(Referral.created_at >= period.start, Referral.created_at < period.end)
    promises = (select(ReferralPromise.referrer_id, referrer.name, ReferralPromise.promised)
                .join(referrer, referrer.id == ReferralPromise.referrer_id)
                .where(ReferralPromise.period == period.name, _referrer_scope(who, referrer)))
    if only_referrer:
        stmt = stmt.where(Referral.referrer_id == only_referrer)
        promises = promises.where(ReferralPromise.referrer_id == only_referrer)
    found = {r.referrer_id: (r.name, int(r.actual), {st: int(getattr(r, st) or 0)
                                                     for st in STAGES})
             for r in s.execute(stmt)}
    promised: dict[str, int] = {}
    for referrer_id, name, count in s.execute(promises):
        promised[referrer_id] = count
        found.setdefault(referrer_id, (name, 0, dict.fromkeys(STAGES, 0)))
    order = sorted(found, key=lambda i: (-found[i][1], -promised.get(i, 0), i))
    ranked = []
    for rank, referrer_id in enumerate(order[:limit], 1):
        name, actual, stages = found[referrer_id]
        ranked.append(Ranking(rank, referrer_id, name, promised.get(referrer_id, 0), actual,
                              stages, sum(stages[st] for st in CONVERTED)))
    return period.name, ranked
