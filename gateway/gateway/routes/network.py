"""Working with customers (leads service, network area): channels (the partner tree with
tiers, visits), referrals (感召: who referred whom, promises, rankings), marketing activities
(registrations, attendance, conversion, attributed revenue), service requests (首问负责制)
and surveys (answers, satisfaction figures).

The leads service decides who sees what: channels, activities and surveys by region (another
region's is 404), everything about a customer through that customer. The gateway
authenticates, audits (`ctx.target`), validates bodies strictly, keeps `Idempotency-Key` on
writes and forwards it, and counts the customer records it returns (registrations and
referrals name customers) toward the caller's personal-data read limit.

(No `from __future__ import annotations`: FastAPI reads the annotations of the routes.)
"""
import datetime as dt
from typing import Annotated, Any, Literal

from contracts.leads import network_pb2 as pb
from contracts.leads import network_pb2_grpc
from fastapi import APIRouter, Path, Query, Request, Response
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field

from ..auth import Authenticated
from ..context import RequestContext
from ..idempotency import fingerprint, idempotency_key
from ..leads_client import LEADS_STUBS, leads_of
from ..personal_reads import DataKind
from ..runtime import GatewayRuntime, forward_metadata
from ..schemas import ID_PATTERN, MultilineText, Page, StrictBody, Text, page
from .customers import VIEW_SECTIONS, ViewSection
from .deps import Auth, Ctx, Runtime, count_personal_records

LEADS_STUBS.extend([network_pb2_grpc.ChannelServiceStub, network_pb2_grpc.ReferralServiceStub,
                    network_pb2_grpc.ActivityServiceStub,
                    network_pb2_grpc.ServiceRequestServiceStub,
                    network_pb2_grpc.SurveyServiceStub])

router = APIRouter()
_CHANNELS, _REFERRALS, _ACTIVITIES = ["channels"], ["referrals"], ["marketing activities"]
_REQUESTS, _SURVEYS = ["service requests"], ["surveys"]

_ID = Annotated[str, Field(pattern=ID_PATTERN)]
Id = Annotated[str, Path(pattern=ID_PATTERN)]
_QID = Annotated[str | None, Query(pattern=ID_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[Text | None, Query(max_length=1024)]
_PHONE = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 \-]{5,22}$", description=(
    "A mainland China mobile number (national or +86); stored as E.164"))]
_TIER = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", description=(
    "hq, provincial_partner, city_partner, individual_partner, institution_partner, "
    "branch_channel, agency_channel, shareholder, or a tier an admin added"))]
ActivityKind = Literal["open_class", "demo_class", "free_trial", "edm_campaign", "sms_campaign"]
RequestKind = Literal["complaint", "suggestion", "consultation"]
Priority = Literal["low", "normal", "high", "urgent"]
RequestStatus = Literal["open", "in_progress", "resolved", "closed"]
QuestionKind = Literal["single_choice", "multiple_choice", "rating", "text"]
_FEN = Annotated[int, Field(ge=0, le=10**12, description="Integer fen (分)")]


# --- protobuf → JSON -------------------------------------------------------------------------

def _json(message: Message) -> dict[str, Any]:
    """A network message as JSON: timestamps RFC 3339 (null when unset), empty ids null,
    int64 as numbers (not strings as protobuf's JSON mapping would)."""
    out: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            out[field.name] = dict(value)
        elif field.is_repeated:
            out[field.name] = [_json(v) if isinstance(v, Message) else v for v in value]
        elif field.message_type is Timestamp.DESCRIPTOR:
            out[field.name] = (value.ToDatetime(tzinfo=dt.UTC).isoformat().replace(
                "+00:00", "Z") if message.HasField(field.name) else None)
        elif field.message_type is not None:
            out[field.name] = _json(value) if message.HasField(field.name) else None
        elif field.name.endswith("_id") and value == "":
            out[field.name] = None
        else:
            out[field.name] = value
    return out


def _ts(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(dt.UTC))
    return ts


async def _write(request: Request, auth: Authenticated, ctx: RequestContext,
                 rt: GatewayRuntime, body: BaseModel | None, method: str, message_of,
                 to_json, *, status: int = 200, records=None):
    """One idempotent write: the same key + request replays the first answer. `records`:
    how many customer records the answer names (counted toward the read limit)."""
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        response = await leads_of(request).call(method, message_of(key or ""),
                                                forward_metadata(ctx, auth, key))
        if records is not None:
            await count_personal_records(auth, DataKind.CUSTOMER, records(response))
        return status, to_json(response)

    payload = body.model_dump(mode="json") if body is not None else None
    print_ = fingerprint(request.method, request.url.path, payload)
    return await rt.idempotency.run(auth.caller.user_id, key, print_, run)


async def _read(request: Request, auth: Authenticated, method: str, message: Message):
    return await leads_of(request).call(method, message, forward_metadata(auth.ctx, auth))


# === channels ================================================================================

class TierOut(BaseModel):
    code: str
    name: str
    builtin: bool
    position: int


class TierBody(StrictBody):
    code: _TIER
    name: Text = Field(min_length=1, max_length=100)
    position: int = Field(default=100, ge=0, le=10_000)


