"""Customers (leads service, customers area): create with the duplicate rule, search, the
360° view, update, merge, ownership claims and their arbitration.

The leads service decides who sees what (data scope in its queries: out of scope is 404 with
the text of a missing customer) and who sees phones and ID numbers in full; the gateway
authenticates, audits (`ctx.target`), validates bodies strictly, keeps `Idempotency-Key` on
writes and forwards it, and counts every customer record it returns toward the caller's
personal-data read limit (personal_reads.py, kind `customer`).

(No `from __future__ import annotations`: FastAPI reads the annotations of the routes.)
"""
import asyncio
import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

import orjson
from contracts.leads import customers_pb2 as pb
from fastapi import APIRouter, Path, Query, Request, Response
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field

from ..auth import Authenticated
from ..context import RequestContext
from ..idempotency import fingerprint, idempotency_key
from ..leads_client import leads_of
from ..personal_reads import DataKind
from ..runtime import GatewayRuntime, forward_metadata
from ..schemas import ID_PATTERN, MultilineText, Page, StrictBody, Text, page
from .deps import (
    Auth,
    Ctx,
    Runtime,
    authenticated,
    count_personal_records,
    personal_record_reader,
)

PREFIX = "/v1/customers"
router = APIRouter(prefix=PREFIX, tags=["customers"])

_ID = Annotated[str, Field(pattern=ID_PATTERN)]
CustomerId = Annotated[str, Path(pattern=ID_PATTERN, description="Customer id")]
ClaimId = Annotated[str, Path(pattern=ID_PATTERN, description="Claim id")]
# The shape only; the service checks the real mobile ranges (a 422 `invalid-phone`).
_PHONE = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 \-]{5,22}$", description=(
    "A mainland China mobile number (national or +86); stored as E.164"))]
_ID_CARD = Annotated[str, Field(pattern=r"^[0-9]{17}[0-9Xx]$", description=(
    "An 18-character resident ID number; its GB 11643 check character is verified"))]
Stage = Literal["lead", "prospect", "enrolled", "alumni"]
Role = Literal["student", "payer", "corporate_contact", "assistant", "referrer"]
_TAG = Annotated[Text, Field(min_length=1, max_length=50)]


# --- bodies ----------------------------------------------------------------------------------

class _Profile(StrictBody):
    gender: Literal["male", "female"] | None = None
    birth_date: dt.date | None = None
    id_card: _ID_CARD | None = None
    email: Text | None = Field(default=None, max_length=254)
    company: Text | None = Field(default=None, max_length=200)
    position: Text | None = Field(default=None, max_length=100)
    industry: Text | None = Field(default=None, max_length=100)
    region: Text | None = Field(default=None, max_length=100, description=(
        "Where the customer is (a place), not the org region"))
    education: Text | None = Field(default=None, max_length=50)
    company_size: Text | None = Field(default=None, max_length=50)
    source_channel_id: _ID | None = None
    campaign_id: _ID | None = None
    tags: list[_TAG] | None = Field(default=None, max_length=20)
    roles: list[Role] | None = Field(default=None, max_length=5)


class CreateCustomerBody(_Profile):
    name: Text = Field(min_length=1, max_length=100)
    phone: _PHONE | None = Field(default=None, description="The primary mobile number")
    phones: list[_PHONE] = Field(default_factory=list, max_length=4,
                                 description="Further mobile numbers")
    on_duplicate: Literal["refuse", "claim"] = Field(default="refuse", description=(
        "`claim`: a duplicate becomes an ownership claim on the existing customer (202)"))
    channel_id: _ID | None = Field(default=None, description="The channel making the claim")


class UpdateCustomerBody(_Profile):
    name: Text | None = Field(default=None, min_length=1, max_length=100)
    phones: list[_PHONE] | None = Field(default=None, max_length=5,
                                        description="Replaces the phones; the first is primary")
    stage: Stage | None = None
    valid: bool | None = None
    invalid_reason: Text | None = Field(default=None, max_length=200)


