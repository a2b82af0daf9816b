"""Concurrent writes on PostgreSQL (what production runs; SQLite is the single-machine
default): sellers racing for a class's last seats get exactly its capacity, and sign-ins of
one student racing at the desk record one attendance per session and count its hours once."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from contracts.enrollment import enrollment_pb2 as pb
from contracts.enrollment import enrollment_pb2_grpc as pb_grpc
from enrollment import api, events
from enrollment import models as m
from enrollment.settings import EnrollmentSettings
from kit import migrate, testing
from kit.db import Database
from sqlalchemy import func, select

from ..conftest import TOKENS, Api, new_class, new_course, seed_org  # noqa: TID252
from .test_registrations import enrolled_customer
from .test_sign_ins import approved, sign_in


@pytest.fixture(scope="module")
def pg_api():
    with testing.postgres_database("enr_races") as url:
        migrate.upgrade("enrollment", url)
        db = Database(url)
        seed_org(db)
        server = api.build_server(EnrollmentSettings(database_url=url), db,
                                  address="127.0.0.1:0", key_set=TOKENS.key_set,
                                  max_workers=16)
        channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        yield Api(pb_grpc.EnrollmentServiceStub(channel), db)
        channel.close()
        server.stop(0)
        db.dispose()


def test_sellers_racing_for_the_last_seats_get_exactly_the_capacity(pg_api):
    course = new_course(pg_api)
    klass = new_class(pg_api, course.id, capacity=2)

    def order(i: int) -> str:
        request = pb.PlaceOrderRequest(kind="class", class_id=klass.id, campus_id="c-north",
                                       customer_id=f"cust-{uuid.uuid4().hex[:8]}")
        try:
            return pg_api("PlaceOrder", request, ("sales-n1", "sales-n2")[i % 2]).order.status
        except grpc.RpcError as error:
            return dict(error.trailing_metadata()).get("x-error-reason", str(error.code()))

    with ThreadPoolExecutor(8) as pool:
        outcomes = sorted(pool.map(order, range(8)))
    assert outcomes == ["enrollment.class_full"] * 6 + ["placed"] * 2
    assert pg_api("GetClass", pb.GetClassRequest(class_id=klass.id), "admin").class_.taken == 2


def test_racing_sign_ins_record_one_attendance(pg_api):
    customer, enrollment_id, klass = enrolled_customer(pg_api, hours=10)
    approved(pg_api, customer, klass.term_id)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: sign_in(pg_api, klass.term_id, "race-1", hours=2),
                                range(8)))
    assert sorted(a.already_signed_in for a in answers) == [False] + [True] * 7
    assert {a.attendance_id for a in answers} == {answers[0].attendance_id}
    assert {a.remaining_hours for a in answers} == {8}
    with pg_api.db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Attendance).where(
            m.Attendance.enrollment_id == enrollment_id)) == 1
    assert len(pg_api.events(events.ATTENDANCE_RECORDED, enrollment_id)) == 1
