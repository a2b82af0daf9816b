"""Marketing activities (市场活动): open classes, demo classes, free trials, EDM and SMS
campaigns; who registered and who attended; conversion (registered → attended → enrolled,
by the customers' lifecycle stage) and the revenue finance's payments attribute to each
activity (attribution.py).

An activity sits in the org tree through its owner, department and region (scope.ACTIVITIES);
a registration concerns a customer and is listed only when the caller sees that customer.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit import pagination
from kit.caller import Caller
from kit.errors import AlreadyExists, FailedPrecondition
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..customers import records as customer_records
from ..models import Customer, utcnow
from ..models.network import ActivityRegistration, AttributedRevenue, MarketingActivity
from . import scope
from .common import aware, choice, ident, insert_unique, invalid, lock_row, text

KINDS = ("open_class", "demo_class", "free_trial", "edm_campaign", "sms_campaign")
ENROLLED_STAGES = ("enrolled", "alumni")
MAX_BUDGET_FEN = 10**12
WRITABLE = ("kind", "name", "description", "starts_at", "ends_at", "campus_id", "region_id",
            "department_id", "owner_id", "owner_name", "budget_fen", "capacity", "cancelled")


def not_found(activity_id: str):
    return scope.not_found("activity", "市场活动", activity_id)


def check_field(field: str, value):
    if field == "kind":
        return choice("kind", value, KINDS, "活动类型")
    if field == "name":
        return text("name", value, 200, "活动名称", required=True)
    if field == "description":
        return text("description", value, 2000, "活动说明", multiline=True)
    if field in ("starts_at", "ends_at"):
        if value is None:
            raise invalid(field, f"{field} is required", "活动时间不能为空")
        return value
    if field in ("campus_id", "region_id", "department_id", "owner_id"):
        return ident(field, value)
    if field == "owner_name":
        return text("owner_name", value, 100, "姓名")
    if field == "budget_fen":
        if not 0 <= value <= MAX_BUDGET_FEN:
            raise invalid("budget_fen", "budget_fen must be 0 or more (integer fen)",
                          "预算须为非负整数（分）")
        return int(value)
    if field == "capacity":
        if not 0 <= value <= 1_000_000:
            raise invalid("capacity", "capacity must be 0 (no limit) or more", "名额须为非负整数")
        return int(value)
    if field == "cancelled":
        return bool(value)
    raise invalid("update_fields", f"unknown field {field!r}", f"未知字段 {field}")


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if aware(ends_at) < aware(starts_at):
        raise invalid("ends_at", "an activity ends after it starts", "活动结束时间须晚于开始时间")


def visible(s: Session, who: Caller, activity_id: str, *, for_update: bool = False
            ) -> MarketingActivity:
    stmt = select(MarketingActivity).where(MarketingActivity.id == activity_id,
                                           scope.org_where(who, scope.ACTIVITIES))
    if for_update:
        stmt = stmt.with_for_update()
    row = s.scalars(stmt).first() if activity_id else None
    if row is None:
        raise not_found(activity_id)
    return row


def create(s: Session, who: Caller, values: dict) -> MarketingActivity:
    checked = {f: check_field(f, values.get(f)) for f in WRITABLE}
    _check_times(checked["starts_at"], checked["ends_at"])
    region = checked["region_id"] or who.region_id
    department = checked["department_id"] or who.department_id
    owner = checked["owner_id"] or who.user_id
    scope.check_placement(who, owner, department, region)
    now = utcnow()
    row = MarketingActivity(
        **{f: checked[f] for f in ("kind", "name", "description", "starts_at", "ends_at",
                                   "campus_id", "budget_fen", "capacity", "cancelled")},
        region_id=region, department_id=department, owner_id=owner,
        owner_name=checked["owner_name"] or (who.username if owner == who.user_id else ""),
        created_by=who.user_id, created_at=now, updated_at=now, version=1)
    s.add(row)
    s.flush()
    return row


def update(s: Session, who: Caller, row: MarketingActivity, values: dict) -> list[str]:
    checked = {f: check_field(f, v) for f, v in values.items()}
    changed = [f for f, v in checked.items() if getattr(row, f) != v]
    for f in changed:
        setattr(row, f, checked[f])
    if not changed:
        return []
    _check_times(row.starts_at, row.ends_at)
    scope.check_placement(who, row.owner_id, row.department_id, row.region_id)
    row.version += 1
    row.updated_at = utcnow()
    s.flush()
    return changed


def delete(s: Session, who: Caller, row: MarketingActivity) -> None:
    """Remove an activity entered by mistake: refused once a customer registered for it or
    was brought by it (cancel it instead)."""
    scope.check_placement(who, row.owner_id, row.department_id, row.region_id)
    used = (s.scalar(select(ActivityRegistration.id).where(
                ActivityRegistration.activity_id == row.id).limit(1))
            or s.scalar(select(Customer.id).where(Customer.campaign_id == row.id).limit(1))
            or s.get(AttributedRevenue, ("activity", row.id)))
    if used:
        raise FailedPrecondition(
            "customers registered for or were brought by the activity: cancel it",
            reason="activity.in_use",
            message_zh="该活动已有报名或带来的客户，请取消而非删除")
    s.delete(row)
    s.flush()


@dataclasses.dataclass(frozen=True)
class Filters:
    kind: str = ""
    campus_id: str = ""
    starts_from: dt.datetime | None = None
    starts_before: dt.datetime | None = None


def list_page(s: Session, who: Caller, f: Filters, size: int, token: str) -> pagination.Page:
    stmt = select(MarketingActivity).where(scope.org_where(who, scope.ACTIVITIES))
    if f.kind:
        stmt = stmt.where(MarketingActivity.kind == choice("kind", f.kind, KINDS, "活动类型"))
    if f.campus_id:
        stmt = stmt.where(MarketingActivity.campus_id == f.campus_id)
    if f.starts_from:
        stmt = stmt.where(MarketingActivity.starts_at >= f.starts_from)
    if f.starts_before:
        stmt = stmt.where(MarketingActivity.starts_at < f.starts_before)
    name = "activities:" + "|".join(str(v) for v in dataclasses.astuple(f))
    return pagination.keyset_page(s, stmt, [MarketingActivity.starts_at, MarketingActivity.id],
                                  token=token, size=pagination.page_size(size), list_name=name,
                                  descending=True)


# ---- registrations and attendance -------------------------------------------------------------

def register(s: Session, who: Caller, activity: MarketingActivity, customer_id: str
             ) -> tuple[ActivityRegistration, Customer]:
    """`activity` locked by the caller (the capacity check counts under the lock)."""
    customer = customer_records.visible(s, who, customer_id)
    if activity.cancelled:
        raise FailedPrecondition("the activity was cancelled", reason="activity.cancelled",
                                 message_zh="该活动已取消")
    existing = s.scalars(select(ActivityRegistration).where(
        ActivityRegistration.activity_id == activity.id,
        ActivityRegistration.customer_id == customer.id)).first()
    if existing is not None:
        raise AlreadyExists("the customer is already registered", reason="registration.exists",
                            message_zh="该客户已报名此活动",
                            details={"registration_id": existing.id})
    if activity.capacity:
        lock_row(s, MarketingActivity.id, activity.id)   # concurrent registrations queue here
        taken = s.scalar(select(func.count()).select_from(ActivityRegistration).where(
            ActivityRegistration.activity_id == activity.id))
        if taken >= activity.capacity:
            raise FailedPrecondition("the activity is full", reason="activity.full",
                                     message_zh="活动名额已满")
    row = ActivityRegistration(activity_id=activity.id, customer_id=customer.id,
                               registered_by=who.user_id, registered_at=utcnow())
    insert_unique(s, row, AlreadyExists("the customer is already registered",
                                        reason="registration.exists",
                                        message_zh="该客户已报名此活动"))
    return row, customer


def mark_attendance(s: Session, who: Caller, activity: MarketingActivity, customer_id: str,
                    attended: bool) -> tuple[ActivityRegistration, Customer]:
    customer = customer_records.visible(s, who, customer_id)
    row = s.scalars(select(ActivityRegistration).where(
        ActivityRegistration.activity_id == activity.id,
        ActivityRegistration.customer_id == customer.id).with_for_update()).first()
    if row is None:
        raise scope.not_found("registration", "报名记录", customer_id)
    if row.attended != attended:
        row.attended = attended
        row.attended_at = utcnow() if attended else None
        row.attendance_marked_by = who.user_id
        s.flush()
    return row, customer


Registered = tuple[ActivityRegistration, Customer, MarketingActivity]


def _with_people(s: Session, rows: list[ActivityRegistration],
                 activity: MarketingActivity | None = None) -> list[Registered]:
    ids = {r.customer_id for r in rows}
    people = {c.id: c for c in s.scalars(select(Customer).where(Customer.id.in_(ids)))} \
        if ids else {}
    if activity is not None:
        found = {activity.id: activity}
    else:
        wanted = {r.activity_id for r in rows}
        found = {a.id: a for a in s.scalars(select(MarketingActivity).where(
            MarketingActivity.id.in_(wanted)))} if wanted else {}
    return [(r, people[r.customer_id], found[r.activity_id]) for r in rows]


def registrations_page(s: Session, who: Caller, activity: MarketingActivity,
                       attended: bool | None, size: int, token: str
                       ) -> tuple[list[Registered], str]:
    stmt = select(ActivityRegistration).where(
        ActivityRegistration.activity_id == activity.id,
        scope.customers_visible(who, ActivityRegistration.customer_id))
    if attended is not None:
        stmt = stmt.where(ActivityRegistration.attended.is_(attended))
    page = pagination.keyset_page(
        s, stmt, [ActivityRegistration.registered_at, ActivityRegistration.id], token=token,
        size=pagination.page_size(size),
        list_name=f"registrations:{activity.id}|{attended}")
    return _with_people(s, page.rows, activity), page.next_token


def customer_history(s: Session, who: Caller, customer_id: str, attended: bool | None,
                     size: int, token: str) -> tuple[list[Registered], str]:
    """One customer's registrations across activities, newest first (their campaign
    history): seen through the customer, whichever region ran the activity."""
    customer = customer_records.visible(s, who, customer_id)
    stmt = select(ActivityRegistration).where(ActivityRegistration.customer_id == customer.id)
    if attended is not None:
        stmt = stmt.where(ActivityRegistration.attended.is_(attended))
    page = pagination.keyset_page(
        s, stmt, [ActivityRegistration.registered_at, ActivityRegistration.id], token=token,
        size=pagination.page_size(size),
        list_name=f"customer_registrations:{customer.id}|{attended}", descending=True)
    return _with_people(s, page.rows), page.next_token


@dataclasses.dataclass(frozen=True)
class Statistics:
    activity_id: str
    registered: int
    attended: int
    enrolled: int
    attendance_rate: float
    enrollment_rate: float
    budget_fen: int
    attributed_revenue_fen: int
    attributed_payments: int
    cost_per_attendee_fen: int


def statistics(s: Session, activity: MarketingActivity) -> Statistics:
    """The activity's funnel over all its registrations (counts, no one's data)."""
    registered, attended, enrolled = s.execute(
        select(func.count(ActivityRegistration.id),
               func.count(ActivityRegistration.id).filter(ActivityRegistration.attended),
               func.count(ActivityRegistration.id).filter(and_(
                   ActivityRegistration.attended, Customer.stage.in_(ENROLLED_STAGES))))
        .join(Customer, Customer.id == ActivityRegistration.customer_id)
        .where(ActivityRegistration.activity_id == activity.id)).one()
    revenue = s.get(AttributedRevenue, ("activity", activity.id))
    return Statistics(
        activity.id, registered, attended, enrolled,
        round(attended / registered, 4) if registered else 0.0,
        round(enrolled / attended, 4) if attended else 0.0,
        activity.budget_fen, revenue.attributed_revenue_fen if revenue else 0,
        revenue.payments if revenue else 0,
        activity.budget_fen // attended if attended else 0)