_MERGEABLE = Literal["name", "gender", "birth_date", "id_card", "email", "company", "position",
                     "industry", "region", "education", "company_size", "source_channel_id",
                     "campaign_id", "roles", "stage", "valid", "invalid_reason"]


class MergeBody(StrictBody):
    survivor_id: _ID = Field(description="The record that stays")
    merged_id: _ID = Field(description="The record merged into the survivor (kept, marked)")
    field_sources: dict[_MERGEABLE, Literal["survivor", "merged"]] = Field(
        default_factory=dict, description="Where each field's value comes from (default: the "
        "survivor); phones and tags are united")


class ClaimBody(StrictBody):
    channel_id: _ID | None = None
    note: MultilineText = Field(default="", max_length=500)


class DecisionBody(StrictBody):
    note: MultilineText = Field(default="", max_length=500)


# --- responses -------------------------------------------------------------------------------

class PhoneOut(BaseModel):
    number: str
    primary: bool


class OwnerOut(BaseModel):
    user_id: str | None
    name: str
    department_id: str | None
    region_id: str | None
    channel_id: str | None


class CustomerOut(BaseModel):
    id: str
    name: str
    gender: str | None
    birth_date: str | None
    id_card: str | None
    phones: list[PhoneOut]
    email: str
    company: str
    position: str
    industry: str
    region: str
    education: str
    company_size: str
    source_channel_id: str | None
    campaign_id: str | None
    tags: list[str]
    roles: list[str]
    stage: str
    valid: bool
    invalid_reason: str
    owner: OwnerOut
    protected_until: dt.datetime | None
    merged_into_id: str | None
    possible_duplicate_ids: list[str]
    personal_data_masked: bool
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    version: int


class ClaimOut(BaseModel):
    id: str
    customer_id: str
    claimant: OwnerOut
    status: Literal["requested", "approved", "rejected"]
    note: str
    requested_at: dt.datetime | None
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_note: str
    protected_until: dt.datetime | None


class DuplicateClaimOut(BaseModel):
    existing_customer_id: str
    claim: ClaimOut


class OwnershipOut(BaseModel):
    owner: OwnerOut
    protected_until: dt.datetime | None
    pending_claim: ClaimOut | None


class CustomerViewOut(BaseModel):
    """The 360° view. `profile` and `ownership` are served now; the other sections are
    filled by the areas that own them (VIEW_SECTIONS) and are null until they exist."""
    id: str
    profile: CustomerOut
    ownership: OwnershipOut
    follow_ups: Any = None
    plans: Any = None
    referrals: Any = None
    campaign_history: Any = None
    enrollments: Any = None
    payments: Any = None


# --- protobuf → JSON -------------------------------------------------------------------------

def _time(message, field: str) -> str | None:
    if not message.HasField(field):
        return None
    ts: Timestamp = getattr(message, field)
    return ts.ToJsonString()  # RFC 3339 UTC ("…Z")


def owner_json(o: pb.Owner) -> dict:
    return {"user_id": o.user_id or None, "name": o.name, "department_id": o.department_id or None,
            "region_id": o.region_id or None, "channel_id": o.channel_id or None}


def customer_json(c: pb.Customer) -> dict:
    return {
        "id": c.id, "name": c.name, "gender": c.gender or None,
        "birth_date": c.birth_date or None, "id_card": c.id_card or None,
        "phones": [{"number": p.number, "primary": p.primary} for p in c.phones],
        "email": c.email, "company": c.company, "position": c.position,
        "industry": c.industry, "region": c.region, "education": c.education,
        "company_size": c.company_size, "source_channel_id": c.source_channel_id or None,
        "campaign_id": c.campaign_id or None, "tags": list(c.tags), "roles": list(c.roles),
        "stage": c.stage, "valid": c.valid, "invalid_reason": c.invalid_reason,
        "owner": owner_json(c.owner), "protected_until": _time(c, "protected_until"),
        "merged_into_id": c.merged_into_id or None,
        "possible_duplicate_ids": list(c.possible_duplicate_ids),
        "personal_data_masked": c.personal_data_masked,
        "created_at": _time(c, "created_at"), "updated_at": _time(c, "updated_at"),
        "version": c.version,
    }