class _ChannelFields(StrictBody):
    parent_id: _ID | None = None
    region_id: _ID | None = None
    department_id: _ID | None = None
    owner_id: _ID | None = Field(default=None, description="The staff member managing it")
    owner_name: Text | None = Field(default=None, max_length=100)
    contact_name: Text | None = Field(default=None, max_length=100)
    contact_phone: _PHONE | None = None
    contact_email: Text | None = Field(default=None, max_length=254)
    address: Text | None = Field(default=None, max_length=200)
    notes: MultilineText | None = Field(default=None, max_length=1000)


class CreateChannelBody(_ChannelFields):
    name: Text = Field(min_length=1, max_length=100)
    tier: _TIER
    active: bool = True


class UpdateChannelBody(_ChannelFields):
    name: Text | None = Field(default=None, min_length=1, max_length=100)
    tier: _TIER | None = None
    active: bool | None = None


class ChannelOut(BaseModel):
    id: str
    name: str
    tier: str
    parent_id: str | None
    region_id: str | None
    department_id: str | None
    owner_id: str | None
    owner_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    address: str
    notes: str
    active: bool
    customers_count: int = Field(description="Customers whose source channel this is")
    attributed_revenue_fen: int
    personal_data_masked: bool
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    version: int


class ChannelNodeOut(BaseModel):
    channel: ChannelOut
    depth: int


class ChannelTreeOut(BaseModel):
    nodes: list[ChannelNodeOut] = Field(description="Depth first; a channel whose parent "
                                        "you cannot see is a root (depth 0)")
    truncated: bool


class VisitBody(StrictBody):
    visited_at: dt.datetime | None = Field(default=None, description="Default: now")
    notes: MultilineText = Field(default="", max_length=2000)


class VisitOut(BaseModel):
    id: str
    channel_id: str
    visitor_id: str
    visitor_name: str
    visited_at: dt.datetime | None
    notes: str
    created_at: dt.datetime | None


@router.get("/v1/channels/tiers", name="channels.tiers.list", tags=_CHANNELS,
            response_model=list[TierOut])
async def list_channel_tiers(request: Request, auth: Auth) -> list:
    auth.ctx.target("channel_tier")
    response = await _read(request, auth, "ListChannelTiers", pb.ListChannelTiersRequest())
    return [_json(t) for t in response.tiers]


@router.post("/v1/channels/tiers", name="channels.tiers.create", tags=_CHANNELS,
             status_code=201, response_model=TierOut)
async def create_channel_tier(body: TierBody, request: Request, auth: Auth, ctx: Ctx,
                              rt: Runtime):
    """An admin-defined tier beside the built-in ones (admin, general manager)."""
    ctx.target("channel_tier", body.code)
    return await _write(request, auth, ctx, rt, body, "CreateChannelTier",
                        lambda key: pb.CreateChannelTierRequest(
                            code=body.code, name=body.name, position=body.position,
                            idempotency_key=key),
                        lambda r: _json(r.tier), status=201)


def _channel_fields(values: dict) -> pb.ChannelFields:
    fields = pb.ChannelFields()
    for name, value in values.items():
        if name == "active":
            fields.active = bool(value)
            fields.inactive = not value
        else:
            setattr(fields, name, value if value is not None else "")
    return fields


@router.post("/v1/channels", name="channels.create", tags=_CHANNELS, status_code=201,
             response_model=ChannelOut)
async def create_channel(body: CreateChannelBody, request: Request, auth: Auth, ctx: Ctx,
                         rt: Runtime):
    """A channel in the tree; its region, department and manager default to yours."""
    ctx.target("channel")

    def answer(r: pb.CreateChannelResponse) -> dict:
        ctx.target("channel", r.channel.id)
        ctx.response_headers["Location"] = f"/v1/channels/{r.channel.id}"
        return _json(r.channel)

    return await _write(request, auth, ctx, rt, body, "CreateChannel",
                        lambda key: pb.CreateChannelRequest(
                            channel=_channel_fields(body.model_dump()), idempotency_key=key),
                        answer, status=201)


@router.get("/v1/channels", name="channels.list", tags=_CHANNELS,
            response_model=Page[ChannelOut])
