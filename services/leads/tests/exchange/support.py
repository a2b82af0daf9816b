"""Helpers of the exchange, statistics and sales-target tests: the api with every stub on one
channel, tokens that carry rights, workbooks built in memory."""
from __future__ import annotations

import contextlib
import dataclasses
import io
import time
import uuid

import grpc
import jwt
from contracts.leads import (
    customer_exchange_pb2_grpc,
    customers_pb2_grpc,
    lead_statistics_pb2_grpc,
    sales_targets_pb2_grpc,
)
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER
from kit.db import Database
from leads import api
from leads.settings import LeadsSettings
from openpyxl import Workbook

from ..support import PEOPLE, TOKENS


@dataclasses.dataclass
class Api:
    customers: customers_pb2_grpc.CustomerServiceStub
    exchange: customer_exchange_pb2_grpc.CustomerExchangeServiceStub
    statistics: lead_statistics_pb2_grpc.LeadStatisticsServiceStub
    targets: sales_targets_pb2_grpc.SalesTargetServiceStub
    db: Database


@contextlib.contextmanager
def running(database_url: str, **settings):
    db = Database(database_url)
    server = api.build_server(LeadsSettings(database_url=database_url, **settings), db,
                              address="127.0.0.1:0", key_set=TOKENS.key_set)
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield Api(customers_pb2_grpc.CustomerServiceStub(channel),
                  customer_exchange_pb2_grpc.CustomerExchangeServiceStub(channel),
                  lead_statistics_pb2_grpc.LeadStatisticsServiceStub(channel),
                  sales_targets_pb2_grpc.SalesTargetServiceStub(channel), db)
    finally:
        channel.close()
        server.stop(0)
        db.dispose()


def as_user(user: str, *rights: str, user_id: str | None = None):
    """Metadata of one of support.PEOPLE, with the given rights (identity's `rights` claim)."""
    roles, scope, dept, region = PEOPLE[user]
    now = int(time.time())
    claims = {"sub": user_id or user, "name": user, "roles": list(roles), "scope": scope,
              "dept": dept, "region": region, "rights": list(rights), "iss": ISSUER,
              "aud": AUDIENCE, "iat": now, "exp": now + 3600, "jti": uuid.uuid4().hex}
    token = jwt.encode(claims, TOKENS.key, algorithm="EdDSA",
                       headers={"kid": "k1", "typ": ACCESS_TOKEN_TYPE})
    return (("authorization", f"Bearer {token}"),)


def workbook(header, *rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEADER = ("姓名 Name", "手机号 Mobile phones", "身份证号 ID card number", "性别 Gender",
          "公司 Company", "地区 Region", "标签 Tags", "客户角色 Roles")
