"""Channels (渠道): the partner tree with tiers, its records and visits. Callers pass a
session; the servicer owns the transaction.

A channel sits in the org tree through the staff member managing it, their department and
region (scope.CHANNELS). Its tier is one of channel_tiers (built in or added by an admin);
finance reads tiers from the channel events for commission rules. A customer points to the
channel that brought them (customers.source_channel_id): the channel's customers count.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from kit import pagination
from kit.caller import Caller
from kit.errors import AlreadyExists, FailedPrecondition
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import Customer, utcnow
from ..models.network import (
    AttributedRevenue,
    Channel,
    ChannelTier,
    ChannelVisit,
    NetworkLock,
)
from . import events, scope, tree
from .common import email, ident, invalid, lock_row, mobile, text

TIER_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MAX_TREE = 5000
TREE_LOCK = "channel_tree"   # the network_locks row serialising moves in the tree
WRITABLE = ("name", "tier", "parent_id", "region_id", "department_id", "owner_id",
            "owner_name", "contact_name", "contact_phone", "contact_email", "address", "notes",
            "active")


def not_found(channel_id: str):
    return scope.not_found("channel", "渠道", channel_id)


# ---- tiers ------------------------------------------------------------------------------------

def tiers(s: Session) -> list[ChannelTier]:
    return list(s.scalars(select(ChannelTier).order_by(ChannelTier.position, ChannelTier.code)))


def create_tier(s: Session, code: str, name: str, position: int) -> ChannelTier:
    if not TIER_CODE.match(code or ""):
        raise invalid("code", "a tier code is [a-z][a-z0-9_]{1,39}",
                      "渠道分类代码须为小写字母开头的 2–40 位字母、数字或下划线")
    name = text("name", name, 100, "名称", required=True)
    if s.get(ChannelTier, code) is not None:
        raise AlreadyExists(f"channel tier {code!r} exists", reason="channel_tier.exists",
                            message_zh=f"渠道分类已存在: {code}")
    row = ChannelTier(code=code, name=name, builtin=False, position=max(position, 0),
                      created_at=utcnow())
    s.add(row)
    s.flush()
    return row


# ---- channels ---------------------------------------------------------------------------------

def check_field(s: Session, field: str, value):
    """One field's stored form (InvalidArgument when not allowed)."""
    if field == "name":
        return text("name", value, 100, "渠道名称", required=True)
    if field == "tier":
        code = value or ""
        if s.get(ChannelTier, code) is None:
            raise invalid("tier", f"unknown channel tier {code!r}", f"渠道分类不存在: {code}")
        return code
    if field in ("parent_id", "region_id", "department_id", "owner_id"):
        return ident(field, value)
    if field in ("owner_name", "contact_name"):
        return text(field, value, 100, "姓名")
    if field == "contact_phone":
        return mobile("contact_phone", value)
    if field == "contact_email":
        return email("contact_email", value)
    if field == "address":
        return text("address", value, 200, "地址")
    if field == "notes":
        return text("notes", value, 1000, "备注", multiline=True)
    if field == "active":
        return bool(value)
    raise invalid("update_fields", f"unknown field {field!r}", f"未知字段 {field}")


def visible(s: Session, who: Caller, channel_id: str, *, for_update: bool = False) -> Channel:
    stmt = select(Channel).where(Channel.id == channel_id, _where(who))
    if for_update:
        stmt = stmt.with_for_update()
    row = s.scalars(stmt).first() if channel_id else None
    if row is None:
        raise not_found(channel_id)
    return row


def _where(who: Caller):
    return scope.org_where(who, scope.CHANNELS)


def _parent_of(s: Session):
    def parent_of(channel_id: str) -> str | None:
        return s.scalar(select(Channel.parent_id).where(Channel.id == channel_id))
    return parent_of


