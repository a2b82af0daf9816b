"""The public pool (公海) and the assignment rules (leads service, public pool area).

- `GET /v1/public-pool`: the pool customers of the caller's region, masked; every entry
  counts toward the caller's customer read limit (browsing the pool must not be a way to
  read the customer base);
- `POST /v1/public-pool/{customer_id}/claim`: take one (409 `pool-already-claimed` when
  someone was faster, 409 `pool-cap-reached` at the holding cap);
- `GET|PUT /v1/public-pool/settings`: the return rules (N, M, K days) and holding caps;
- `/v1/assignment-rules` (admins): the ordered rules for new leads, a dry run that explains,
  and applying them to unowned customers.
The leads service decides scopes and roles; the gateway validates, audits, keeps
Idempotency-Key on writes and forwards it.

(No `from __future__ import annotations`: FastAPI reads the annotations of the routes.)
"""
import datetime as dt
from typing import Annotated, Literal

from contracts.leads import public_pool_pb2 as pb
from contracts.leads import public_pool_pb2_grpc as pb_grpc
from fastapi import APIRouter, Path, Query, Request
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field

from ..auth import Authenticated
from ..context import RequestContext
from ..idempotency import fingerprint, idempotency_key
from ..leads_client import LEADS_STUBS, leads_of
from ..personal_reads import DataKind
from ..runtime import GatewayRuntime, forward_metadata
from ..schemas import ID_PATTERN, Page, StrictBody, Text, page
from .deps import Auth, Ctx, Runtime, count_personal_records

LEADS_STUBS.extend([pb_grpc.PublicPoolServiceStub, pb_grpc.AssignmentServiceStub])

POOL = "/v1/public-pool"
RULES = "/v1/assignment-rules"
router = APIRouter(tags=["public pool"])

_ID = Annotated[str, Field(pattern=ID_PATTERN)]
CustomerId = Annotated[str, Path(pattern=ID_PATTERN, description="Customer id")]
RuleId = Annotated[str, Path(pattern=ID_PATTERN, description="Assignment rule id")]
_ROLE = Annotated[str, Field(pattern=r"^(\*|[a-z_]{1,64})$")]
_DAYS = Annotated[int, Field(ge=0, le=3650)]
_ITEM = Annotated[Text, Field(min_length=1, max_length=100)]
Strategy = Literal["round_robin", "least_load"]
Reason = Literal["no_follow_up", "no_deal", "unowned"]


# --- bodies ----------------------------------------------------------------------------------

class PoolSettingsBody(StrictBody):
    enabled: bool = True
    follow_up_days: _DAYS = Field(description="N: no follow-up for N days → back to the pool "
                                  "(0 = off)")
    deal_days: _DAYS = Field(description="M: no deal within M days of the claim → back to the "
                             "pool (0 = off)")
    warning_days: _DAYS = Field(description="K: the owner is warned K days before")
    caps: dict[_ROLE, Annotated[int, Field(ge=0, le=100_000)]] = Field(
        description="Most customers one person may hold, per role; `*` for every other role "
        "(required). A person's cap is the highest of their roles'")
    version: int = Field(ge=0, le=2**63 - 1, description="The version read (0: never saved)")


class RuleBody(StrictBody):
    name: Text = Field(min_length=1, max_length=100)
    position: int = Field(default=0, ge=0, le=100_000,
                          description="Rules are tried in ascending position")
    enabled: bool = True
    match_regions: list[_ITEM] = Field(default_factory=list, max_length=50, description=(
        "The lead's region (a place) must be one of these; empty: any"))
    match_tags: list[_ITEM] = Field(default_factory=list, max_length=50, description=(
        "Course interest / tags: the lead must carry one of these; empty: any"))
    strategy: Strategy
    user_ids: list[_ID] = Field(default_factory=list, max_length=200,
                                description="The team (give this or department_id)")
    department_id: _ID | None = Field(default=None,
                                      description="Every sales person of this department")


class RuleUpdateBody(RuleBody):
    version: int = Field(ge=1, le=2**63 - 1, description="The version read")


