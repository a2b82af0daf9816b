"""Helpers of the follow-ups tests: the api in-process with both stubs (customers, to make
customers; follow-ups), staff in leads' read model, events in the outbox."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Iterator

import grpc
from contracts.leads import customers_pb2 as cpb
from contracts.leads import customers_pb2_grpc as cpb_grpc
from contracts.leads import follow_ups_pb2 as pb
from contracts.leads import follow_ups_pb2_grpc as pb_grpc
from google.protobuf.timestamp_pb2 import Timestamp
from kit.db import Database
from leads import api
from leads import models as m
from leads.settings import LeadsSettings
from sqlalchemy import select

from ..support import PEOPLE, TOKENS, as_, new_customer, phone


@dataclasses.dataclass
class Api:
    customers: cpb_grpc.CustomerServiceStub
    follow_ups: pb_grpc.FollowUpServiceStub
    db: Database


@contextlib.contextmanager
def running(database_url: str, **settings) -> Iterator[Api]:
    db = Database(database_url)
    server = api.build_server(LeadsSettings(database_url=database_url, **settings), db,
                              address="127.0.0.1:0", key_set=TOKENS.key_set)
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield Api(cpb_grpc.CustomerServiceStub(channel), pb_grpc.FollowUpServiceStub(channel),
                  db)
    finally:
        channel.close()
        server.stop(0)
        db.dispose()


def add_staff(db: Database) -> None:
    """The test org's people in leads' staff read model (as identity's events would)."""
    with db.session() as s:
        for user, (roles, _scope, dept, region) in PEOPLE.items():
            row = s.get(m.StaffMember, user) or m.StaffMember(user_id=user)
            row.username, row.roles = user, list(roles)
            row.department_id, row.region_id, row.left = dept, region, False
            s.add(row)


_numbers = iter(range(800_000, 900_000))


def customer_of(a: Api, owner: str) -> str:
    """A new customer owned by `owner`; its id."""
    return a.customers.CreateCustomer(cpb.CreateCustomerRequest(
        customer=new_customer("客户", phones=[phone(next(_numbers))])),
        metadata=as_(owner)).customer.id


def ts(value: dt.datetime) -> Timestamp:
    t = Timestamp()
    t.FromDatetime(value)
    return t


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def later(**delta) -> Timestamp:
    return ts(now() + dt.timedelta(**delta))


def events_of(db: Database, event_type: str, *, subject: str | None = None) -> list[dict]:
    with db.session() as s:
        stmt = select(m.OUTBOX.c.payload).where(m.OUTBOX.c.event_type == event_type)
        if subject is not None:
            stmt = stmt.where(m.OUTBOX.c.subject == subject)
        return [json.loads(p)["data"] for p in s.scalars(stmt.order_by(m.OUTBOX.c.id))]


def plan_on(a: Api, customer_id: str, user: str, *, hours: float = 2, type_: str = "call",
            note: str = "", owner_id: str = "") -> pb.CreateFollowUpPlanResponse:
    return a.follow_ups.CreateFollowUpPlan(pb.CreateFollowUpPlanRequest(
        customer_id=customer_id, due_at=later(hours=hours), type=type_, note=note,
        owner_id=owner_id), metadata=as_(user))


def set_due(db: Database, plan_id: str, due_at: dt.datetime) -> None:
    """Move a plan's due time (tests of overdue and due plans: the api refuses a past one)."""
    with db.session() as s:
        s.get(m.FollowUpPlan, plan_id).due_at = due_at.astimezone(dt.UTC)
