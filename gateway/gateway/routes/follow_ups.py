"""Follow-ups (leads service, follow-ups area): a customer's contact history, follow-up
plans shared by everyone working the customer (merge, delegate, complete, cancel), the
caller's to-do list, and plan-versus-result statistics per person and day.

The leads service decides who sees what (the customer's data scope, or the plan owner's:
out of scope is 404 with the text of a missing one); the gateway authenticates, audits
(`ctx.target`), validates bodies strictly, keeps `Idempotency-Key` on writes and forwards it.
Nothing here returns a customer's record (only customer ids), so no personal-data read is
counted.

(No `from __future__ import annotations`: FastAPI reads the annotations of the routes.)
"""
import datetime as dt
from typing import Annotated, Any, Literal

from contracts.leads import follow_ups_pb2 as pb
from contracts.leads import follow_ups_pb2_grpc as pb_grpc
from fastapi import APIRouter, Path, Query, Request
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import AwareDatetime, BaseModel, Field

from ..auth import Authenticated
from ..context import RequestContext
from ..idempotency import fingerprint, idempotency_key
from ..leads_client import LEADS_STUBS, leads_of
from ..runtime import GatewayRuntime, forward_metadata
from ..schemas import ID_PATTERN, MultilineText, Page, StrictBody, Text, page
from .deps import Auth, Ctx, Runtime

LEADS_STUBS.append(pb_grpc.FollowUpServiceStub)

router = APIRouter(tags=["follow-ups"])

_ID = Annotated[str, Field(pattern=ID_PATTERN)]
CustomerId = Annotated[str, Path(pattern=ID_PATTERN, description="Customer id")]
PlanId = Annotated[str, Path(pattern=ID_PATTERN, description="Follow-up plan id")]
TYPE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
_TYPE = Annotated[str, Field(pattern=TYPE_PATTERN, description=(
    "call, visit, message, email, pre_class_talk, in_class_record, or a custom type's code"))]
PlanStatus = Literal["open", "completed", "cancelled", "merged"]


# --- bodies ----------------------------------------------------------------------------------

class FollowUpBody(StrictBody):
    type: _TYPE
    occurred_at: AwareDatetime | None = Field(default=None, description=(
        "When the contact happened (default: now; never in the future)"))
    content: MultilineText = Field(min_length=1, max_length=2000, description="What was said")
    outcome: MultilineText = Field(default="", max_length=500)
    next_step: MultilineText = Field(default="", max_length=500)


class CompletePlanBody(StrictBody):
    type: _TYPE | None = Field(default=None, description="Default: the plan's type")
    occurred_at: AwareDatetime | None = None
    content: MultilineText = Field(min_length=1, max_length=2000)
    outcome: MultilineText = Field(default="", max_length=500)
    next_step: MultilineText = Field(default="", max_length=500)


class FollowUpTypeBody(StrictBody):
    name: Text = Field(min_length=1, max_length=50)
    active: bool = True


class CreatePlanBody(StrictBody):
    customer_id: _ID
    due_at: AwareDatetime = Field(description="When to make the contact (now to two years)")
    type: _TYPE
    note: MultilineText = Field(default="", max_length=500)
    owner_id: _ID | None = Field(default=None, description=(
        "Who makes the contact (default: you); a teammate: your department or your scope"))


class DelegateBody(StrictBody):
    to_user_id: _ID
    note: MultilineText = Field(default="", max_length=500)


class CancelBody(StrictBody):
    reason: MultilineText = Field(default="", max_length=500)


class MergeBody(StrictBody):
    plan_ids: list[_ID] = Field(min_length=2, max_length=20, description=(
        "Open plans of one customer"))
    into_plan_id: _ID | None = Field(default=None, description=(
        "The plan that stays (one of plan_ids; default: the earliest due)"))
    due_at: AwareDatetime | None = Field(default=None, description=(
        "Default: the earliest due of the plans"))
    note: MultilineText | None = Field(default=None, max_length=500, description=(
        "Default: the plans' notes joined"))


