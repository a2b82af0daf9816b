"""Helpers of the public pool tests: the api with every pool stub, customers made through
the customers api (as their creators), clocks moved back in the database, outbox reading."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import json
from collections.abc import Iterator

import grpc
from contracts.leads import customers_pb2 as cpb
from contracts.leads import customers_pb2_grpc as cpb_grpc
from contracts.leads import public_pool_pb2_grpc as pb_grpc
from kit.db import Database
from leads import api
from leads import models as m
from leads.settings import LeadsSettings
from sqlalchemy import select, update

from ..support import BJ_SALES, NORTH, PEOPLE, TOKENS, phone

# The support module's people plus more Beijing sellers (teams for the assignment rules).
PEOPLE = {**PEOPLE, **{f"sales{n}": (("sales",), "own", BJ_SALES, NORTH) for n in (4, 5, 6, 7)}}


def as_(user: str) -> tuple[tuple[str, str], ...]:
    roles, scope, dept, region = PEOPLE[user]
    return TOKENS.metadata(user, *roles, scope=scope, dept=dept, region=region)

_PHONES = itertools.count(int(dt.datetime.now().timestamp()) % 10_000 * 1000)


@dataclasses.dataclass
class PoolApi:
    customers: cpb_grpc.CustomerServiceStub
    pool: pb_grpc.PublicPoolServiceStub
    assignment: pb_grpc.AssignmentServiceStub
    db: Database
    settings: LeadsSettings
    target: str


@contextlib.contextmanager
def running_pool_api(database_url: str, **settings) -> Iterator[PoolApi]:
    db = Database(database_url)
    leads_settings = LeadsSettings(database_url=database_url, **settings)
    server = api.build_server(leads_settings, db, address="127.0.0.1:0",
                              key_set=TOKENS.key_set)
    target = f"127.0.0.1:{server.port}"
    channel = grpc.insecure_channel(target)
    try:
        yield PoolApi(cpb_grpc.CustomerServiceStub(channel),
                      pb_grpc.PublicPoolServiceStub(channel),
                      pb_grpc.AssignmentServiceStub(channel), db, leads_settings, target)
    finally:
        channel.close()
        server.stop(0)
        db.dispose()


def create(stub: cpb_grpc.CustomerServiceStub, owner: str, name: str = "赵六",
           **fields) -> str:
    """A new customer owned by `owner` (its creator); returns its id."""
    created = stub.CreateCustomer(cpb.CreateCustomerRequest(customer=cpb.CustomerFields(
        name=name, phones=[phone(next(_PHONES))], **fields)), metadata=as_(owner))
    return created.customer.id


def held_since(db: Database, customer_id: str, days_ago: float, *,
               follow_up_days_ago: float | None = None,
               deal_days_ago: float | None = None, now: dt.datetime | None = None) -> None:
    """Move a held customer's clocks back, as if claimed `days_ago`, with its last follow-up
    and deal that long ago (the rules' clocks as claims, follow-ups and deals leave them)."""
    now = now or dt.datetime.now(dt.UTC)
    since = now - dt.timedelta(days=days_ago)
    follow_up = now - dt.timedelta(days=follow_up_days_ago) if follow_up_days_ago is not None \
        else None
    deal = now - dt.timedelta(days=deal_days_ago) if deal_days_ago is not None else None
    with db.session() as s:
        s.execute(update(m.Customer).where(m.Customer.id == customer_id).values(
            owned_since=since, last_follow_up_at=follow_up, last_deal_at=deal,
            follow_up_clock_at=max(since, follow_up) if follow_up else since,
            deal_clock_at=None if deal and deal >= since else since))


def to_pool(db: Database, customer_id: str) -> None:
    """Put a customer in the pool the way the sweep does (owner cleared, region kept)."""
    from leads.public_pool.pool import return_to_pool
    with db.session() as s:
        return_to_pool(s, s.get(m.Customer, customer_id), "no_follow_up",
                       dt.datetime.now(dt.UTC))


def customer(db: Database, customer_id: str) -> m.Customer:
    with db.session() as s:
        return s.get(m.Customer, customer_id)


def events(db: Database, event_type: str, subject: str | None = None) -> list[dict]:
    with db.session() as s:
        stmt = select(m.OUTBOX.c.payload).where(m.OUTBOX.c.event_type == event_type)
        if subject is not None:
            stmt = stmt.where(m.OUTBOX.c.subject == subject)
        return [json.loads(p)["data"] for p in s.scalars(stmt.order_by(m.OUTBOX.c.id))]


def staff(db: Database, *users: str) -> None:
    """Leads' staff read model learns these test people (as identity's user.created would
    tell it)."""
    with db.session() as s:
        for user in users:
            roles, _scope, dept, region = PEOPLE[user]
            row = s.get(m.StaffMember, user) or m.StaffMember(user_id=user)
            row.username, row.roles, row.department_id, row.region_id = user, list(roles), \
                dept, region
            row.left = False
            s.add(row)


@contextlib.contextmanager
def sales_cap(api: PoolApi, cap: int) -> Iterator[None]:
    """The pool policy with this cap for sales (others 500) while the block runs."""
    from contracts.leads import public_pool_pb2 as pb
    admin = as_("admin")

    def put(sales: int) -> None:
        current = api.pool.GetPoolSettings(pb.GetPoolSettingsRequest(),
                                           metadata=admin).settings
        wanted = pb.PoolSettings(enabled=True, follow_up_days=current.follow_up_days,
                                 deal_days=current.deal_days,
                                 warning_days=current.warning_days, version=current.version,
                                 caps=[pb.HoldingCap(role="*", max_customers=500),
                                       pb.HoldingCap(role="sales", max_customers=sales)])
        api.pool.UpdatePoolSettings(pb.UpdatePoolSettingsRequest(settings=wanted),
                                    metadata=admin)

    put(cap)
    try:
        yield
    finally:
        put(200)
