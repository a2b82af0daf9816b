"""Sales targets (leads service, sales targets area): a team's target for a period (per
course, campus and customer type when given) in integer fen and deals, split down to each
person (the splits sum to the target), with attainment per person and team.

(No `from __future__ import annotations`: FastAPI reads the annotations of the routes.)
"""
import datetime as dt
from typing import Annotated

from contracts.leads import sales_targets_pb2 as pb
from contracts.leads import sales_targets_pb2_grpc as pb_grpc
from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from .. import leads_client
from ..idempotency import fingerprint, idempotency_key
from ..leads_client import leads_of
from ..runtime import forward_metadata
from ..schemas import ID_PATTERN, Page, StrictBody, Text, page
from .deps import Auth, Ctx, Runtime

PREFIX = "/v1/sales-targets"
router = APIRouter(prefix=PREFIX, tags=["sales targets"])
leads_client.LEADS_STUBS.append(pb_grpc.SalesTargetServiceStub)

_ID = Annotated[str, Field(pattern=ID_PATTERN)]
_FEN = Annotated[int, Field(ge=0, le=10**14, description="Integer fen (1 yuan = 100 fen)")]
_DEALS = Annotated[int, Field(ge=0, le=10**6)]
TargetId = Annotated[str, Path(pattern=ID_PATTERN, description="Sales target id")]


class SplitIn(StrictBody):
    user_id: _ID
    amount_fen: _FEN
    deals: _DEALS = 0


class CreateTargetBody(StrictBody):
    name: Text = Field(default="", max_length=100)
    period_start: dt.date
    period_end: dt.date = Field(description="Inclusive")
    course_id: _ID | None = None
    campus_id: _ID | None = None
    customer_type: Text | None = Field(default=None, max_length=50)
    department_id: _ID = Field(description="The team")
    region_id: _ID | None = Field(default=None, description="Default: the caller's region")
    amount_fen: _FEN
    deals: _DEALS = 0
    splits: list[SplitIn] = Field(default_factory=list, max_length=500, description=(
        "Each person's share; they sum to amount_fen and deals (or none yet)"))


class SplitsBody(StrictBody):
    splits: list[SplitIn] = Field(max_length=500)
    expected_version: int = Field(default=0, ge=0, le=2**31 - 1, description="0 = any")


class SplitOut(BaseModel):
    user_id: str
    amount_fen: int
    deals: int
    attained_amount_fen: int
    attained_deals: int
    attainment_rate: float


class TargetOut(BaseModel):
    id: str
    name: str
    period_start: dt.date
    period_end: dt.date
    course_id: str | None
    campus_id: str | None
    customer_type: str | None
    department_id: str
    region_id: str | None
    amount_fen: int
    deals: int
    splits: list[SplitOut]
    attained_amount_fen: int
    attained_deals: int
    attainment_rate: float
    version: int


def target_json(t: pb.SalesTarget) -> dict:
    return {"id": t.id, "name": t.name, "period_start": t.period_start,
            "period_end": t.period_end, "course_id": t.course_id or None,
            "campus_id": t.campus_id or None, "customer_type": t.customer_type or None,
            "department_id": t.department_id, "region_id": t.region_id or None,
            "amount_fen": t.amount_fen, "deals": t.deals,
            "splits": [{"user_id": x.user_id, "amount_fen": x.amount_fen, "deals": x.deals,
                        "attained_amount_fen": x.attained_amount_fen,
                        "attained_deals": x.attained_deals,
                        "attainment_rate": x.attainment_rate} for x in t.splits],
            "attained_amount_fen": t.attained_amount_fen, "attained_deals": t.attained_deals,
            "attainment_rate": t.attainment_rate, "version": t.version}


def _splits(body_splits: list[SplitIn]) -> list[pb.TargetSplit]:
    return [pb.TargetSplit(user_id=x.user_id, amount_fen=x.amount_fen, deals=x.deals)
            for x in body_splits]


async def _write(request: Request, auth, ctx, rt, body: BaseModel, method: str, message_of,
                 status: int):
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        answer = await leads_of(request).call(method, message_of(key or ""),
                                              forward_metadata(ctx, auth, key))
        ctx.target("sales_target", answer.target.id)
        return status, target_json(answer.target)

    print_ = fingerprint(request.method, request.url.path, body.model_dump(mode="json"))
    return await rt.idempotency.run(auth.caller.user_id, key, print_, run)


@router.post("", name="sales_targets.create", status_code=201, response_model=TargetOut)
async def create_target(body: CreateTargetBody, request: Request, auth: Auth, ctx: Ctx,
                        rt: Runtime):
    """A team's target (managers, for teams in their data scope)."""
    ctx.target("sales_target")
    target = pb.SalesTarget(
        name=body.name, period_start=body.period_start.isoformat(),
        period_end=body.period_end.isoformat(), course_id=body.course_id or "",
        campus_id=body.campus_id or "", customer_type=body.customer_type or "",
        department_id=body.department_id, region_id=body.region_id or "",
        amount_fen=body.amount_fen, deals=body.deals, splits=_splits(body.splits))
    return await _write(request, auth, ctx, rt, body, "CreateSalesTarget",
                        lambda key: pb.CreateSalesTargetRequest(target=target,
                                                                idempotency_key=key), 201)


@router.get("", name="sales_targets.list", response_model=Page[TargetOut])
async def list_targets(
    request: Request, auth: Auth,
    department_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    on_date: dt.date | None = Query(None, description="Targets whose period holds this day"),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[Text | None, Query(max_length=1024)] = None,
) -> dict:
    ctx = auth.ctx
    ctx.target("sales_target")
    answer = await leads_of(request).call("ListSalesTargets", pb.ListSalesTargetsRequest(
        page_size=limit, page_token=cursor or "", department_id=department_id or "",
        on_date=on_date.isoformat() if on_date else ""), forward_metadata(ctx, auth))
    return page([target_json(t) for t in answer.targets], answer.next_page_token)


@router.get("/{target_id}", name="sales_targets.get", response_model=TargetOut)
async def get_target(target_id: TargetId, request: Request, auth: Auth) -> dict:
    """The target, each person's split and attainment, and the team's."""
    ctx = auth.ctx
    ctx.target("sales_target", target_id)
    answer = await leads_of(request).call("GetSalesTarget", pb.GetSalesTargetRequest(
        target_id=target_id), forward_metadata(ctx, auth))
    return target_json(answer.target)


@router.put("/{target_id}/splits", name="sales_targets.splits.set", response_model=TargetOut)
async def set_splits(target_id: TargetId, body: SplitsBody, request: Request, auth: Auth,
                     ctx: Ctx, rt: Runtime):
    """Replace the splits (they sum to the target)."""
    ctx.target("sales_target", target_id)
    return await _write(request, auth, ctx, rt, body, "SetSalesTargetSplits",
                        lambda key: pb.SetSalesTargetSplitsRequest(
                            target_id=target_id, splits=_splits(body.splits),
                            expected_version=body.expected_version, idempotency_key=key), 200)
