"""Lead statistics (leads service, statistics area): customers per value of one dimension
and the conversion funnel, within the caller's data scope. Counts only, no personal data.

(No `from __future__ import annotations`: FastAPI reads the annotations of the routes.)
"""
import datetime as dt
from typing import Literal

from contracts.leads import lead_statistics_pb2 as pb
from contracts.leads import lead_statistics_pb2_grpc as pb_grpc
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from .. import leads_client
from ..leads_client import leads_of
from ..runtime import forward_metadata
from .deps import Auth

router = APIRouter(prefix="/v1/leads", tags=["leads statistics"])
leads_client.LEADS_STUBS.append(pb_grpc.LeadStatisticsServiceStub)

Dimension = Literal["source", "channel", "region", "industry", "position", "company_size",
                    "education", "stage", "sales_form"]


class CountOut(BaseModel):
    value: str | None
    count: int


class FunnelStepOut(BaseModel):
    stage: Literal["lead", "prospect", "enrolled", "alumni"]
    count: int
    rate_from_previous: float
    rate_from_first: float


class StatisticsOut(BaseModel):
    dimension: Dimension
    total: int
    counts: list[CountOut]
    funnel: list[FunnelStepOut]


@router.get("/statistics", name="leads.statistics", response_model=StatisticsOut)
async def statistics(
    request: Request, auth: Auth,
    dimension: Dimension = Query(description=(
        "source = campaign, channel = source channel, the seven elements, stage, or "
        "sales_form (derived: channel, conference, campus, phone)")),
    from_date: dt.date | None = Query(None, alias="from", description=(
        "Customers created on or after this day (Asia/Shanghai)")),
    to_date: dt.date | None = Query(None, alias="to", description="… and on or before"),
) -> dict:
    """Customers of the caller's scope per value of `dimension` (highest first, at most 200
    values; `null` = not given) and the funnel lead → prospect → enrolled → alumni."""
    ctx = auth.ctx
    ctx.target("lead_statistics")
    answer = await leads_of(request).call("GetLeadStatistics", pb.GetLeadStatisticsRequest(
        dimension=dimension, from_date=from_date.isoformat() if from_date else "",
        to_date=to_date.isoformat() if to_date else ""), forward_metadata(ctx, auth))
    return {"dimension": answer.dimension, "total": answer.total,
            "counts": [{"value": c.value or None, "count": c.count} for c in answer.counts],
            "funnel": [{"stage": f.stage, "count": f.count,
                        "rate_from_previous": f.rate_from_previous,
                        "rate_from_first": f.rate_from_first} for f in answer.funnel]}
