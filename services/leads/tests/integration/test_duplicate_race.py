"""Two salespeople create the same person at the same moment (a real barrier, two gRPC calls
in flight together, SQLite and PostgreSQL): exactly one creates it, the other gets
ALREADY_EXISTS naming the winner's record; the database holds one customer per key."""
from __future__ import annotations

import threading

import grpc
import pytest
from contracts.leads import customers_pb2 as pb
from kit import grpc_errors
from leads import models as m
from sqlalchemy import func, select

from ..support import as_, id_number, new_customer, phone, running_api

ROUNDS = 8


@pytest.fixture(scope="module")
def api(database_url):
    with running_api(database_url) as running:
        yield running


def race(stub, requests: list[tuple[str, pb.CustomerFields]]) -> list:
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def create(i: int, user: str, fields: pb.CustomerFields) -> None:
        barrier.wait()
        try:
            results[i] = stub.CreateCustomer(pb.CreateCustomerRequest(customer=fields),
                                             metadata=as_(user), timeout=30).customer
        except grpc.RpcError as error:
            results[i] = error

    threads = [threading.Thread(target=create, args=(i, user, fields))
               for i, (user, fields) in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def one_winner(results: list) -> pb.Customer:
    won = [r for r in results if isinstance(r, pb.Customer)]
    lost = [r for r in results if not isinstance(r, pb.Customer)]
    assert len(won) == 1, results
    for error in lost:
        info = grpc_errors.error_info(error)
        assert (info.code, info.reason) == (grpc.StatusCode.ALREADY_EXISTS,
                                            "customer.duplicate"), info
        assert info.details["existing_customer_id"] == won[0].id
    return won[0]


def test_same_phone_at_once_one_wins(api):
    stub, db = api
    for r in range(ROUNDS):
        number = phone(5000 + r)
        one_winner(race(stub, [
            ("sales1", new_customer("甲", phones=[number])),
            ("sales3", new_customer("乙", phones=[phone(6000 + r), f"+86{number}"])),
        ]))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.CustomerPhone).where(
            m.CustomerPhone.phone.in_([f"+86{phone(5000 + r)}" for r in range(ROUNDS)]))
        ) == ROUNDS
        # the losers left nothing behind (not even their other phone)
        assert s.scalar(select(func.count()).select_from(m.Customer).where(
            m.Customer.name.in_(["甲", "乙"]))) == ROUNDS


def test_same_id_number_at_once_one_wins(api):
    stub, db = api
    for r in range(ROUNDS):
        card = id_number(f"110101199001{r + 10:02d}123")
        one_winner(race(stub, [
            ("sales2", new_customer("丙", id_card=card)),
            ("sales3", new_customer("丁", id_card=card.lower(), phones=[phone(7000 + r)])),
        ]))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Customer).where(
            m.Customer.name.in_(["丙", "丁"]))) == ROUNDS
