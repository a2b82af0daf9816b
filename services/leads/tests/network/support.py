"""The network tests' in-process api: every network stub on one channel, beside the customer
stub, on a real database."""
from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator

import grpc
from contracts.leads import customers_pb2 as cpb
from contracts.leads import customers_pb2_grpc
from contracts.leads import network_pb2_grpc as pb_grpc
from kit.db import Database
from leads import api
from leads import models as m
from leads.settings import LeadsSettings
from sqlalchemy import select

from ..support import TOKENS, as_, new_customer, phone


@dataclasses.dataclass
class Stubs:
    customers: customers_pb2_grpc.CustomerServiceStub
    channels: pb_grpc.ChannelServiceStub
    referrals: pb_grpc.ReferralServiceStub
    activities: pb_grpc.ActivityServiceStub
    requests: pb_grpc.ServiceRequestServiceStub
    surveys: pb_grpc.SurveyServiceStub
    db: Database

    def customer(self, n: int, owner: str = "sales1", name: str = "客户", **fields) -> str:
        """A new customer owned by `owner` (phone number n, unique per test module)."""
        return self.customers.CreateCustomer(cpb.CreateCustomerRequest(
            customer=new_customer(f"{name}{n}", phones=[phone(n)], **fields)),
            metadata=as_(owner)).customer.id

    def set_stage(self, customer_id: str, stage: str, by: str = "admin") -> None:
        self.customers.UpdateCustomer(cpb.UpdateCustomerRequest(
            customer_id=customer_id, customer=cpb.CustomerFields(stage=stage),
            update_fields=["stage"]), metadata=as_(by))

    def events(self, event_type: str, subject: str) -> list[dict]:
        with self.db.session() as s:
            return [json.loads(p)["data"] for p in s.scalars(
                select(m.OUTBOX.c.payload).where(m.OUTBOX.c.event_type == event_type,
                                                 m.OUTBOX.c.subject == subject)
                .order_by(m.OUTBOX.c.id))]


@contextlib.contextmanager
def running_network(database_url: str, **settings) -> Iterator[Stubs]:
    db = Database(database_url)
    server = api.build_server(LeadsSettings(database_url=database_url, **settings), db,
                              address="127.0.0.1:0", key_set=TOKENS.key_set)
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield Stubs(customers_pb2_grpc.CustomerServiceStub(channel),
                    pb_grpc.ChannelServiceStub(channel), pb_grpc.ReferralServiceStub(channel),
                    pb_grpc.ActivityServiceStub(channel),
                    pb_grpc.ServiceRequestServiceStub(channel),
                    pb_grpc.SurveyServiceStub(channel), db)
    finally:
        channel.close()
        server.stop(0)
        db.dispose()