def _check_parent(s: Session, who: Caller, node_id: str | None, parent_id: str | None) -> None:
    if parent_id is None:
        return
    visible(s, who, parent_id)   # a parent the caller cannot see does not exist for them
    tree.check_parent(node_id, parent_id, _parent_of(s))


def lock_tree(s: Session) -> None:
    """Moves within the tree are rare: each takes one lock BEFORE it locks the channel it
    moves; two concurrent moves that would close a loop are then checked one after the
    other."""
    lock_row(s, NetworkLock.touched_at, None, where=NetworkLock.name == TREE_LOCK)


def create(s: Session, who: Caller, values: dict) -> Channel:
    checked = {f: check_field(s, f, values.get(f)) for f in WRITABLE if f != "active"}
    region = checked["region_id"] if values.get("region_id") else who.region_id
    department = checked["department_id"] if values.get("department_id") else who.department_id
    owner = checked["owner_id"] or who.user_id
    owner_name = checked["owner_name"] or (who.username if owner == who.user_id else "")
    scope.check_placement(who, owner, department, region)
    _check_parent(s, who, None, checked["parent_id"])
    now = utcnow()
    row = Channel(name=checked["name"], tier=checked["tier"], parent_id=checked["parent_id"],
                  region_id=region, department_id=department, owner_id=owner,
                  owner_name=owner_name, contact_name=checked["contact_name"],
                  contact_phone=checked["contact_phone"],
                  contact_email=checked["contact_email"], address=checked["address"],
                  notes=checked["notes"], active=not values.get("inactive"),
                  created_by=who.user_id, created_at=now, updated_at=now, version=1)
    s.add(row)
    s.flush()
    events.channel_created(s, row)
    return row


def update(s: Session, who: Caller, row: Channel, values: dict) -> list[str]:
    """Set the given fields (raw values, checked here); returns the names that changed."""
    checked = {f: check_field(s, f, v) for f, v in values.items()}
    changed = [f for f, v in checked.items() if getattr(row, f) != v]
    if not changed:
        return []
    if "parent_id" in changed:
        _check_parent(s, who, row.id, checked["parent_id"])
    for f in changed:
        setattr(row, f, checked[f])
    scope.check_placement(who, row.owner_id, row.department_id, row.region_id)
    row.version += 1
    row.updated_at = utcnow()
    s.flush()
    events.channel_updated(s, row, changed, who.user_id)
    return changed


def delete(s: Session, who: Caller, row: Channel) -> None:
    """Remove a channel entered by mistake: refused once anything refers to it."""
    scope.check_placement(who, row.owner_id, row.department_id, row.region_id)
    used = (s.scalar(select(Channel.id).where(Channel.parent_id == row.id).limit(1))
            or s.scalar(select(Customer.id).where(or_(
                Customer.source_channel_id == row.id, Customer.owner_channel_id == row.id))
                .limit(1))
            or s.scalar(select(ChannelVisit.id).where(ChannelVisit.channel_id == row.id)
                        .limit(1))
            or s.get(AttributedRevenue, ("channel", row.id)))
    if used:
        raise FailedPrecondition(
            "the channel has sub-channels, customers, visits or revenue: deactivate it",
            reason="channel.in_use",
            message_zh="该渠道已有下级渠道、客户、拜访记录或业绩，请停用而非删除")
    events.channel_deleted(s, row, who.user_id)
    s.delete(row)
    s.flush()


@dataclasses.dataclass(frozen=True)
class Figures:
    customers: int = 0
    attributed_revenue_fen: int = 0


def figures_of(s: Session, ids: list[str]) -> dict[str, Figures]:
    """Each channel's customers (those it brought) and revenue attributed to it."""
    if not ids:
        return {}
    counts = dict(s.execute(
        select(Customer.source_channel_id, func.count()).where(
            Customer.source_channel_id.in_(ids), Customer.merged_into_id.is_(None))
        .group_by(Customer.source_channel_id)).all())
    revenue = dict(s.execute(
        select(AttributedRevenue.source_id, AttributedRevenue.attributed_revenue_fen).where(
            AttributedRevenue.source_kind == "channel", AttributedRevenue.source_id.in_(ids)))
        .all())
    return {i: Figures(counts.get(i, 0), revenue.get(i, 0)) for i in ids}


