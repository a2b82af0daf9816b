"""Hot reads send their body as orjson bytes instead of through FastAPI's response_model pass:
the JSON must be exactly what that pass made (the OpenAPI document still names the model)."""
from __future__ import annotations

import datetime as dt

import orjson
import pytest
from contracts.identity import identity_pb2
from gateway.schemas import Page, UserOut, json_response, page, user_json
from google.protobuf.timestamp_pb2 import Timestamp


def _user(created: dt.datetime | None, **fields) -> identity_pb2.User:
    fields = {"id": "u-1", "username": "sales1", "display_name": "销售一", "email": "s@x.cn",
              "phone": "138****1234", "roles": ["sales"], "org_unit_id": "d1",
              "department_id": "d1", "region_id": "r1", "data_scope": "own",
              "rights": ["export"], "status": identity_pb2.USER_STATUS_ACTIVE, **fields}
    user = identity_pb2.User(**fields)
    if created is not None:
        stamp = Timestamp()
        stamp.FromDatetime(created)
        user.created_at.CopyFrom(stamp)
    return user


USERS = [
    _user(dt.datetime(2026, 11, 29, 21, 11, 51, 123456, tzinfo=dt.UTC)),
    _user(dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), service_account=True),
    _user(dt.datetime(2026, 1, 2, 3, 4, 5, 1000, tzinfo=dt.UTC),
          status=identity_pb2.USER_STATUS_FROZEN, frozen_reason="read limit"),
    _user(None, status=identity_pb2.USER_STATUS_LEFT),
]


@pytest.mark.parametrize("user", USERS)
def test_a_user_is_what_the_response_model_made(user):
    body = user_json(user)
    sent = orjson.loads(json_response(body).body)
    assert sent == UserOut.model_validate(body).model_dump(mode="json")


def test_a_page_of_users_is_what_the_response_model_made():
    for token in ("", "next-page-token"):
        body = page([user_json(u) for u in USERS], token)
        sent = orjson.loads(json_response(body).body)
        assert sent == Page[UserOut].model_validate(body).model_dump(mode="json")
        assert sent["next_cursor"] == (token or None)