def claim_json(c: pb.Claim) -> dict:
    return {"id": c.id, "customer_id": c.customer_id, "claimant": owner_json(c.claimant),
            "status": c.status, "note": c.note, "requested_at": _time(c, "requested_at"),
            "decided_at": _time(c, "decided_at"), "decided_by": c.decided_by or None,
            "decision_note": c.decision_note, "protected_until": _time(c, "protected_until")}


def _fields(body: BaseModel, values: dict) -> pb.CustomerFields:
    message = pb.CustomerFields()
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, list):
            getattr(message, name).extend(value)
        elif isinstance(value, dt.date):
            setattr(message, name, value.isoformat())
        else:
            setattr(message, name, value)
    return message


# --- the 360° view's sections ----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ViewSection:
    """One part of the 360° view served by another area: `load(request, auth, customer_id)`
    returns its JSON (called after the customer was found in the caller's scope)."""
    key: Literal["follow_ups", "plans", "referrals", "campaign_history", "enrollments",
                 "payments"]
    load: Callable[[Request, Authenticated, str], Awaitable[Any]]


# Areas append their section here (e.g. follow-ups: the latest follow-ups of the customer).
VIEW_SECTIONS: list[ViewSection] = []


# --- helpers ---------------------------------------------------------------------------------

customer_record_reader = personal_record_reader(DataKind.CUSTOMER)


def _json(body: Any) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


async def _write(request: Request, auth: Authenticated, ctx: RequestContext,
                 rt: GatewayRuntime, body: BaseModel | None, method: str, message_of,
                 to_json, *, status: int = 200, target=None, records: int = 0):
    """One idempotent write: the same key + request replays the first answer. `records`:
    customer records the answer returns (counted toward the read limit)."""
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        response = await leads_of(request).call(method, message_of(key or ""),
                                                forward_metadata(ctx, auth, key))
        if target is not None:
            ctx.target(*target(response))
        if records:
            await count_personal_records(auth, DataKind.CUSTOMER, records)
        answer = to_json(response)
        return answer if isinstance(answer, tuple) else (status, answer)

    payload = body.model_dump(mode="json") if body is not None else None
    print_ = fingerprint(request.method, request.url.path, payload)
    return await rt.idempotency.run(auth.caller.user_id, key, print_, run)


# --- routes ----------------------------------------------------------------------------------

@router.post("", name="customers.create", status_code=201, response_model=CustomerOut,
             responses={202: {"model": DuplicateClaimOut, "description": (
                 "on_duplicate=claim and the customer exists: the claim made on it")},
                        409: {"description": "A customer with this phone or ID number exists: "
                              "`existing_customer_id` names it, `owner` is masked when out "
                              "of your scope"},
                        422: {"description": "Invalid field, phone or ID card number"}})
async def create_customer(body: CreateCustomerBody, request: Request, auth: Auth, ctx: Ctx,
                          rt: Runtime):
    ctx.target("customer")
    values = body.model_dump(exclude={"phone", "phones", "on_duplicate", "channel_id"})
    phones = ([body.phone] if body.phone else []) + list(body.phones)

    def message(key: str) -> pb.CreateCustomerRequest:
        fields = _fields(body, values)
        fields.phones.extend(phones)
        return pb.CreateCustomerRequest(customer=fields, on_duplicate=body.on_duplicate,
                                        channel_id=body.channel_id or "", idempotency_key=key)

    def answer(r: pb.CreateCustomerResponse):
        if r.HasField("claim"):
            return 202, {"existing_customer_id": r.existing_customer_id,
                         "claim": claim_json(r.claim)}
        ctx.response_headers["Location"] = f"{PREFIX}/{r.customer.id}"
        return 201, customer_json(r.customer)

    def target(r: pb.CreateCustomerResponse) -> tuple[str, str]:
        return "customer", r.customer.id or r.existing_customer_id

    return await _write(request, auth, ctx, rt, body, "CreateCustomer", message, answer,
                        target=target)