async def list_channels(request: Request, auth: Auth, tier: Annotated[
        str | None, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")] = None,
        parent_id: _QID = None, roots_only: bool = False, active: bool | None = None,
        region_id: _QID = None, q: Annotated[Text | None, Query(max_length=100)] = None,
        limit: Limit = 50, cursor: Cursor = None) -> dict:
    """Channels of your region (or wider scope), oldest first; by tier, parent, name."""
    auth.ctx.target("channel")
    response = await _read(request, auth, "ListChannels", pb.ListChannelsRequest(
        tier=tier or "", parent_id=parent_id or "", roots_only=roots_only,
        active="" if active is None else str(active).lower(), region_id=region_id or "",
        q=q or "", page_size=limit, page_token=cursor or ""))
    return page([_json(c) for c in response.channels], response.next_page_token)


@router.get("/v1/channels/tree", name="channels.tree", tags=_CHANNELS,
            response_model=ChannelTreeOut)
async def channel_tree(request: Request, auth: Auth, root_id: _QID = None, tier: Annotated[
        str | None, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")] = None,
        include_inactive: bool = False) -> dict:
    """The channel tree you see, depth first (or the subtree under `root_id`)."""
    auth.ctx.target("channel", root_id)
    response = await _read(request, auth, "GetChannelTree", pb.GetChannelTreeRequest(
        root_id=root_id or "", tier=tier or "", include_inactive=include_inactive))
    return _json(response)


@router.get("/v1/channels/{channel_id}", name="channels.get", tags=_CHANNELS,
            response_model=ChannelOut)
async def get_channel(channel_id: Id, request: Request, auth: Auth) -> dict:
    auth.ctx.target("channel", channel_id)
    response = await _read(request, auth, "GetChannel", pb.GetChannelRequest(
        channel_id=channel_id))
    return _json(response.channel)


@router.patch("/v1/channels/{channel_id}", name="channels.update", tags=_CHANNELS,
              response_model=ChannelOut)
async def update_channel(channel_id: Id, body: UpdateChannelBody, request: Request,
                         auth: Auth, ctx: Ctx, rt: Runtime):
    """Set the fields given (a null clears a text field); moving a channel under one of its
    own descendants is refused (422 invalid-parent-id)."""
    ctx.target("channel", channel_id)
    given = body.model_dump(exclude_unset=True)
    return await _write(request, auth, ctx, rt, body, "UpdateChannel",
                        lambda key: pb.UpdateChannelRequest(
                            channel_id=channel_id, channel=_channel_fields(given),
                            update_fields=list(given), idempotency_key=key),
                        lambda r: _json(r.channel))


@router.delete("/v1/channels/{channel_id}", name="channels.delete", tags=_CHANNELS,
               status_code=204, response_class=Response)
async def delete_channel(channel_id: Id, request: Request, auth: Auth, ctx: Ctx,
                         rt: Runtime) -> Response:
    """Remove a channel entered by mistake; one with sub-channels, customers, visits or
    revenue is refused (409 channel-in-use): deactivate it instead."""
    ctx.target("channel", channel_id)
    await _write(request, auth, ctx, rt, None, "DeleteChannel",
                 lambda key: pb.DeleteChannelRequest(channel_id=channel_id,
                                                     idempotency_key=key),
                 lambda r: {})
    return Response(status_code=204)


@router.post("/v1/channels/{channel_id}/visits", name="channels.visits.create",
             tags=_CHANNELS, status_code=201, response_model=VisitOut)
async def record_channel_visit(channel_id: Id, body: VisitBody, request: Request, auth: Auth,
                               ctx: Ctx, rt: Runtime):
    """A visit to (or meeting with) the channel, by you."""
    ctx.target("channel", channel_id)
    return await _write(request, auth, ctx, rt, body, "RecordChannelVisit",
                        lambda key: pb.RecordChannelVisitRequest(
                            channel_id=channel_id, visited_at=_ts(body.visited_at),
                            notes=body.notes, idempotency_key=key),
                        lambda r: _json(r.visit), status=201)


@router.get("/v1/channels/{channel_id}/visits", name="channels.visits.list", tags=_CHANNELS,
            response_model=Page[VisitOut])
async def list_channel_visits(channel_id: Id, request: Request, auth: Auth,
                              limit: Limit = 50, cursor: Cursor = None) -> dict:
    auth.ctx.target("channel", channel_id)
    response = await _read(request, auth, "ListChannelVisits", pb.ListChannelVisitsRequest(
        channel_id=channel_id, page_size=limit, page_token=cursor or ""))
    return page([_json(v) for v in response.visits], response.next_page_token)


# === referrals ===============================================================================

class ReferralBody(StrictBody):
    referrer_id: _ID = Field(description="The customer who referred")
    referred_id: _ID = Field(description="The customer referred (referred once)")
    note: MultilineText = Field(default="", max_length=500)


class ReferralOut(BaseModel):
    id: str
    referrer_id: str
    referrer_name: str
    referred_id: str
    referred_name: str
    referred_stage: str = Field(description="How the referred customer progresses")
    note: str
    created_by: str
    created_at: dt.datetime | None


class PromiseBody(StrictBody):
    referrer_id: _ID
    period: Annotated[str, Field(pattern=r"^(all|\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?)$",
                                 description="all, YYYY, YYYY-Qn or YYYY-MM")]
    promised: int = Field(ge=0, le=100_000)


class RankingOut(BaseModel):
    rank: int
    referrer_id: str
    referrer_name: str
    promised: int
    actual: int
    stages: dict[str, int] = Field(description="Referred customers by lifecycle stage")
    converted: int = Field(description="Referred customers enrolled or alumni")


class RankingsOut(BaseModel):
    period: str
    referrers: list[RankingOut]


def _named_customers(referrals) -> int:
    return len({r.referrer_id for r in referrals} | {r.referred_id for r in referrals})


@router.post("/v1/referrals", name="referrals.create", tags=_REFERRALS, status_code=201,
             response_model=ReferralOut)
async def create_referral(body: ReferralBody, request: Request, auth: Auth, ctx: Ctx,
                          rt: Runtime):
    """Record who referred whom: a customer is referred once (409 referral-exists), nobody
    refers themselves (422), and no cycle (409 referral-cycle). You must see both."""
    ctx.target("customer", body.referred_id)
    return await _write(request, auth, ctx, rt, body, "CreateReferral",
                        lambda key: pb.CreateReferralRequest(
                            referrer_id=body.referrer_id, referred_id=body.referred_id,
                            note=body.note, idempotency_key=key),
                        lambda r: _json(r.referral), status=201, records=lambda r: 2)


@router.get("/v1/referrals", name="referrals.list", tags=_REFERRALS,
            response_model=Page[ReferralOut])
async def list_referrals(request: Request, auth: Auth, referrer_id: _QID = None,
                         referred_id: _QID = None, limit: Limit = 50,
                         cursor: Cursor = None) -> dict:
    """Referrals of the customers you see (newest first)."""
    auth.ctx.target("customer", referrer_id or referred_id)
    response = await _read(request, auth, "ListReferrals", pb.ListReferralsRequest(
        referrer_id=referrer_id or "", referred_id=referred_id or "", page_size=limit,
        page_token=cursor or ""))
    await count_personal_records(auth, DataKind.CUSTOMER, _named_customers(response.referrals))
    return page([_json(r) for r in response.referrals], response.next_page_token)


@router.post("/v1/referrals/promises", name="referrals.promises.set", tags=_REFERRALS,
             response_model=RankingOut)
async def set_referral_promise(body: PromiseBody, request: Request, auth: Auth, ctx: Ctx,
                               rt: Runtime):
    """How many referrals a referrer promised for a period; answers promised versus actual."""
    ctx.target("customer", body.referrer_id)
    return await _write(request, auth, ctx, rt, body, "SetReferralPromise",
                        lambda key: pb.SetReferralPromiseRequest(
                            referrer_id=body.referrer_id, period=body.period,
                            promised=body.promised, idempotency_key=key),
                        lambda r: _json(r.referrer), records=lambda r: 1)


@router.get("/v1/referrals/rankings", name="referrals.rankings", tags=_REFERRALS,
            response_model=RankingsOut)
async def referral_rankings(request: Request, auth: Auth, period: Annotated[
        str, Query(pattern=r"^(all|\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?)$",
                   description="all, YYYY, YYYY-Qn or YYYY-MM")] = "all",
        limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict:
    """Referrers you see, by referrals recorded in the period; promised versus actual and
    how their referred customers progress."""
    auth.ctx.target("customer")
    response = await _read(request, auth, "GetReferralRankings", pb.GetReferralRankingsRequest(
        period=period, limit=limit))
    await count_personal_records(auth, DataKind.CUSTOMER, len(response.referrers))
    return _json(response)


# === marketing activities ====================================================================

class _ActivityFields(StrictBody):
    description: MultilineText | None = Field(default=None, max_length=2000)
    campus_id: _ID | None = None
    region_id: _ID | None = None
    department_id: _ID | None = None
    owner_id: _ID | None = None
    owner_name: Text | None = Field(default=None, max_length=100)
    budget_fen: _FEN | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000_000, description="0: no limit")


class CreateActivityBody(_ActivityFields):
    kind: ActivityKind
    name: Text = Field(min_length=1, max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime


class UpdateActivityBody(_ActivityFields):
    kind: ActivityKind | None = None
    name: Text | None = Field(default=None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    cancelled: bool | None = None


class ActivityOut(BaseModel):
    id: str
    kind: str
    name: str
    description: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    campus_id: str | None
    region_id: str | None
    department_id: str | None
    owner_id: str | None
    owner_name: str
    budget_fen: int
    capacity: int
    cancelled: bool
    created_by: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    version: int


class RegistrationBody(StrictBody):
    customer_id: _ID


class AttendanceBody(StrictBody):
    attended: bool = True


class RegistrationOut(BaseModel):
    id: str
    activity_id: str
    customer_id: str
    customer_name: str
    customer_stage: str
    registered_by: str
    registered_at: dt.datetime | None
    attended: bool
    attended_at: dt.datetime | None
    activity_name: str
    activity_kind: str
    activity_starts_at: dt.datetime | None


class ActivityStatisticsOut(BaseModel):
    activity_id: str
    registered: int
    attended: int
    enrolled: int = Field(description="Attended customers now enrolled (or alumni)")
    attendance_rate: float
    enrollment_rate: float
    budget_fen: int
    attributed_revenue_fen: int = Field(description="From finance's payments")
    attributed_payments: int
    cost_per_attendee_fen: int


def _activity_fields(values: dict) -> pb.ActivityFields:
    fields = pb.ActivityFields()
    for name, value in values.items():
        if name in ("starts_at", "ends_at"):
            if value is not None:
                getattr(fields, name).CopyFrom(_ts(value))
        elif name in ("budget_fen", "capacity"):
            setattr(fields, name, value or 0)
        elif name == "cancelled":
            fields.cancelled = bool(value)
        else:
            setattr(fields, name, value if value is not None else "")
    return fields


@router.post("/v1/activities", name="activities.create", tags=_ACTIVITIES, status_code=201,
             response_model=ActivityOut)
async def create_activity(body: CreateActivityBody, request: Request, auth: Auth, ctx: Ctx,
                          rt: Runtime):
    """An open class, demo class, free trial, EDM or SMS campaign (budget in integer fen)."""
    ctx.target("activity")

    def answer(r: pb.CreateActivityResponse) -> dict:
        ctx.target("activity", r.activity.id)
        ctx.response_headers["Location"] = f"/v1/activities/{r.activity.id}"
        return _json(r.activity)

    return await _write(request, auth, ctx, rt, body, "CreateActivity",
                        lambda key: pb.CreateActivityRequest(
                            activity=_activity_fields(body.model_dump()), idempotency_key=key),
                        answer, status=201)


@router.get("/v1/activities", name="activities.list", tags=_ACTIVITIES,
            response_model=Page[ActivityOut])
async def list_activities(request: Request, auth: Auth, kind: ActivityKind | None = None,
                          campus_id: _QID = None, starts_from: dt.datetime | None = None,
                          starts_before: dt.datetime | None = None, limit: Limit = 50,
                          cursor: Cursor = None) -> dict:
    """Activities of your region (or wider scope), latest start first."""
    auth.ctx.target("activity")
    response = await _read(request, auth, "ListActivities", pb.ListActivitiesRequest(
        kind=kind or "", campus_id=campus_id or "", starts_from=_ts(starts_from),
        starts_before=_ts(starts_before), page_size=limit, page_token=cursor or ""))
    return page([_json(a) for a in response.activities], response.next_page_token)


@router.get("/v1/activities/{activity_id}", name="activities.get", tags=_ACTIVITIES,
            response_model=ActivityOut)
async def get_activity(activity_id: Id, request: Request, auth: Auth) -> dict:
    auth.ctx.target("activity", activity_id)
    response = await _read(request, auth, "GetActivity", pb.GetActivityRequest(
        activity_id=activity_id))
    return _json(response.activity)


@router.patch("/v1/activities/{activity_id}", name="activities.update", tags=_ACTIVITIES,
              response_model=ActivityOut)
async def update_activity(activity_id: Id, body: UpdateActivityBody, request: Request,
                          auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("activity", activity_id)
    given = body.model_dump(exclude_unset=True)
    return await _write(request, auth, ctx, rt, body, "UpdateActivity",
                        lambda key: pb.UpdateActivityRequest(
                            activity_id=activity_id, activity=_activity_fields(given),
                            update_fields=list(given), idempotency_key=key),
                        lambda r: _json(r.activity))


@router.delete("/v1/activities/{activity_id}", name="activities.delete", tags=_ACTIVITIES,
               status_code=204, response_class=Response)
async def delete_activity(activity_id: Id, request: Request, auth: Auth, ctx: Ctx,
                          rt: Runtime) -> Response:
    """Remove an activity entered by mistake; one with registrations or customers it
    brought is refused (409 activity-in-use): cancel it instead."""
    ctx.target("activity", activity_id)
    await _write(request, auth, ctx, rt, None, "DeleteActivity",
                 lambda key: pb.DeleteActivityRequest(activity_id=activity_id,
                                                      idempotency_key=key),
                 lambda r: {})
    return Response(status_code=204)


@router.post("/v1/activities/{activity_id}/registrations", name="activities.registrations.create",
             tags=_ACTIVITIES, status_code=201, response_model=RegistrationOut)
async def register_for_activity(activity_id: Id, body: RegistrationBody, request: Request,
                                auth: Auth, ctx: Ctx, rt: Runtime):
    """Register a customer you see (once; 409 when full or already registered)."""
    ctx.target("activity", activity_id)
    return await _write(request, auth, ctx, rt, body, "RegisterForActivity",
                        lambda key: pb.RegisterForActivityRequest(
                            activity_id=activity_id, customer_id=body.customer_id,
                            idempotency_key=key),
                        lambda r: _json(r.registration), status=201, records=lambda r: 1)


@router.get("/v1/activities/{activity_id}/registrations", name="activities.registrations.list",
            tags=_ACTIVITIES, response_model=Page[RegistrationOut])
async def list_registrations(activity_id: Id, request: Request, auth: Auth,
                             attended: bool | None = None, limit: Limit = 50,
                             cursor: Cursor = None) -> dict:
    """The registrations of the customers you see."""
    auth.ctx.target("activity", activity_id)
    response = await _read(request, auth, "ListActivityRegistrations",
                           pb.ListActivityRegistrationsRequest(
                               activity_id=activity_id,
                               attended="" if attended is None else str(attended).lower(),
                               page_size=limit, page_token=cursor or ""))
    await count_personal_records(auth, DataKind.CUSTOMER, len(response.registrations))
    return page([_json(r) for r in response.registrations], response.next_page_token)


@router.post("/v1/activities/{activity_id}/registrations/{customer_id}/attendance",
             name="activities.attendance.mark", tags=_ACTIVITIES,
             response_model=RegistrationOut)
async def mark_attendance(activity_id: Id, customer_id: Id, request: Request, auth: Auth,
                          ctx: Ctx, rt: Runtime, body: AttendanceBody | None = None):
    """Mark a registered customer as attended (`attended: false` takes it back)."""
    ctx.target("activity", activity_id)
    attended = body.attended if body is not None else True
    return await _write(request, auth, ctx, rt, body, "MarkAttendance",
                        lambda key: pb.MarkAttendanceRequest(
                            activity_id=activity_id, customer_id=customer_id,
                            attended=attended, idempotency_key=key),
                        lambda r: _json(r.registration), records=lambda r: 1)


@router.get("/v1/activities/{activity_id}/statistics", name="activities.statistics",
            tags=_ACTIVITIES, response_model=ActivityStatisticsOut)
async def activity_statistics(activity_id: Id, request: Request, auth: Auth) -> dict:
    """Registered → attended → enrolled, and the revenue attributed to the activity."""
    auth.ctx.target("activity", activity_id)
    response = await _read(request, auth, "GetActivityStatistics",
                           pb.GetActivityStatisticsRequest(activity_id=activity_id))
    return _json(response.statistics)


# === service requests ========================================================================

class ServiceRequestBody(StrictBody):
    customer_id: _ID
    kind: RequestKind
    priority: Priority = "normal"
    subject: Text = Field(min_length=1, max_length=200)
    description: MultilineText = Field(default="", max_length=4000)


class ActionBody(StrictBody):
    note: MultilineText = Field(default="", max_length=4000, description=(
        "resolve: the resolution (required); other actions: a remark"))
    transfer_to_user_id: _ID | None = Field(default=None, description="transfer: the new owner")
    transfer_to_name: Text | None = Field(default=None, max_length=100)


class StaffRefOut(BaseModel):
    user_id: str | None
    name: str
    department_id: str | None
    region_id: str | None


class ServiceRequestOut(BaseModel):
    id: str
    customer_id: str
    kind: RequestKind
    priority: Priority
    subject: str
    description: str
    status: RequestStatus
    owner: StaffRefOut = Field(description="The first responder (or whom it was transferred to)")
    recorded_by: str
    due_at: dt.datetime | None
    overdue: bool
    resolution: str
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    reopened_count: int
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    version: int


@router.post("/v1/service-requests", name="service_requests.create", tags=_REQUESTS,
             status_code=201, response_model=ServiceRequestOut)
async def create_service_request(body: ServiceRequestBody, request: Request, auth: Auth,
                                 ctx: Ctx, rt: Runtime):
    """A complaint, suggestion or consultation of a customer you see. You own it (首问负责制)
    until it is resolved or transferred; it is due by its kind and priority."""
    ctx.target("service_request")

    def answer(r: pb.CreateServiceRequestResponse) -> dict:
        ctx.target("service_request", r.request.id)
        ctx.response_headers["Location"] = f"/v1/service-requests/{r.request.id}"
        return _json(r.request)

    return await _write(request, auth, ctx, rt, body, "CreateServiceRequest",
                        lambda key: pb.CreateServiceRequestRequest(
                            customer_id=body.customer_id, kind=body.kind,
                            priority=body.priority, subject=body.subject,
                            description=body.description, idempotency_key=key),
                        answer, status=201)


@router.get("/v1/service-requests", name="service_requests.list", tags=_REQUESTS,
            response_model=Page[ServiceRequestOut])
async def list_service_requests(request: Request, auth: Auth, customer_id: _QID = None,
                                status: RequestStatus | None = None,
                                kind: RequestKind | None = None, owner_id: _QID = None,
                                overdue: bool = False, limit: Limit = 50,
                                cursor: Cursor = None) -> dict:
    """Requests of the customers you see, and those you own (newest first)."""
    auth.ctx.target("service_request")
    response = await _read(request, auth, "ListServiceRequests", pb.ListServiceRequestsRequest(
        customer_id=customer_id or "", status=status or "", kind=kind or "",
        owner_id=owner_id or "", overdue_only=overdue, page_size=limit,
        page_token=cursor or ""))
    return page([_json(r) for r in response.requests], response.next_page_token)


@router.get("/v1/service-requests/{request_id}", name="service_requests.get", tags=_REQUESTS,
            response_model=ServiceRequestOut)
async def get_service_request(request_id: Id, request: Request, auth: Auth) -> dict:
    auth.ctx.target("service_request", request_id)
    response = await _read(request, auth, "GetServiceRequest", pb.GetServiceRequestRequest(
        request_id=request_id))
    return _json(response.request)


@router.post("/v1/service-requests/{request_id}/{action}", name="service_requests.act",
             tags=_REQUESTS, response_model=ServiceRequestOut)
async def act_on_service_request(
        request_id: Id, action: Literal["start", "resolve", "close", "reopen", "transfer"],
        request: Request, auth: Auth, ctx: Ctx, rt: Runtime, body: ActionBody | None = None):
    """open → in_progress (start) → resolved (resolve, with the resolution) → closed (close);
    reopen a resolved or closed one; transfer to a named user. The owner works it; a
    supervisor may transfer and close; 409 service-request-bad-status out of order."""
    ctx.target("service_request", request_id)
    body_ = body or ActionBody()
    return await _write(request, auth, ctx, rt, body, "ActOnServiceRequest",
                        lambda key: pb.ActOnServiceRequestRequest(
                            request_id=request_id, action=action, note=body_.note,
                            transfer_to_user_id=body_.transfer_to_user_id or "",
                            transfer_to_name=body_.transfer_to_name or "",
                            idempotency_key=key),
                        lambda r: _json(r.request))


# === surveys =================================================================================

class QuestionBody(StrictBody):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")] | None = Field(
        default=None, description="Default q1, q2, ... by position")
    kind: QuestionKind
    text: Text = Field(min_length=1, max_length=500)
    options: list[Annotated[Text, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=20, description="The choices (choice questions)")
    required: bool = False


class SurveyBody(StrictBody):
    title: Text = Field(min_length=1, max_length=200)
    description: MultilineText = Field(default="", max_length=2000)
    questions: list[QuestionBody] = Field(min_length=1, max_length=100)
    region_id: _ID | None = None
    department_id: _ID | None = None


class QuestionOut(BaseModel):
    id: str
    kind: QuestionKind
    text: str
    options: list[str]
    required: bool


class SurveyOut(BaseModel):
    id: str
    title: str
    description: str
    questions: list[QuestionOut]
    region_id: str | None
    department_id: str | None
    owner_id: str | None
    active: bool
    created_by: str
    created_at: dt.datetime | None


class AnswerBody(StrictBody):
    question_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
    choices: list[Annotated[Text, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=20)
    rating: int = Field(default=0, ge=0, le=5, description="1-5 for a rating question")
    text: MultilineText = Field(default="", max_length=2000)


class AnswersBody(StrictBody):
    customer_id: _ID
    source: Literal["staff", "customer"] = Field(default="staff", description=(
        "staff: recorded by you; customer: submitted by the customer (e.g. at a desk)"))
    answers: list[AnswerBody] = Field(max_length=100)


class AnswerOut(BaseModel):
    question_id: str
    choices: list[str]
    rating: int
    text: str


class SurveyResponseOut(BaseModel):
    id: str
    survey_id: str
    customer_id: str
    source: Literal["staff", "customer"]
    recorded_by: str
    answers: list[AnswerOut]
    submitted_at: dt.datetime | None


class QuestionStatisticsOut(BaseModel):
    question_id: str
    kind: QuestionKind
    answered: int
    average_rating: float
    counts: dict[str, int] = Field(description='rating: "1".."5"; choices: per option')


class SurveyStatisticsOut(BaseModel):
    survey_id: str
    responses: int
    average_rating: float = Field(description="Over every rating answer (0 when none)")
    satisfied_share: float = Field(description="Rating answers of 4 or 5 / rating answers")
    rating_distribution: dict[str, int]
    questions: list[QuestionStatisticsOut]


@router.post("/v1/surveys", name="surveys.create", tags=_SURVEYS, status_code=201,
             response_model=SurveyOut)
async def create_survey(body: SurveyBody, request: Request, auth: Auth, ctx: Ctx,
                        rt: Runtime):
    ctx.target("survey")

    def answer(r: pb.CreateSurveyResponse) -> dict:
        ctx.target("survey", r.survey.id)
        ctx.response_headers["Location"] = f"/v1/surveys/{r.survey.id}"
        return _json(r.survey)

    return await _write(request, auth, ctx, rt, body, "CreateSurvey",
                        lambda key: pb.CreateSurveyRequest(
                            title=body.title, description=body.description,
                            questions=[pb.Question(id=q.id or "", kind=q.kind, text=q.text,
                                                   options=q.options, required=q.required)
                                       for q in body.questions],
                            region_id=body.region_id or "",
                            department_id=body.department_id or "", idempotency_key=key),
                        answer, status=201)


@router.get("/v1/surveys", name="surveys.list", tags=_SURVEYS, response_model=Page[SurveyOut])
async def list_surveys(request: Request, auth: Auth, limit: Limit = 50,
                       cursor: Cursor = None) -> dict:
    auth.ctx.target("survey")
    response = await _read(request, auth, "ListSurveys", pb.ListSurveysRequest(
        page_size=limit, page_token=cursor or ""))
    return page([_json(s) for s in response.surveys], response.next_page_token)


@router.get("/v1/surveys/{survey_id}", name="surveys.get", tags=_SURVEYS,
            response_model=SurveyOut)
async def get_survey(survey_id: Id, request: Request, auth: Auth) -> dict:
    auth.ctx.target("survey", survey_id)
    response = await _read(request, auth, "GetSurvey", pb.GetSurveyRequest(survey_id=survey_id))
    return _json(response.survey)


@router.post("/v1/surveys/{survey_id}/answers", name="surveys.answers.create", tags=_SURVEYS,
             status_code=201, response_model=SurveyResponseOut)
async def submit_survey_answers(survey_id: Id, body: AnswersBody, request: Request,
                                auth: Auth, ctx: Ctx, rt: Runtime):
    """One customer's answers (once per customer and survey)."""
    ctx.target("survey", survey_id)
    return await _write(request, auth, ctx, rt, body, "SubmitSurveyAnswers",
                        lambda key: pb.SubmitSurveyAnswersRequest(
                            survey_id=survey_id, customer_id=body.customer_id,
                            source=body.source,
                            answers=[pb.Answer(question_id=a.question_id, choices=a.choices,
                                               rating=a.rating, text=a.text)
                                     for a in body.answers], idempotency_key=key),
                        lambda r: _json(r.response), status=201)


@router.get("/v1/surveys/{survey_id}/answers", name="surveys.answers.list", tags=_SURVEYS,
            response_model=Page[SurveyResponseOut])
async def list_survey_answers(survey_id: Id, request: Request, auth: Auth, limit: Limit = 50,
                              cursor: Cursor = None) -> dict:
    """Answers of the customers you see (newest first)."""
    auth.ctx.target("survey", survey_id)
    response = await _read(request, auth, "ListSurveyAnswers", pb.ListSurveyAnswersRequest(
        survey_id=survey_id, page_size=limit, page_token=cursor or ""))
    return page([_json(r) for r in response.responses], response.next_page_token)


@router.get("/v1/surveys/{survey_id}/statistics", name="surveys.statistics", tags=_SURVEYS,
            response_model=SurveyStatisticsOut)
async def survey_statistics(survey_id: Id, request: Request, auth: Auth) -> dict:
    """Satisfaction figures over every answer: average rating, distribution, responses."""
    auth.ctx.target("survey", survey_id)
    response = await _read(request, auth, "GetSurveyStatistics",
                           pb.GetSurveyStatisticsRequest(survey_id=survey_id))
    return _json(response.statistics)


# (after /answers: a route's path matches any last segment, so it comes last)
@router.post("/v1/surveys/{survey_id}/{state}", name="surveys.set_active", tags=_SURVEYS,
             response_model=SurveyOut)
async def set_survey_active(survey_id: Id, state: Literal["close", "open"], request: Request,
                            auth: Auth, ctx: Ctx, rt: Runtime):
    """Close a survey to answers (409 survey-closed afterwards) or open it again."""
    ctx.target("survey", survey_id)
    return await _write(request, auth, ctx, rt, None, "SetSurveyActive",
                        lambda key: pb.SetSurveyActiveRequest(
                            survey_id=survey_id, active=state == "open", idempotency_key=key),
                        lambda r: _json(r.survey))


# === the customer's 360° view: referrals and campaign history ================================

VIEW_ITEMS = 20   # the newest of each; the lists above page through all


async def referrals_section(request: Request, auth: Authenticated, customer_id: str) -> dict:
    """Who referred the customer, and the (newest) customers they referred."""
    client, metadata = leads_of(request), forward_metadata(auth.ctx, auth)
    by = await client.call("ListReferrals", pb.ListReferralsRequest(
        referred_id=customer_id, page_size=1), metadata)
    made = await client.call("ListReferrals", pb.ListReferralsRequest(
        referrer_id=customer_id, page_size=VIEW_ITEMS), metadata)
    rows = [*by.referrals, *made.referrals]
    await count_personal_records(auth, DataKind.CUSTOMER, _named_customers(rows) - 1 if rows
                                 else 0)
    return {"referred_by": _json(by.referrals[0]) if by.referrals else None,
            "referred": [_json(r) for r in made.referrals],
            "more_referred": bool(made.next_page_token)}


async def campaign_history_section(request: Request, auth: Authenticated,
                                   customer_id: str) -> dict:
    """The activities the customer registered for (newest first), attended or not."""
    response = await leads_of(request).call(
        "ListActivityRegistrations", pb.ListActivityRegistrationsRequest(
            customer_id=customer_id, page_size=VIEW_ITEMS),
        forward_metadata(auth.ctx, auth))
    return {"registrations": [_json(r) for r in response.registrations],
            "more": bool(response.next_page_token)}


VIEW_SECTIONS.extend([ViewSection("referrals", referrals_section),
                      ViewSection("campaign_history", campaign_history_section)])


@router.get("/v1/customers/{customer_id}/activities", name="customers.activities.list",
            tags=_ACTIVITIES, response_model=Page[RegistrationOut])
async def list_customer_activities(customer_id: Id, request: Request, auth: Auth,
                                   attended: bool | None = None, limit: Limit = 50,
                                   cursor: Cursor = None) -> dict:
    """A customer's registrations across activities (their campaign history)."""
    auth.ctx.target("customer", customer_id)
    response = await _read(request, auth, "ListActivityRegistrations",
                           pb.ListActivityRegistrationsRequest(
                               customer_id=customer_id,
                               attended="" if attended is None else str(attended).lower(),
                               page_size=limit, page_token=cursor or ""))
    await count_personal_records(auth, DataKind.CUSTOMER, 1 if response.registrations else 0)
    return page([_json(r) for r in response.registrations], response.next_page_token)