# --- responses -------------------------------------------------------------------------------

class PersonOut(BaseModel):
    user_id: str | None
    name: str
    department_id: str | None
    region_id: str | None


class FollowUpOut(BaseModel):
    id: str
    customer_id: str
    type: str
    occurred_at: dt.datetime | None
    content: str
    outcome: str
    next_step: str
    recorded_by: PersonOut
    plan_id: str | None
    recorded_at: dt.datetime | None


class FollowUpTypeOut(BaseModel):
    code: str
    name: str
    built_in: bool
    active: bool


class FollowUpTypesOut(BaseModel):
    items: list[FollowUpTypeOut]


class RequesterOut(BaseModel):
    user_id: str
    plan_id: str
    note: str


class PlanOut(BaseModel):
    id: str
    customer_id: str
    owner: PersonOut
    type: str
    due_at: dt.datetime | None
    note: str
    status: PlanStatus
    requesters: list[RequesterOut]
    created_by: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    completed_at: dt.datetime | None
    follow_up_id: str | None
    cancelled_reason: str
    merged_into_id: str | None
    overdue: bool
    version: int


class CreatedPlanOut(BaseModel):
    plan: PlanOut
    other_open_plans: list[PlanOut] = Field(description=(
        "The customer's other open plans: someone may already be about to call"))


class CompletedPlanOut(BaseModel):
    plan: PlanOut
    follow_up: FollowUpOut


class MergedPlansOut(BaseModel):
    plan: PlanOut
    merged_plan_ids: list[str]


class ToDoItemOut(BaseModel):
    kind: str
    id: str
    customer_id: str | None
    due_at: dt.datetime | None
    overdue: bool
    summary: str
    plan: PlanOut | None = None


class ToDoOut(BaseModel):
    items: list[ToDoItemOut]
    truncated: bool


class StatisticsRowOut(BaseModel):
    user_id: str
    user_name: str
    date: dt.date
    planned: int
    completed: int
    overdue: int
    follow_ups: int


class StatisticsOut(BaseModel):
    time_zone: str
    items: list[StatisticsRowOut]


# --- protobuf ↔ JSON -------------------------------------------------------------------------