@router.get("", name="customers.list", response_model=Page[CustomerOut])
async def list_customers(
    request: Request,
    q: Annotated[Text | None, Query(max_length=100, description=(
        "Words of the name or company, or a phone's last digits"))] = None,
    phone: Annotated[str | None, Query(pattern=r"^\+?[0-9][0-9 \-]{5,22}$")] = None,
    id_card: Annotated[str | None, Query(pattern=r"^[0-9]{17}[0-9Xx]$")] = None,
    owner_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    stage: Stage | None = None,
    channel_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    tag: Annotated[Text | None, Query(max_length=50)] = None,
    region: Annotated[Text | None, Query(max_length=100)] = None,
    sort: Literal["created_at", "updated_at", "name"] = "created_at",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[Text | None, Query(max_length=1024)] = None,
) -> Response:
    """Customers in the caller's data scope (newest first unless sorted by name)."""
    # A hot read (lookups by phone and ID number): no FastAPI dependency (the same function
    # the Auth dependency is, called directly) and the body sent as orjson bytes already in
    # the documented shape, without FastAPI's validate-and-serialise pass (as /v1/me).
    auth = await authenticated(request)
    ctx = auth.ctx
    ctx.target("customer")
    response = await leads_of(request).call("ListCustomers", pb.ListCustomersRequest(
        page_size=limit, page_token=cursor or "", q=q or "", phone=phone or "",
        id_card=id_card or "", owner_id=owner_id or "", stage=stage or "",
        channel_id=channel_id or "", tag=tag or "", region=region or "", sort=sort),
        forward_metadata(ctx, auth))
    await count_personal_records(auth, DataKind.CUSTOMER, len(response.customers))
    return _json(page([customer_json(c) for c in response.customers],
                      response.next_page_token))


@router.post("/merge", name="customers.merge", response_model=CustomerOut)
async def merge_customers(body: MergeBody, request: Request, auth: Auth, ctx: Ctx,
                          rt: Runtime):
    """Merge two records of one person, field by field; the merged record is kept (marked
    merged into the survivor) and its phones, claims and history move over."""
    ctx.target("customer", body.survivor_id)
    return await _write(
        request, auth, ctx, rt, body, "MergeCustomers",
        lambda key: pb.MergeCustomersRequest(survivor_id=body.survivor_id,
                                             merged_id=body.merged_id,
                                             field_sources=dict(body.field_sources),
                                             idempotency_key=key),
        lambda r: customer_json(r.customer), records=1)


@router.get("/{customer_id}", name="customers.get", response_model=CustomerViewOut)
async def get_customer(customer_id: CustomerId, request: Request) -> Response:
    """The 360° view of one customer in the caller's scope (404 otherwise)."""
    auth = await customer_record_reader(request)  # counts one record, as CustomerRecordRead
    ctx = auth.ctx
    ctx.target("customer", customer_id)
    response = await leads_of(request).call(
        "GetCustomer", pb.GetCustomerRequest(customer_id=customer_id),
        forward_metadata(ctx, auth))
    c = response.customer
    view = {"id": c.id, "profile": customer_json(c), "ownership": {
        "owner": owner_json(c.owner), "protected_until": _time(c, "protected_until"),
        "pending_claim": (claim_json(response.pending_claim)
                          if response.HasField("pending_claim") else None)},
        **{key: None for key in ("follow_ups", "plans", "referrals", "campaign_history",
                                 "enrollments", "payments")}}
    if VIEW_SECTIONS:
        loaded = await asyncio.gather(*(s.load(request, auth, c.id) for s in VIEW_SECTIONS))
        view.update({s.key: value for s, value in zip(VIEW_SECTIONS, loaded, strict=True)})
    return _json(view)


