"""Customer records in the database: create (with the duplicate rule), read within scope,
list, update, merge. Callers pass a session; the servicer owns the transaction.

Duplicates: the same ID number or any same phone is the same person. The rule lives in the
schema (customers.id_card unique, customer_phones keyed by the number), so two concurrent
creates of one phone cannot both commit; the lookup before the insert only gives the loser
of such a race the same answer as a later request: ALREADY_EXISTS naming the existing id.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit import pagination
from kit.caller import Caller
from kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument
from kit.logs import mask_username
from sqlalchemy import bindparam, delete, exc, false, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from ..models import (
    Claim,
    Customer,
    CustomerHistory,
    CustomerPhone,
    CustomerSearchTerm,
    CustomerTag,
    new_id,
    utcnow,
)
from . import events, rules, scope, search

SORTS = {"created_at": ("created_at", True), "": ("created_at", True),
         "updated_at": ("updated_at", True), "name": ("name", False)}
MAX_POSSIBLE_DUPLICATES = 10


@dataclasses.dataclass(frozen=True)
class OwnerPlacement:
    user_id: str | None
    name: str
    department_id: str | None
    region_id: str | None
    channel_id: str | None = None

    @classmethod
    def of(cls, caller: Caller, channel_id: str | None = None) -> OwnerPlacement:
        return cls(caller.user_id, caller.username, caller.department_id, caller.region_id,
                   channel_id)


def begin_write(s: Session) -> None:
    """On SQLite, take the database's write lock now (as BEGIN IMMEDIATE would): the driver
    otherwise begins the transaction only at the first INSERT, so the duplicate lookup
    before it would run outside the transaction, and a SAVEPOINT opened first would itself
    be the transaction (its RELEASE would commit). SQLite writers queue on this lock anyway;
    PostgreSQL needs nothing (its unique indexes settle a race)."""
    if s.get_bind().dialect.name == "sqlite":
        s.execute(sql_update(Customer).where(false()).values(version=Customer.version))


def history(s: Session, customer_id: str, action: str, actor: str, **detail) -> None:
    s.add(CustomerHistory(customer_id=customer_id, action=action, actor_id=actor,
                          detail=detail, at=utcnow()))


def duplicate_of(s: Session, id_card: str | None, phones: list[str],
                 exclude_id: str | None = None) -> Customer | None:
    """The existing customer with this ID number or any of these phones."""
    keys = []
    if id_card:
        keys.append(Customer.id_card == id_card)
    if phones:
        keys.append(Customer.id.in_(select(CustomerPhone.customer_id)
                                    .where(CustomerPhone.phone.in_(phones))))
    if not keys:
        return None
    stmt = select(Customer).where(or_(*keys))
    if exclude_id:
        stmt = stmt.where(Customer.id != exclude_id)
    return s.scalars(stmt.limit(1)).first()


def duplicate_error(caller: Caller, existing: Customer) -> AlreadyExists:
    """409 naming the existing customer; its owner only when the caller may see it."""
    if scope.allows(caller, existing):
        owner = {"user_id": existing.owner_id, "name": existing.owner_name, "masked": False}
    else:
        owner = {"user_id": None, "name": mask_username(existing.owner_name) if
                 existing.owner_name else "", "masked": True}
    return AlreadyExists("a customer with this phone or ID card number exists",
                         reason="customer.duplicate", message_zh="已存在相同手机号或身份证号的客户",
                         details={"existing_customer_id": existing.id, "owner": owner})


def _write_keys(s: Session, c: Customer, phones: list[str]) -> None:
    """Phones, tags and search terms of `c` (replacing what it had)."""
    s.execute(delete(CustomerPhone).where(CustomerPhone.customer_id == c.id))
    s.execute(delete(CustomerTag).where(CustomerTag.customer_id == c.id))
    s.execute(delete(CustomerSearchTerm).where(CustomerSearchTerm.customer_id == c.id))
    s.flush()
    c.phone_numbers = list(phones)
    s.add_all(CustomerPhone(phone=p, customer_id=c.id, primary=i == 0, position=i)
              for i, p in enumerate(phones))
    s.add_all(CustomerTag(tag=t, customer_id=c.id) for t in c.tags)
    s.add_all(CustomerSearchTerm(term=t, customer_id=c.id)
              for t in sorted(search.terms_of(c.name, c.company, phones)))


def create(s: Session, caller: Caller, profile: rules.Profile, *, protection: dt.timedelta,
           owner: OwnerPlacement | None = None, customer_id: str | None = None) -> Customer:
    """A new customer owned (and claimed for the protection period) by its creator; raises
    `duplicate_error` when the ID number or a phone is taken."""
    existing = duplicate_of(s, profile.id_card, profile.phones)
    if existing is not None:
        raise duplicate_error(caller, existing)
    owner = owner or OwnerPlacement.of(caller)
    now = utcnow()
    c = Customer(
        id=customer_id or new_id(), name=profile.name, name_key=rules.name_key(profile.name),
        gender=profile.gender,
        birth_date=profile.birth_date, id_card=profile.id_card, email=profile.email,
        company=profile.company, position=profile.position, industry=profile.industry,
        region=profile.region, education=profile.education, company_size=profile.company_size,
        source_channel_id=profile.source_channel_id, campaign_id=profile.campaign_id,
        tags=profile.tags, roles=profile.roles, stage="lead", valid=True,
        owner_id=owner.user_id, owner_name=owner.name, owner_department_id=owner.department_id,
        owner_region_id=owner.region_id, owner_channel_id=owner.channel_id,
        protected_until=now + protection, created_by=caller.user_id, created_at=now,
        updated_at=now, version=1)
    try:
        with s.begin_nested():  # a concurrent create of the same keys fails only this part
            s.add(c)
            s.flush()
            _write_keys(s, c, profile.phones)
            s.flush()
    except exc.IntegrityError:
        existing = duplicate_of(s, profile.id_card, profile.phones)
        if existing is None:
            raise
        raise duplicate_error(caller, existing) from None
    s.add(Claim(customer_id=c.id, claimant_id=owner.user_id or "", claimant_name=owner.name,
                claimant_department_id=owner.department_id, claimant_region_id=owner.region_id,
                channel_id=owner.channel_id, status="approved", note="created",
                requested_at=now, decided_at=now, decided_by="system",
                protected_until=c.protected_until))
    history(s, c.id, "created", caller.user_id)
    events.customer_created(s, c)
    return c


def visible(s: Session, caller: Caller, customer_id: str, *, for_update: bool = False
            ) -> Customer:
    """The customer if `caller` may see it, else NOT_FOUND (missing or out of scope)."""
    stmt = select(Customer).where(Customer.id == customer_id, scope.visible(caller))
    if for_update:
        stmt = stmt.with_for_update()
    c = s.scalars(stmt).first() if customer_id else None
    if c is None:
        raise scope.not_found(customer_id)
    return c


def possible_duplicates(s: Session, caller: Caller, c: Customer) -> list[str]:
    """Other customers with the same name (different keys), within the caller's scope."""
    return list(s.scalars(
        select(Customer.id).where(Customer.name_key == c.name_key, Customer.id != c.id,
                                  Customer.merged_into_id.is_(None), scope.visible(caller))
        .order_by(Customer.id).limit(MAX_POSSIBLE_DUPLICATES)))