class LeadIn(StrictBody):
    customer_id: _ID | None = Field(default=None, description="An existing customer...")
    region: Text | None = Field(default=None, max_length=100, description="...or a lead "
                                "described by its region and tags")
    tags: list[_ITEM] = Field(default_factory=list, max_length=50)


class DryRunBody(StrictBody):
    leads: list[LeadIn] = Field(min_length=1, max_length=500)


class ApplyBody(StrictBody):
    customer_ids: list[_ID] = Field(min_length=1, max_length=500)


# --- responses -------------------------------------------------------------------------------

class PoolSettingsOut(BaseModel):
    enabled: bool
    follow_up_days: int
    deal_days: int
    warning_days: int
    caps: dict[str, int]
    version: int
    updated_by: str | None
    updated_at: dt.datetime | None


class PoolCustomerOut(BaseModel):
    id: str
    masked_name: str
    masked_phone: str
    region: str
    tags: list[str]
    stage: str
    source_channel_id: str | None
    pool_region_id: str | None
    pool_department_id: str | None
    in_pool_since: dt.datetime | None
    pool_reason: str
    created_at: dt.datetime | None


class ClaimedOut(BaseModel):
    customer_id: str
    owner_id: str
    protected_until: dt.datetime | None
    held: int = Field(description="Customers the claimer holds now")
    cap: int


class RuleOut(BaseModel):
    id: str
    name: str
    position: int
    enabled: bool
    match_regions: list[str]
    match_tags: list[str]
    strategy: Strategy
    user_ids: list[str]
    department_id: str | None
    version: int
    updated_at: dt.datetime | None


class RulesOut(BaseModel):
    items: list[RuleOut]


class CandidateOut(BaseModel):
    user_id: str
    load: int
    cap: int
    eligible: bool
    note: str | None


class ConsideredOut(BaseModel):
    rule_id: str
    rule_name: str
    matched: bool
    why: str


class DecisionOut(BaseModel):
    index: int
    customer_id: str | None
    outcome: Literal["would_assign", "assigned", "no_rule", "no_candidate", "already_owned",
                     "not_found", "out_of_scope"]
    assignee_id: str | None
    rule_id: str | None
    strategy: str | None
    why: str
    rules: list[ConsideredOut]
    candidates: list[CandidateOut]


class DecisionsOut(BaseModel):
    items: list[DecisionOut]


# --- protobuf ↔ JSON -------------------------------------------------------------------------