def _time(message, field: str) -> str | None:
    if not message.HasField(field):
        return None
    ts: Timestamp = getattr(message, field)
    return ts.ToDatetime(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def _ts(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(dt.UTC))
    return ts


def person_json(p: pb.Person) -> dict:
    return {"user_id": p.user_id or None, "name": p.name,
            "department_id": p.department_id or None, "region_id": p.region_id or None}


def follow_up_json(f: pb.FollowUp) -> dict:
    return {"id": f.id, "customer_id": f.customer_id, "type": f.type,
            "occurred_at": _time(f, "occurred_at"), "content": f.content,
            "outcome": f.outcome, "next_step": f.next_step,
            "recorded_by": person_json(f.recorded_by), "plan_id": f.plan_id or None,
            "recorded_at": _time(f, "recorded_at")}


def plan_json(p: pb.FollowUpPlan) -> dict:
    return {"id": p.id, "customer_id": p.customer_id, "owner": person_json(p.owner),
            "type": p.type, "due_at": _time(p, "due_at"), "note": p.note, "status": p.status,
            "requesters": [{"user_id": r.user_id, "plan_id": r.plan_id, "note": r.note}
                           for r in p.requesters],
            "created_by": p.created_by, "created_at": _time(p, "created_at"),
            "updated_at": _time(p, "updated_at"), "completed_at": _time(p, "completed_at"),
            "follow_up_id": p.follow_up_id or None, "cancelled_reason": p.cancelled_reason,
            "merged_into_id": p.merged_into_id or None, "overdue": p.overdue,
            "version": p.version}


def customer_view_sections(view: pb.CustomerFollowUps) -> dict:
    """The 360° view's `follow_ups` and `plans` sections (customers' GetCustomer carries the
    message): `view.update(customer_view_sections(response.follow_ups))`."""
    return {"follow_ups": [follow_up_json(f) for f in view.follow_ups],
            "plans": [plan_json(p) for p in view.open_plans]}


def _fields(body: FollowUpBody | CompletePlanBody) -> pb.FollowUpFields:
    return pb.FollowUpFields(type=body.type or "", occurred_at=_ts(body.occurred_at),
                             content=body.content, outcome=body.outcome,
                             next_step=body.next_step)


async def _write(request: Request, auth: Authenticated, ctx: RequestContext,
                 rt: GatewayRuntime, body: BaseModel | None, method: str, message_of,
                 to_json, *, status: int = 200) -> Any:
    """One idempotent write: the same key + request replays the first answer."""
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        response = await leads_of(request).call(method, message_of(key or ""),
                                                forward_metadata(ctx, auth, key))
        return status, to_json(response)

    payload = body.model_dump(mode="json") if body is not None else None
    print_ = fingerprint(request.method, request.url.path, payload)
    return await rt.idempotency.run(auth.caller.user_id, key, print_, run)


# --- follow-ups ------------------------------------------------------------------------------

@router.post("/v1/customers/{customer_id}/follow-ups", name="follow_ups.create",
             status_code=201, response_model=FollowUpOut,
             responses={422: {"description": "Invalid type, time or text"}})
async def record_follow_up(customer_id: CustomerId, body: FollowUpBody, request: Request,
                           auth: Auth, ctx: Ctx, rt: Runtime):
    """Record a contact with a customer in your scope (updates its last follow-up)."""
    ctx.target("customer", customer_id)
    return await _write(
        request, auth, ctx, rt, body, "RecordFollowUp",
        lambda key: pb.RecordFollowUpRequest(customer_id=customer_id, follow_up=_fields(body),
                                             idempotency_key=key),
        lambda r: follow_up_json(r.follow_up), status=201)


@router.get("/v1/customers/{customer_id}/follow-ups", name="follow_ups.list",
            response_model=Page[FollowUpOut])
async def list_follow_ups(
    customer_id: CustomerId, request: Request, auth: Auth,
    type: Annotated[str | None, Query(pattern=TYPE_PATTERN)] = None,  # noqa: A002
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[Text | None, Query(max_length=1024)] = None,
) -> dict:
    """A customer's contact history, newest first (everyone whose scope covers the
    customer sees it)."""
    ctx = auth.ctx
    ctx.target("customer", customer_id)
    response = await leads_of(request).call("ListFollowUps", pb.ListFollowUpsRequest(
        customer_id=customer_id, type=type or "", page_size=limit, page_token=cursor or ""),
        forward_metadata(ctx, auth))
    return page([follow_up_json(f) for f in response.follow_ups], response.next_page_token)


@router.get("/v1/follow-up-types", name="follow_up_types.list",
            response_model=FollowUpTypesOut)
async def list_follow_up_types(request: Request, auth: Auth,
                               include_inactive: bool = False) -> dict:
    ctx = auth.ctx
    ctx.target("follow_up_type")
    response = await leads_of(request).call("ListFollowUpTypes", pb.ListFollowUpTypesRequest(
        include_inactive=include_inactive), forward_metadata(ctx, auth))
    return {"items": [{"code": t.code, "name": t.name, "built_in": t.built_in,
                       "active": t.active} for t in response.types]}


@router.put("/v1/follow-up-types/{code}", name="follow_up_types.define",
            response_model=FollowUpTypeOut)
async def define_follow_up_type(
    code: Annotated[str, Path(pattern=TYPE_PATTERN, description="The custom type's code")],
    body: FollowUpTypeBody, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    """Administrators add a custom follow-up type, or rename or (de)activate one."""
    ctx.target("follow_up_type", code)
    return await _write(
        request, auth, ctx, rt, body, "DefineFollowUpType",
        lambda key: pb.DefineFollowUpTypeRequest(code=code, name=body.name,
                                                 active=body.active, idempotency_key=key),
        lambda r: {"code": r.type.code, "name": r.type.name, "built_in": r.type.built_in,
                   "active": r.type.active})


# --- plans -----------------------------------------------------------------------------------

PLANS = "/v1/follow-up-plans"


@router.post(PLANS, name="follow_up_plans.create", status_code=201,
             response_model=CreatedPlanOut)
async def create_plan(body: CreatePlanBody, request: Request, auth: Auth, ctx: Ctx,
                      rt: Runtime):
    """Plan a contact with a customer in your scope; the answer lists the customer's other
    open plans (everyone's), so that nobody calls twice."""
    ctx.target("customer", body.customer_id)

    def answer(r: pb.CreateFollowUpPlanResponse) -> dict:
        ctx.response_headers["Location"] = f"{PLANS}/{r.plan.id}"
        return {"plan": plan_json(r.plan),
                "other_open_plans": [plan_json(p) for p in r.other_open_plans]}

    return await _write(
        request, auth, ctx, rt, body, "CreateFollowUpPlan",
        lambda key: pb.CreateFollowUpPlanRequest(
            customer_id=body.customer_id, due_at=_ts(body.due_at), type=body.type,
            note=body.note, owner_id=body.owner_id or "", idempotency_key=key),
        answer, status=201)


@router.get(PLANS, name="follow_up_plans.list", response_model=Page[PlanOut])
async def list_plans(
    request: Request, auth: Auth,
    customer_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    owner_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: PlanStatus | None = None,
    due_before: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[Text | None, Query(max_length=1024)] = None,
) -> dict:
    """Plans you may see (a customer's: everyone's who sees the customer), earliest due
    first."""
    ctx = auth.ctx
    ctx.target("follow_up_plan")
    response = await leads_of(request).call("ListFollowUpPlans", pb.ListFollowUpPlansRequest(
        customer_id=customer_id or "", owner_id=owner_id or "", status=status or "",
        due_before=_ts(due_before), page_size=limit, page_token=cursor or ""),
        forward_metadata(ctx, auth))
    return page([plan_json(p) for p in response.plans], response.next_page_token)


@router.get(f"{PLANS}/statistics", name="follow_up_plans.statistics",
            response_model=StatisticsOut)
async def plan_statistics(
    request: Request, auth: Auth,
    from_date: Annotated[dt.date | None, Query(alias="from", description=(
        "First day (default: six days ago)"))] = None,
    to_date: Annotated[dt.date | None, Query(alias="to", description=(
        "Last day, at most 92 days after `from` (default: today)"))] = None,
    user_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    department_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> dict:
    """Plan versus result per person and day: planned, completed, overdue and follow-ups
    recorded, for the people in your scope (a manager their department, a director their
    region, sales themselves). Days are in the service's time zone."""
    ctx = auth.ctx
    ctx.target("follow_up_plan")
    response = await leads_of(request).call("GetPlanStatistics", pb.GetPlanStatisticsRequest(
        from_date=from_date.isoformat() if from_date else "",
        to_date=to_date.isoformat() if to_date else "", user_id=user_id or "",
        department_id=department_id or ""), forward_metadata(ctx, auth))
    return {"time_zone": response.time_zone, "items": [
        {"user_id": r.user_id, "user_name": r.user_name, "date": r.date,
         "planned": r.planned, "completed": r.completed, "overdue": r.overdue,
         "follow_ups": r.follow_ups} for r in response.rows]}


@router.post(f"{PLANS}/merge", name="follow_up_plans.merge", response_model=MergedPlansOut)
async def merge_plans(body: MergeBody, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    """Several open plans of one customer become one; it keeps who asked for each."""
    ctx.target("follow_up_plan", body.into_plan_id or body.plan_ids[0])
    return await _write(
        request, auth, ctx, rt, body, "MergeFollowUpPlans",
        lambda key: pb.MergeFollowUpPlansRequest(
            plan_ids=body.plan_ids, into_plan_id=body.into_plan_id or "",
            due_at=_ts(body.due_at), note=body.note or "", idempotency_key=key),
        lambda r: {"plan": plan_json(r.plan), "merged_plan_ids": list(r.merged_plan_ids)})


@router.get(f"{PLANS}/{{plan_id}}", name="follow_up_plans.get", response_model=PlanOut)
async def get_plan(plan_id: PlanId, request: Request, auth: Auth) -> dict:
    ctx = auth.ctx
    ctx.target("follow_up_plan", plan_id)
    response = await leads_of(request).call(
        "GetFollowUpPlan", pb.GetFollowUpPlanRequest(plan_id=plan_id),
        forward_metadata(ctx, auth))
    return plan_json(response.plan)


@router.post(f"{PLANS}/{{plan_id}}/complete", name="follow_up_plans.complete",
             response_model=CompletedPlanOut)
async def complete_plan(plan_id: PlanId, body: CompletePlanBody, request: Request,
                        auth: Auth, ctx: Ctx, rt: Runtime):
    """Record the plan's follow-up; the plan is completed and linked to it."""
    ctx.target("follow_up_plan", plan_id)
    return await _write(
        request, auth, ctx, rt, body, "CompleteFollowUpPlan",
        lambda key: pb.CompleteFollowUpPlanRequest(plan_id=plan_id, follow_up=_fields(body),
                                                   idempotency_key=key),
        lambda r: {"plan": plan_json(r.plan), "follow_up": follow_up_json(r.follow_up)})


@router.post(f"{PLANS}/{{plan_id}}/delegate", name="follow_up_plans.delegate",
             response_model=PlanOut)
async def delegate_plan(plan_id: PlanId, body: DelegateBody, request: Request, auth: Auth,
                        ctx: Ctx, rt: Runtime):
    """Give an open plan to a teammate (your department, or someone in your scope)."""
    ctx.target("follow_up_plan", plan_id)
    return await _write(
        request, auth, ctx, rt, body, "DelegateFollowUpPlan",
        lambda key: pb.DelegateFollowUpPlanRequest(plan_id=plan_id, to_user_id=body.to_user_id,
                                                   note=body.note, idempotency_key=key),
        lambda r: plan_json(r.plan))


@router.post(f"{PLANS}/{{plan_id}}/cancel", name="follow_up_plans.cancel",
             response_model=PlanOut)
async def cancel_plan(plan_id: PlanId, request: Request, auth: Auth, ctx: Ctx, rt: Runtime,
                      body: CancelBody | None = None):
    ctx.target("follow_up_plan", plan_id)
    reason = body.reason if body else ""
    return await _write(
        request, auth, ctx, rt, body, "CancelFollowUpPlan",
        lambda key: pb.CancelFollowUpPlanRequest(plan_id=plan_id, reason=reason,
                                                 idempotency_key=key),
        lambda r: plan_json(r.plan))


# --- to-do list ------------------------------------------------------------------------------

@router.get("/v1/to-do", name="to_do.get", response_model=ToDoOut)
async def to_do(request: Request, auth: Auth,
                limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    """Your due and overdue work, overdue first: your follow-up plans due by the end of
    today (other kinds, such as pending approvals, join as their areas add them)."""
    ctx = auth.ctx
    ctx.target("to_do")
    response = await leads_of(request).call("GetToDo", pb.GetToDoRequest(limit=limit),
                                            forward_metadata(ctx, auth))
    return {"truncated": response.truncated, "items": [
        {"kind": i.kind, "id": i.id, "customer_id": i.customer_id or None,
         "due_at": _time(i, "due_at"), "overdue": i.overdue, "summary": i.summary,
         "plan": plan_json(i.plan) if i.HasField("plan") else None} for i in response.items]}
