"""The org tree (company → region → branch/campus → department)."""
from __future__ import annotations

from contracts.identity import identity_pb2
from fastapi import APIRouter

from ..runtime import forward_metadata
from ..schemas import OrgUnitOut, Page, org_unit_json, page
from .deps import Auth, Ctx, Runtime

router = APIRouter(prefix="/v1", tags=["org"])


@router.get("/org-units", name="org_units.list", response_model=Page[OrgUnitOut])
async def list_org_units(auth: Auth, ctx: Ctx, rt: Runtime) -> dict:
    ctx.target("org_unit")
    response = await rt.identity.call("ListOrgUnits", identity_pb2.ListOrgUnitsRequest(),
                                      forward_metadata(ctx, auth))
    # The tree is small and identity returns it whole: one page, no cursor.
    return page([org_unit_json(u) for u in response.org_units], "")