def _time(message, field: str) -> str | None:
    if not message.HasField(field):
        return None
    ts: Timestamp = getattr(message, field)
    return ts.ToDatetime(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def settings_json(s: pb.PoolSettings) -> dict:
    return {"enabled": s.enabled, "follow_up_days": s.follow_up_days, "deal_days": s.deal_days,
            "warning_days": s.warning_days,
            "caps": {c.role: c.max_customers for c in s.caps}, "version": s.version,
            "updated_by": s.updated_by or None, "updated_at": _time(s, "updated_at")}


def pool_customer_json(c: pb.PoolCustomer) -> dict:
    return {"id": c.id, "masked_name": c.masked_name, "masked_phone": c.masked_phone,
            "region": c.region, "tags": list(c.tags), "stage": c.stage,
            "source_channel_id": c.source_channel_id or None,
            "pool_region_id": c.pool_region_id or None,
            "pool_department_id": c.pool_department_id or None,
            "in_pool_since": _time(c, "in_pool_since"), "pool_reason": c.pool_reason,
            "created_at": _time(c, "created_at")}


def rule_json(r: pb.AssignmentRule) -> dict:
    return {"id": r.id, "name": r.name, "position": r.position, "enabled": r.enabled,
            "match_regions": list(r.match_regions), "match_tags": list(r.match_tags),
            "strategy": r.strategy, "user_ids": list(r.user_ids),
            "department_id": r.department_id or None, "version": r.version,
            "updated_at": _time(r, "updated_at")}


def decision_json(d: pb.AssignmentDecision) -> dict:
    return {"index": d.index, "customer_id": d.customer_id or None, "outcome": d.outcome,
            "assignee_id": d.assignee_id or None, "rule_id": d.rule_id or None,
            "strategy": d.strategy or None, "why": d.why,
            "rules": [{"rule_id": r.rule_id, "rule_name": r.rule_name, "matched": r.matched,
                       "why": r.why} for r in d.rules],
            "candidates": [{"user_id": c.user_id, "load": c.load, "cap": c.cap,
                            "eligible": c.eligible, "note": c.note or None}
                           for c in d.candidates]}


def _rule_message(body: RuleBody, rule_id: str = "", version: int = 0) -> pb.AssignmentRule:
    return pb.AssignmentRule(
        id=rule_id, name=body.name, position=body.position, enabled=body.enabled,
        match_regions=list(body.match_regions), match_tags=list(body.match_tags),
        strategy=body.strategy, user_ids=list(body.user_ids),
        department_id=body.department_id or "", version=version)


async def _write(request: Request, auth: Authenticated, ctx: RequestContext,
                 rt: GatewayRuntime, body: BaseModel | None, method: str, message_of,
                 to_json, *, status: int = 200):
    """One idempotent write: the same key + request replays the first answer."""
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        response = await leads_of(request).call(method, message_of(key or ""),
                                                forward_metadata(ctx, auth, key))
        return status, to_json(response)

    payload = body.model_dump(mode="json") if body is not None else None
    print_ = fingerprint(request.method, request.url.path, payload)
    return await rt.idempotency.run(auth.caller.user_id, key, print_, run)


# --- the pool --------------------------------------------------------------------------------

@router.get(POOL, name="public_pool.list", response_model=Page[PoolCustomerOut])
async def list_pool(
    request: Request, auth: Auth,
    tag: Annotated[Text | None, Query(max_length=50)] = None,
    region: Annotated[Text | None, Query(max_length=100, description=(
        "Where the customer is (a place)"))] = None,
    reason: Reason | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[Text | None, Query(max_length=1024)] = None,
) -> dict:
    """Customers nobody holds in the caller's region (all regions with the `all` scope),
    newest arrivals first, names and phones masked."""
    ctx = auth.ctx
    ctx.target("customer")
    response = await leads_of(request).call("ListPoolCustomers", pb.ListPoolCustomersRequest(
        page_size=limit, page_token=cursor or "", tag=tag or "", region=region or "",
        reason=reason or ""), forward_metadata(ctx, auth))
    await count_personal_records(auth, DataKind.CUSTOMER, len(response.customers))
    return page([pool_customer_json(c) for c in response.customers], response.next_page_token)


@router.post(POOL + "/{customer_id}/claim", name="public_pool.claim", response_model=ClaimedOut,
             responses={409: {"description": "`pool-already-claimed`: someone else took it "
                              "first; `pool-cap-reached`: you hold your cap (`held`, `cap`)"}})
async def claim_from_pool(customer_id: CustomerId, request: Request, auth: Auth, ctx: Ctx,
                          rt: Runtime):
    """Take a pool customer: you become its owner with a fresh protection period."""
    ctx.target("customer", customer_id)
    return await _write(
        request, auth, ctx, rt, None, "ClaimPoolCustomer",
        lambda key: pb.ClaimPoolCustomerRequest(customer_id=customer_id, idempotency_key=key),
        lambda r: {"customer_id": r.customer_id, "owner_id": r.owner_id,
                   "protected_until": _time(r, "protected_until"), "held": r.held,
                   "cap": r.cap})


@router.get(POOL + "/settings", name="public_pool.settings.get",
            response_model=PoolSettingsOut)
async def get_pool_settings(request: Request, auth: Auth) -> dict:
    ctx = auth.ctx
    ctx.target("public_pool_settings", "default")
    response = await leads_of(request).call("GetPoolSettings", pb.GetPoolSettingsRequest(),
                                            forward_metadata(ctx, auth))
    return settings_json(response.settings)


@router.put(POOL + "/settings", name="public_pool.settings.update",
            response_model=PoolSettingsOut,
            responses={409: {"description": "`pool-settings-stale`: changed since you read "
                              "them"}})
async def update_pool_settings(body: PoolSettingsBody, request: Request, auth: Auth, ctx: Ctx,
                               rt: Runtime):
    """Admins: replace the return rules and the holding caps."""
    ctx.target("public_pool_settings", "default")
    message = pb.PoolSettings(
        enabled=body.enabled, follow_up_days=body.follow_up_days, deal_days=body.deal_days,
        warning_days=body.warning_days, version=body.version,
        caps=[pb.HoldingCap(role=r, max_customers=n) for r, n in sorted(body.caps.items())])
    return await _write(
        request, auth, ctx, rt, body, "UpdatePoolSettings",
        lambda key: pb.UpdatePoolSettingsRequest(settings=message, idempotency_key=key),
        lambda r: settings_json(r.settings))


# --- assignment rules ------------------------------------------------------------------------

@router.get(RULES, name="assignment_rules.list", response_model=RulesOut)
async def list_rules(request: Request, auth: Auth) -> dict:
    ctx = auth.ctx
    ctx.target("assignment_rule")
    response = await leads_of(request).call(
        "ListAssignmentRules", pb.ListAssignmentRulesRequest(), forward_metadata(ctx, auth))
    return {"items": [rule_json(r) for r in response.rules]}


@router.post(RULES, name="assignment_rules.create", status_code=201, response_model=RuleOut)
async def create_rule(body: RuleBody, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("assignment_rule")

    def answer(r: pb.AssignmentRuleResponse) -> dict:
        ctx.target("assignment_rule", r.rule.id)
        ctx.response_headers["Location"] = f"{RULES}/{r.rule.id}"
        return rule_json(r.rule)

    return await _write(
        request, auth, ctx, rt, body, "CreateAssignmentRule",
        lambda key: pb.CreateAssignmentRuleRequest(rule=_rule_message(body),
                                                   idempotency_key=key),
        answer, status=201)


@router.post(RULES + "/dry-run", name="assignment_rules.dry_run", response_model=DecisionsOut)
async def dry_run(body: DryRunBody, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    """Who each lead would go to and why (the rules tried, the candidates and their loads),
    as if applied in this order; changes nothing."""
    ctx.target("assignment_rule")
    leads = [pb.LeadToAssign(customer_id=lead.customer_id or "", region=lead.region or "",
                             tags=list(lead.tags)) for lead in body.leads]
    response = await leads_of(request).call(
        "DryRunAssignment", pb.DryRunAssignmentRequest(leads=leads),
        forward_metadata(ctx, auth))
    return {"items": [decision_json(d) for d in response.decisions]}


@router.post(RULES + "/apply", name="assignment_rules.apply", response_model=DecisionsOut)
async def apply_rules(body: ApplyBody, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    """Assign the given customers that nobody holds, by the rules (each decision says what
    was done and why)."""
    ctx.target("assignment_rule")
    return await _write(
        request, auth, ctx, rt, body, "ApplyAssignment",
        lambda key: pb.ApplyAssignmentRequest(customer_ids=list(body.customer_ids),
                                              idempotency_key=key),
        lambda r: {"items": [decision_json(d) for d in r.decisions]})


@router.put(RULES + "/{rule_id}", name="assignment_rules.update", response_model=RuleOut,
            responses={409: {"description": "`assignment-rule-stale`: changed since read"}})
async def update_rule(rule_id: RuleId, body: RuleUpdateBody, request: Request, auth: Auth,
                      ctx: Ctx, rt: Runtime):
    ctx.target("assignment_rule", rule_id)
    return await _write(
        request, auth, ctx, rt, body, "UpdateAssignmentRule",
        lambda key: pb.UpdateAssignmentRuleRequest(
            rule=_rule_message(body, rule_id, body.version), idempotency_key=key),
        lambda r: rule_json(r.rule))


class DeletedOut(BaseModel):
    id: str
    deleted: bool


@router.delete(RULES + "/{rule_id}", name="assignment_rules.delete", response_model=DeletedOut)
async def delete_rule(rule_id: RuleId, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("assignment_rule", rule_id)
    return await _write(
        request, auth, ctx, rt, None, "DeleteAssignmentRule",
        lambda key: pb.DeleteAssignmentRuleRequest(rule_id=rule_id, idempotency_key=key),
        lambda r: {"id": rule_id, "deleted": True})
