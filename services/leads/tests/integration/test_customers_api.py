"""The customers api end to end: an in-process grpcio server on a free port, real stubs, a
real database (SQLite and PostgreSQL), the outbox inspected for the events written."""
from __future__ import annotations

import json

import grpc
import pytest
from contracts.leads import customers_pb2 as pb
from kit import grpc_errors
from leads import models as m
from sqlalchemy import select

from ..support import as_, error_of, id_number, new_customer, phone, running_api


@pytest.fixture(scope="module")
def api(database_url):
    with running_api(database_url) as running:
        yield running


def _events(db, event_type: str, subject: str) -> list[dict]:
    with db.session() as s:
        return [json.loads(p)["data"] for p in s.scalars(
            select(m.OUTBOX.c.payload).where(m.OUTBOX.c.event_type == event_type,
                                             m.OUTBOX.c.subject == subject))]


def test_create_then_get_normalises_and_emits_created(api):
    stub, db = api
    card = id_number("11010119900307123")
    created = stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        "张三", phones=["139 0000 0101", "+86 13900000102"], id_card=card.lower(),
        company="星辰科技", roles=["student", "payer"], tags=["vip"])), metadata=as_("sales1"))
    c = created.customer
    assert [(p.number, p.primary) for p in c.phones] == [("+8613900000101", True),
                                                         ("+8613900000102", False)]
    assert c.id_card == card
    assert c.birth_date == "1990-03-07"
    assert (c.stage, c.valid, c.owner.user_id, c.owner.department_id) == (
        "lead", True, "sales1", "dep-bj-sales")
    assert c.personal_data_masked is False
    got = stub.GetCustomer(pb.GetCustomerRequest(customer_id=c.id), metadata=as_("sales1"))
    assert got.customer.id == c.id and got.customer.name == "张三"
    [event] = _events(db, "crm.leads.customer.created.v1", c.id)
    assert (event["owner_id"], event["stage"]) == ("sales1", "lead")
    assert "phones" not in event and "id_card" not in event


def test_duplicate_phone_is_already_exists_naming_the_existing_customer(api):
    stub, _db = api
    first = stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        "李四", phones=[phone(201)])), metadata=as_("sales1")).customer
    error = error_of(lambda: stub.CreateCustomer(pb.CreateCustomerRequest(
        customer=new_customer("李四四", phones=[phone(202), f"+86{phone(201)}"])),
        metadata=as_("sales3")))
    info = grpc_errors.error_info(error)
    assert (info.code, info.reason) == (grpc.StatusCode.ALREADY_EXISTS, "customer.duplicate")
    assert info.details["existing_customer_id"] == first.id
    # sales3 (another region) does not see the owner
    assert info.details["owner"] == {"user_id": None, "name": "sa***", "masked": True}


def test_bad_phone_and_id_card_are_invalid(api):
    stub, _db = api
    for fields, reason in ((new_customer(phones=["12345"]), "invalid.phone"),
                           (new_customer(phones=["10012345678"]), "invalid.phone"),
                           (new_customer(id_card="110101199003071230"), "invalid.id_card")):
        error = error_of(lambda f=fields: stub.CreateCustomer(
            pb.CreateCustomerRequest(customer=f), metadata=as_("sales1")))
        info = grpc_errors.error_info(error)
        assert (info.code, info.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)
        assert "12345" not in info.message and "1101011990" not in info.message


def test_out_of_scope_is_not_found(api):
    stub, _db = api
    c = stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        "王五", phones=[phone(301)])), metadata=as_("sales2")).customer
    for reader in ("sales1", "sales3", "director2", "teacher1"):
        error = error_of(lambda r=reader: stub.GetCustomer(
            pb.GetCustomerRequest(customer_id=c.id), metadata=as_(r)))
        assert error.code() == grpc.StatusCode.NOT_FOUND
    missing = error_of(lambda: stub.GetCustomer(pb.GetCustomerRequest(customer_id="nope"),
                                                metadata=as_("sales1")))
    out = error_of(lambda: stub.GetCustomer(pb.GetCustomerRequest(customer_id=c.id),
                                            metadata=as_("sales3")))
    assert missing.details().replace("nope", c.id) == out.details()