@dataclasses.dataclass(frozen=True)
class Filters:
    tier: str = ""
    parent_id: str = ""
    roots_only: bool = False
    active: bool | None = None
    region_id: str = ""
    q: str = ""


def _filtered(who: Caller, f: Filters):
    stmt = select(Channel).where(_where(who))
    if f.tier:
        stmt = stmt.where(Channel.tier == f.tier)
    if f.parent_id:
        stmt = stmt.where(Channel.parent_id == f.parent_id)
    if f.roots_only:
        stmt = stmt.where(Channel.parent_id.is_(None))
    if f.active is not None:
        stmt = stmt.where(Channel.active.is_(f.active))
    if f.region_id:
        stmt = stmt.where(Channel.region_id == f.region_id)
    if f.q:
        q = text("q", f.q, 100, "搜索词")
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Channel.name.like(f"%{escaped}%", escape="\\"))
    return stmt


def list_page(s: Session, who: Caller, f: Filters, size: int, token: str) -> pagination.Page:
    name = "channels:" + "|".join(str(v) for v in dataclasses.astuple(f))
    return pagination.keyset_page(s, _filtered(who, f), [Channel.created_at, Channel.id],
                                  token=token, size=pagination.page_size(size), list_name=name)


def subtree(s: Session, who: Caller, root_id: str, include_inactive: bool,
            tier: str) -> tuple[list[tuple[Channel, int]], bool]:
    """The caller's channels depth first (or the subtree under `root_id`), and whether more
    than MAX_TREE were found."""
    f = Filters(tier=tier, active=None if include_inactive else True)
    if root_id:
        root = visible(s, who, root_id)
        rows, frontier = {root.id: root}, [root.id]
        while frontier and len(rows) <= MAX_TREE:
            found = list(s.scalars(_filtered(who, Filters(active=f.active)).where(
                Channel.parent_id.in_(frontier[:500]))))
            frontier = frontier[500:] + [r.id for r in found if r.id not in rows]
            rows.update((r.id, r) for r in found)
        if tier:
            rows = {i: r for i, r in rows.items() if r.tier == tier or i == root.id}
    else:
        rows = {r.id: r for r in s.scalars(_filtered(who, f).order_by(Channel.created_at,
                                                                        Channel.id)
                                           .limit(MAX_TREE + 1))}
    truncated = len(rows) > MAX_TREE
    ordered = tree.depth_first(rows, {i: r.parent_id for i, r in rows.items()},
                               lambda i: (rows[i].name, i))
    return [(rows[i], depth) for i, depth in ordered[:MAX_TREE]], truncated


# ---- visits -----------------------------------------------------------------------------------

def record_visit(s: Session, who: Caller, channel: Channel, visited_at: dt.datetime | None,
                 notes: str) -> ChannelVisit:
    now = utcnow()
    if visited_at is not None and visited_at > now + dt.timedelta(minutes=5):
        raise invalid("visited_at", "a visit is recorded after it happened", "拜访时间不能晚于现在")
    row = ChannelVisit(channel_id=channel.id, visitor_id=who.user_id, visitor_name=who.username,
                       visited_at=visited_at or now,
                       notes=text("notes", notes, 2000, "拜访记录", multiline=True),
                       created_at=now)
    s.add(row)
    s.flush()
    return row


def visits_page(s: Session, channel: Channel, size: int, token: str) -> pagination.Page:
    return pagination.keyset_page(
        s, select(ChannelVisit).where(ChannelVisit.channel_id == channel.id),
        [ChannelVisit.visited_at, ChannelVisit.id], token=token,
        size=pagination.page_size(size), list_name=f"channel_visits:{channel.id}",
        descending=True)

