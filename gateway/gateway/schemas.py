"""Request and response bodies of the public API (they make the OpenAPI document), and the
conversions from identity's protobuf messages."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar

import orjson
from contracts.identity import identity_pb2
from fastapi import Response
from google.protobuf.timestamp_pb2 import Timestamp
from kit import text
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

T = TypeVar("T")
ID_PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"
UserStatusName = Literal["active", "frozen", "left"]


# --- free text ---------------------------------------------------------------------------
# Every text field a person types (names, reasons, notes, search words) is `Text` or
# `MultilineText`: control characters (NUL included) and unpaired surrogates are refused
# with a 422 here, as the services refuse them (kit.text), and the pattern in the document
# tells clients (and the fuzzer) so. Length limits stay with each field.

class _TextRule:
    def __init__(self, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: str) -> str:
        char = text.refused_character(value, multiline=self.multiline)
        if char is not None:
            raise ValueError(f"control character {text.describe(char)} is not allowed in text")
        return value

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict:
        schema = handler(core_schema)
        schema["pattern"] = (text.MULTILINE_PATTERN if self.multiline
                             else text.SINGLE_LINE_PATTERN)
        return schema


_SINGLE_LINE, _MULTILINE = _TextRule(multiline=False), _TextRule(multiline=True)
Text = Annotated[str, AfterValidator(_SINGLE_LINE), _SINGLE_LINE]
"""One line of text: no control characters."""
MultilineText = Annotated[str, AfterValidator(_MULTILINE), _MULTILINE]
"""Text that may hold tab and line breaks, no other control characters (notes, reasons)."""


class StrictBody(BaseModel):
    # Unknown members are refused: a typo must not be silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class LoginBody(StrictBody):
    username: Text = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)


class RefreshBody(StrictBody):
    refresh_token: str = Field(min_length=1, max_length=4096)


class LogoutBody(StrictBody):
    refresh_token: str | None = Field(default=None, max_length=4096)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str = ""
    email: str = ""
    phone: str = ""
    roles: list[str] = []
    org_unit_id: str = ""
    department_id: str = ""
    region_id: str = ""
    data_scope: str = ""
    rights: list[str] = []
    status: str = ""
    frozen_reason: str = ""
    created_at: dt.datetime | None = None
    service_account: bool = False


class MeOut(BaseModel):
    user: dict[str, str]
    roles: list[str]
    rights: list[str]
    org_unit_id: str | None
    department_id: str | None
    region_id: str | None
    data_scope: str


# The staff roles identity accepts on a person's account (branch_integration is for service
# accounts only). Identity's rules, stated in the schema so that a client built from the
# document does not send what identity would refuse.
StaffRole = Literal["admin", "general_manager", "director", "department_manager", "sales",
                    "customer_service", "finance", "cashier", "teacher", "conference_staff"]
EMAIL_PATTERN = (r"^$|^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*"
                 r"\.[A-Za-z]{2,}$")


class CreateUserBody(StrictBody):
    username: str = Field(min_length=3, max_length=32, pattern=r"^[A-Za-z][A-Za-z0-9._\-]{2,31}$",
                          description="3-32 characters, a letter first; stored in lower case")
    display_name: Text = Field(min_length=1, max_length=100)
    password: str = Field(min_length=10, max_length=128,
                          description="10-128 characters with two kinds (letters, digits, "
                                      "symbols) or 16+ characters; not the username, not a "
                                      "well-known password")
    email: str = Field(default="", max_length=254, pattern=EMAIL_PATTERN)
    phone: str = Field(default="", max_length=32, pattern=r"^$|^(\+86)?1[3-9][0-9]{9}$",
                       description="A mainland China mobile number")
    roles: list[StaffRole] = Field(min_length=1, max_length=10)
    org_unit_id: str = Field(pattern=ID_PATTERN)


class FreezeBody(StrictBody):
    reason: MultilineText = Field(min_length=1, max_length=500)


class UnfreezeBody(StrictBody):
    reason: MultilineText = Field(default="", max_length=500)


class OrgUnitOut(BaseModel):
    id: str
    parent_id: str = ""
    kind: str
    name: str
    code: str = ""


class AuditEventOut(BaseModel):
    id: str
    occurred_at: dt.datetime | None
    actor_user_id: str
    actor_username: str
    action: str
    method: str
    path: str
    target_type: str
    target_id: str
    outcome: str
    status_code: int
    client_address: str
    user_agent: str
    correlation_id: str
    detail_json: str
    source: str
    phase: str = Field("", description="Gateway records: `request` (a request's only record), "
                       "`intent` / `outcome` (the two records of a forwarded write, same "
                       "correlation_id); empty for a service's own records.")


class Page(BaseModel, Generic[T]):
    """Cursor pagination: pass `next_cursor` back as `?cursor=` until it is null."""
    items: list[T]
    next_cursor: str | None = None


# --- protobuf -> JSON ------------------------------------------------------------------

_STATUS = {identity_pb2.USER_STATUS_ACTIVE: "active", identity_pb2.USER_STATUS_FROZEN: "frozen",
           identity_pb2.USER_STATUS_LEFT: "left"}
STATUS_FILTER = {v: k for k, v in _STATUS.items()}
_KIND = {identity_pb2.ORG_UNIT_KIND_COMPANY: "company", identity_pb2.ORG_UNIT_KIND_REGION: "region",
         identity_pb2.ORG_UNIT_KIND_BRANCH: "branch",
         identity_pb2.ORG_UNIT_KIND_DEPARTMENT: "department"}


def timestamp(ts: Timestamp, present: bool) -> str | None:
    if not present:
        return None
    return ts.ToDatetime(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def user_json(user: identity_pb2.User) -> dict:
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name,
        "email": user.email, "phone": user.phone, "roles": list(user.roles),
        "org_unit_id": user.org_unit_id, "department_id": user.department_id,
        "region_id": user.region_id, "data_scope": user.data_scope, "rights": list(user.rights),
        "status": _STATUS.get(user.status, "unspecified"), "frozen_reason": user.frozen_reason,
        "created_at": timestamp(user.created_at, user.HasField("created_at")),
        "service_account": user.service_account,
    }


def org_unit_json(unit: identity_pb2.OrgUnit) -> dict:
    return {"id": unit.id, "parent_id": unit.parent_id, "kind": _KIND.get(unit.kind, "unspecified"),
            "name": unit.name, "code": unit.code}


def audit_event_json(event: identity_pb2.AuditEvent) -> dict:
    return {
        "id": event.id, "occurred_at": timestamp(event.occurred_at, event.HasField("occurred_at")),
        "actor_user_id": event.actor_user_id, "actor_username": event.actor_username,
        "action": event.action, "method": event.method, "path": event.path,
        "target_type": event.target_type, "target_id": event.target_id,
        "outcome": event.outcome, "status_code": event.status_code,
        "client_address": event.client_address, "user_agent": event.user_agent,
        "correlation_id": event.correlation_id, "detail_json": event.detail_json,
        "source": event.source, "phase": event.phase,
    }


def token_pair_json(pair: identity_pb2.TokenPair) -> dict:
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
            "token_type": pair.token_type or "Bearer", "expires_in": pair.expires_in}


def page(items: list, next_token: str) -> dict:
    return {"items": items, "next_cursor": next_token or None}


def json_response(body: dict) -> Response:
    """A read's answer already in its route's `response_model` shape (`user_json`, `page`,
    ...), sent as orjson bytes: FastAPI's validate-and-serialise pass of the model, a share
    of a hot read's CPU (a list's grows with its items), is skipped; the JSON is the same."""
    return Response(orjson.dumps(body), media_type="application/json")