@dataclasses.dataclass(frozen=True)
class Filters:
    q: str = ""
    phone: str = ""
    id_card: str = ""
    owner_id: str = ""
    stage: str = ""
    channel_id: str = ""
    tag: str = ""
    region: str = ""
    sort: str = ""


CUSTOMER = Customer.__table__
_ACTIVE = CUSTOMER.c.merged_into_id.is_(None)  # built once: the same on every call
_BY_PHONE = select(CustomerPhone.customer_id).where(
    CustomerPhone.phone == bindparam("phone")).scalar_subquery()


def list_page(s, caller: Caller, f: Filters, size: int, token: str) -> pagination.Page:
    """One page of customers as rows (a Session or a Core Connection: the api reads lists
    through `db.read_connection()`, no ORM entities on the hot path)."""
    if f.sort not in SORTS:
        raise InvalidArgument("sort must be created_at, updated_at or name",
                              reason="invalid.sort", message_zh="排序字段无效")
    key, descending = SORTS[f.sort]
    c = CUSTOMER.c
    stmt = select(CUSTOMER).where(scope.visible(caller), _ACTIVE)
    params = {}
    if f.phone:
        params["phone"] = rules.check_phones([f.phone])[0]
        stmt = stmt.where(c.id == _BY_PHONE)
    if f.id_card:
        stmt = stmt.where(c.id_card == rules.check_id_card(f.id_card))
    if f.owner_id:
        stmt = stmt.where(c.owner_id == f.owner_id)
    if f.stage:
        stmt = stmt.where(c.stage == rules.check_choice("stage", f.stage, rules.STAGES,
                                                        "客户阶段"))
    if f.channel_id:
        stmt = stmt.where(c.source_channel_id == f.channel_id)
    if f.tag:
        stmt = stmt.where(c.id.in_(select(CustomerTag.customer_id)
                                   .where(CustomerTag.tag == f.tag)))
    if f.region:
        stmt = stmt.where(c.region == f.region)
    text = search.condition(f.q)
    if text is not None:
        stmt = stmt.where(text)
    keys = [CUSTOMER.c[key], CUSTOMER.c.id]
    name = "customers:" + "|".join(dataclasses.astuple(f))
    if params:
        stmt = stmt.params(**params)
    return pagination.keyset_rows(s, stmt, keys, token=token, size=pagination.page_size(size),
                                  list_name=name, descending=descending)