@router.patch("/{customer_id}", name="customers.update", response_model=CustomerOut)
async def update_customer(customer_id: CustomerId, body: UpdateCustomerBody, request: Request,
                          auth: Auth, ctx: Ctx, rt: Runtime):
    """Set the fields given (a null clears a text field)."""
    ctx.target("customer", customer_id)
    given = body.model_dump(exclude_unset=True)
    values = {k: ([] if k in ("phones", "tags", "roles") else
                  False if k == "valid" else "") if v is None else v for k, v in given.items()}
    return await _write(
        request, auth, ctx, rt, body, "UpdateCustomer",
        lambda key: pb.UpdateCustomerRequest(customer_id=customer_id,
                                             customer=_fields(body, values),
                                             update_fields=list(values), idempotency_key=key),
        lambda r: customer_json(r.customer), records=1)


@router.post("/{customer_id}/claims", name="customers.claims.create", status_code=201,
             response_model=ClaimOut)
async def claim_customer(customer_id: CustomerId, body: ClaimBody, request: Request,
                         auth: Auth, ctx: Ctx, rt: Runtime):
    """Claim a customer (报备): approved at once when nobody holds it under protection,
    otherwise refused or queued for a manager (the service's rules). The answer is the claim,
    never the customer's data."""
    ctx.target("customer", customer_id)
    return await _write(
        request, auth, ctx, rt, body, "ClaimCustomer",
        lambda key: pb.ClaimCustomerRequest(customer_id=customer_id,
                                            channel_id=body.channel_id or "", note=body.note,
                                            idempotency_key=key),
        lambda r: claim_json(r.claim), status=201)


@router.get("/{customer_id}/claims", name="customers.claims.list",
            response_model=Page[ClaimOut])
async def list_claims(customer_id: CustomerId, request: Request, auth: Auth,
                      status: Literal["requested", "approved", "rejected"] | None = None,
                      limit: Annotated[int, Query(ge=1, le=200)] = 50,
                      cursor: Annotated[Text | None, Query(max_length=1024)] = None) -> dict:
    ctx = auth.ctx
    ctx.target("customer", customer_id)
    response = await leads_of(request).call("ListClaims", pb.ListClaimsRequest(
        customer_id=customer_id, status=status or "", page_size=limit,
        page_token=cursor or ""), forward_metadata(ctx, auth))
    return page([claim_json(c) for c in response.claims], response.next_page_token)


async def _decide(customer_id: str, claim_id: str, approve: bool, body: DecisionBody | None,
                  request: Request, auth: Authenticated, ctx: RequestContext,
                  rt: GatewayRuntime):
    ctx.target("claim", claim_id)
    note = body.note if body else ""
    return await _write(
        request, auth, ctx, rt, body, "DecideClaim",
        lambda key: pb.DecideClaimRequest(customer_id=customer_id, claim_id=claim_id,
                                          approve=approve, note=note, idempotency_key=key),
        lambda r: claim_json(r.claim))


@router.post("/{customer_id}/claims/{claim_id}/approve", name="customers.claims.approve",
             response_model=ClaimOut)
async def approve_claim(customer_id: CustomerId, claim_id: ClaimId, request: Request,
                        auth: Auth, ctx: Ctx, rt: Runtime, body: DecisionBody | None = None):
    """A manager gives the customer to the claimant (other waiting claims are rejected)."""
    return await _decide(customer_id, claim_id, True, body, request, auth, ctx, rt)


@router.post("/{customer_id}/claims/{claim_id}/reject", name="customers.claims.reject",
             response_model=ClaimOut)
async def reject_claim(customer_id: CustomerId, claim_id: ClaimId, request: Request,
                       auth: Auth, ctx: Ctx, rt: Runtime, body: DecisionBody | None = None):
    return await _decide(customer_id, claim_id, False, body, request, auth, ctx, rt)
