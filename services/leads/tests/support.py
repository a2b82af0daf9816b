"""Test helpers of the leads tests: access tokens signed by a test key, valid ID numbers and
phones, and an in-process api server on a real database."""
from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterator

import grpc
import jwt
from contracts.leads import customers_pb2 as pb
from contracts.leads import customers_pb2_grpc as pb_grpc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER, KeySet
from kit.db import Database
from leads import api
from leads.settings import LeadsSettings
from stdnum.cn import ric


def id_number(stem: str) -> str:
    """A valid 18-character ID number from a 17-digit stem (GB 11643 check character)."""
    return stem + ric.calc_check_digit(stem + "0")  # it ignores the last character


def phone(n: int) -> str:
    """A valid mainland mobile number, distinct per n (139 range)."""
    return f"139{n:08d}"


class Tokens:
    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid="k1", alg="EdDSA", use="sig")
        self.key_set = KeySet(lambda: {"keys": [jwk]})

    def token(self, user_id: str, *roles: str, scope: str = "own", dept: str | None = None,
              region: str | None = None, ttl: int = 3600) -> str:
        now = int(time.time())
        claims = {"sub": user_id, "name": user_id, "roles": list(roles), "scope": scope,
                  "dept": dept, "region": region, "iss": ISSUER, "aud": AUDIENCE, "iat": now,
                  "exp": now + ttl, "jti": uuid.uuid4().hex}
        return jwt.encode(claims, self.key, algorithm="EdDSA",
                          headers={"kid": "k1", "typ": ACCESS_TOKEN_TYPE})

    def metadata(self, user_id: str, *roles: str, **kw) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token(user_id, *roles, **kw)}"),)


TOKENS = Tokens()

# The org tree of the tests: two regions, Beijing's sales department and Guangzhou's.
NORTH, SOUTH, BJ_SALES, GZ_SALES = "reg-north", "reg-south", "dep-bj-sales", "dep-gz-sales"
PEOPLE = {
    "sales1": (("sales",), "own", BJ_SALES, NORTH),
    "sales2": (("sales",), "own", BJ_SALES, NORTH),
    "sales3": (("sales",), "own", GZ_SALES, SOUTH),
    "manager1": (("department_manager",), "department", BJ_SALES, NORTH),
    "director1": (("director",), "region", None, NORTH),
    "director2": (("director",), "region", None, SOUTH),
    "cs1": (("customer_service",), "all", "dep-bj-service", NORTH),
    "admin": (("admin",), "all", None, None),
    "teacher1": (("teacher",), "own", "dep-bj-teaching", NORTH),
}


def as_(user: str) -> tuple[tuple[str, str], ...]:
    roles, scope, dept, region = PEOPLE[user]
    return TOKENS.metadata(user, *roles, scope=scope, dept=dept, region=region)


@contextlib.contextmanager
def running_api(database_url: str, **settings) -> Iterator[tuple[pb_grpc.CustomerServiceStub,
                                                                    Database]]:
    db = Database(database_url)
    server = api.build_server(LeadsSettings(database_url=database_url, **settings), db,
                              address="127.0.0.1:0", key_set=TOKENS.key_set)
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield pb_grpc.CustomerServiceStub(channel), db
    finally:
        channel.close()
        server.stop(0)
        db.dispose()


def new_customer(name: str = "张三", phones=(), id_card: str = "", **fields) -> pb.CustomerFields:
    return pb.CustomerFields(name=name, phones=list(phones), id_card=id_card, **fields)


def error_of(call) -> grpc.RpcError:
    try:
        call()
    except grpc.RpcError as error:
        return error
    raise AssertionError("the call succeeded")