def update(s: Session, caller: Caller, c: Customer, values: dict) -> list[str]:
    """Set the given fields (already checked); returns the names that changed."""
    changed: list[str] = []
    phones = None
    if "phones" in values:
        current = list(c.phone_numbers)
        if values["phones"] != current:
            if not values["phones"] and not (values.get("id_card", c.id_card)):
                raise rules.invalid("phone", "a customer keeps a phone or an ID card number",
                                    "客户须保留手机号或身份证号码")
            phones = values["phones"]
            changed.append("phones")
    for field, value in values.items():
        if field == "phones":
            continue
        if getattr(c, field) != value:
            setattr(c, field, value)
            changed.append(field)
    if "id_card" in changed and c.id_card is None and phones is None and not c.phone_numbers:
        raise rules.invalid("id_card", "a customer keeps a phone or an ID card number",
                            "客户须保留手机号或身份证号码")
    if not changed:
        return []
    existing = duplicate_of(s, c.id_card if "id_card" in changed else None,
                            [p for p in (phones or []) if p], exclude_id=c.id)
    if existing is not None:
        raise duplicate_error(caller, existing)
    if "name" in changed:
        c.name_key = rules.name_key(c.name)
    c.version += 1
    c.updated_at = utcnow()
    try:
        with s.begin_nested():
            s.flush()
            if phones is not None or {"name", "company", "tags"} & set(changed):
                keep = phones if phones is not None else list(c.phone_numbers)
                _write_keys(s, c, keep)
                s.flush()
    except exc.IntegrityError:
        existing = duplicate_of(s, c.id_card, phones or [], exclude_id=c.id)
        if existing is None:
            raise
        raise duplicate_error(caller, existing) from None
    history(s, c.id, "updated", caller.user_id, fields=changed)
    events.customer_updated(s, c, changed, caller.user_id)
    return changed


MERGEABLE = tuple(f for f in rules.WRITABLE if f not in ("phones", "tags"))


def merge(s: Session, caller: Caller, survivor: Customer, merged: Customer,
          sources: dict[str, str]) -> Customer:
    """`merged` into `survivor`: fields as `sources` says (default the survivor's), phones,
    tags and roles united, claims and history moved; `merged` stays, marked merged-into."""
    if survivor.id == merged.id:
        raise InvalidArgument("cannot merge a customer with itself",
                              reason="invalid.merged_id", message_zh="不能与自身合并")
    for c in (survivor, merged):
        if c.merged_into_id:
            raise FailedPrecondition(f"customer {c.id} was already merged",
                                     reason="customer.already_merged", message_zh="客户已被合并")
    for field, source in sources.items():
        if field not in MERGEABLE or source not in ("survivor", "merged"):
            raise rules.invalid("field_sources", f"bad field source {field}={source}",
                                f"字段来源无效: {field}")
    now = utcnow()
    taken = {f: getattr(merged, f) for f, src in sources.items() if src == "merged"}
    id_card = taken.pop("id_card", survivor.id_card) or survivor.id_card or merged.id_card
    phones = list(survivor.phone_numbers)
    moved = [p for p in merged.phone_numbers if p not in phones]
    # the merged record gives up its keys before the survivor takes them (unique columns)
    merged.id_card = None
    merged.merged_into_id = survivor.id
    merged.updated_at = now
    merged.version += 1
    s.execute(delete(CustomerPhone).where(CustomerPhone.customer_id == merged.id))
    s.execute(delete(CustomerSearchTerm).where(CustomerSearchTerm.customer_id == merged.id))
    merged.phone_numbers = []
    s.flush()
    for field, value in taken.items():
        setattr(survivor, field, value)
    survivor.id_card = id_card
    survivor.tags = list(dict.fromkeys([*survivor.tags, *merged.tags]))
    survivor.roles = list(dict.fromkeys([*survivor.roles, *merged.roles]))
    survivor.name_key = rules.name_key(survivor.name)
    survivor.version += 1
    survivor.updated_at = now
    s.flush()
    _write_keys(s, survivor, [*phones, *moved][:rules.MAX_PHONES * 2])
    s.execute(Claim.__table__.update().where(Claim.customer_id == merged.id)
              .values(customer_id=survivor.id))
    s.execute(CustomerHistory.__table__.update().where(CustomerHistory.customer_id == merged.id)
              .values(customer_id=survivor.id))
    # the merged record keeps one line of its own saying where it went
    history(s, merged.id, "merged_into", caller.user_id, survivor_id=survivor.id)
    history(s, survivor.id, "merged", caller.user_id, merged_id=merged.id,
            field_sources=dict(sources))
    events.customer_merged(s, survivor, merged, dict(sources), caller.user_id, now)
    return survivor


def count_active(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(Customer)
                    .where(Customer.merged_into_id.is_(None)))
