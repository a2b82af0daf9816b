"""Enrollment test fixtures: tokens signed like identity's (roles, scope, region,
department), the api in-process on a free port over a migrated database (SQLite and
PostgreSQL), and a small org tree: campuses North (r-north, d-north) and South (r-south,
d-south)."""
from __future__ import annotations

import dataclasses
import json
import time
import uuid

import grpc
import jwt
import pytest
from contracts.enrollment import enrollment_pb2 as pb
from contracts.enrollment import enrollment_pb2_grpc as pb_grpc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from enrollment import api, catalogue
from enrollment import models as m
from enrollment.settings import EnrollmentSettings
from jwt.algorithms import OKPAlgorithm
from kit import migrate, testing
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER, KeySet
from kit.db import Database
from sqlalchemy import select

# caller name -> (user id, role, scope, region, department)
CALLERS = {
    "admin": ("u-admin", "admin", "all", None, None),
    "director-n": ("u-dir-n", "director", "region", "r-north", None),
    "director-s": ("u-dir-s", "director", "region", "r-south", None),
    "manager-n": ("u-mgr-n", "department_manager", "department", "r-north", "d-north"),
    "manager-n2": ("u-mgr-n2", "department_manager", "department", "r-north", "d-north"),
    "sales-n1": ("u-sales-n1", "sales", "own", "r-north", "d-north"),
    "sales-n2": ("u-sales-n2", "sales", "own", "r-north", "d-north"),
    "sales-s": ("u-sales-s", "sales", "own", "r-south", "d-south"),
    "cs": ("u-cs", "customer_service", "all", None, None),
    "teacher-n": ("u-teacher-n", "teacher", "own", "r-north", "d-north"),
}


class Tokens:
    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid="k1", alg="EdDSA", use="sig")
        self.key_set = KeySet(lambda: {"keys": [jwk]})

    def metadata(self, name: str, *, key: str | None = None) -> tuple:
        user_id, role, scope, region, department = CALLERS[name]
        now = int(time.time())
        claims = {"sub": user_id, "name": user_id, "roles": [role], "scope": scope,
                  "region": region, "dept": department, "org": department or region,
                  "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 3600,
                  "jti": uuid.uuid4().hex}
        token = jwt.encode(claims, self.key, algorithm="EdDSA",
                           headers={"kid": "k1", "typ": ACCESS_TOKEN_TYPE})
        metadata = (("authorization", f"Bearer {token}"),)
        if key:
            metadata += (("idempotency-key", key),)
        return metadata


TOKENS = Tokens()


def reason(error: grpc.RpcError) -> str:
    return dict(error.trailing_metadata() or ()).get("x-error-reason", "")


@dataclasses.dataclass
class Api:
    stub: pb_grpc.EnrollmentServiceStub
    db: Database

    def __call__(self, method: str, request, as_: str, *, key: str | None = None):
        return getattr(self.stub, method)(request, metadata=TOKENS.metadata(as_, key=key),
                                          timeout=20)

    def refused(self, method: str, request, as_: str, *, key: str | None = None
                ) -> tuple[grpc.StatusCode, str]:
        try:
            self(method, request, as_, key=key)
        except grpc.RpcError as error:
            return error.code(), reason(error)
        raise AssertionError(f"{method} as {as_} was not refused")

    def events(self, event_type: str, subject: str | None = None) -> list[dict]:
        with self.db.session() as s:
            stmt = select(m.OUTBOX.c.payload, m.OUTBOX.c.subject).where(
                m.OUTBOX.c.event_type == event_type).order_by(m.OUTBOX.c.id)
            rows = s.execute(stmt).all()
        return [json.loads(r.payload)["data"] for r in rows
                if subject is None or r.subject == subject]


def seed_org(db: Database) -> None:
    with db.session() as s:
        catalogue.upsert_campus(s, "c-north", "北校区", region_id="r-north",
                                department_ids=["d-north"])
        catalogue.upsert_campus(s, "c-south", "南校区", region_id="r-south",
                                department_ids=["d-south"])


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database_url(request):
    manager = testing.sqlite_database() if request.param == "sqlite" \
        else testing.postgres_database("enr_test")
    with manager as url:
        migrate.upgrade("enrollment", url)
        yield url


@pytest.fixture(scope="module")
def enrollment_api(database_url):
    db = Database(database_url)
    seed_org(db)
    settings = EnrollmentSettings(database_url=database_url, discount_limit_bp=1000)
    server = api.build_server(settings, db, address="127.0.0.1:0", key_set=TOKENS.key_set)
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    yield Api(pb_grpc.EnrollmentServiceStub(channel), db)
    channel.close()
    server.stop(0)
    db.dispose()


def new_course(api_: Api, *, as_: str = "admin", **fields) -> pb.Course:
    fields.setdefault("id", f"course-{uuid.uuid4().hex[:8]}")
    fields.setdefault("name", "课程")
    fields.setdefault("category", "new_training")
    fields.setdefault("lesson_hours", 20)
    fields.setdefault("price_fen", 100_000)
    return api_("CreateCourse", pb.CreateCourseRequest(course=pb.Course(**fields)), as_).course


def new_class(api_: Api, course_id: str, *, campus: str = "c-north", capacity: int = 10,
              as_: str = "admin") -> pb.Class:
    term = api_("CreateTerm", pb.CreateTermRequest(term=pb.Term(
        campus_id=campus, name="期", start_date="2027-03-01", end_date="2027-05-31")),
        as_).term
    return api_("CreateClass", pb.CreateClassRequest(class_=pb.Class(
        term_id=term.id, course_id=course_id, name="班", capacity=capacity)), as_).class_


REGISTRATION_EXTRA = {
    "finance": ("u-finance", "finance", "own", "r-north", "d-fin"),
    "conference": ("u-conf", "conference_staff", "current_term", "r-north", None),
    "conference-s": ("u-conf-s", "conference_staff", "current_term", "r-south", None),
}
CALLERS.update(REGISTRATION_EXTRA)
