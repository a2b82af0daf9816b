"""Finance: customers' accounts (money and lesson-hour balances), payments against orders,
vouchers (payment and refund proofs), refunds with their approval chain and payout, commissions
and monthly commission statements.

The finance service decides who may do what (roles, data scope, the approval levels): its
PERMISSION_DENIED comes back as a 403 problem, a document outside the caller's data scope as
404. The gateway authenticates, audits (`ctx.target`), validates bodies strictly (money in
integer fen as JSON integers, never floats), keeps `Idempotency-Key` on every write and
forwards it (the service stores the answer in the transaction of the effect), and forwards
`limit`/`cursor` to the service's keyset pages (`{items, next_cursor}`).

The grpc.aio client lives on the app (`app.state.finance`), opened and closed by this router's
lifespan, which the app's lifespan enters (gateway/app.py).
"""
import base64
import binascii
import contextlib
import re
import urllib.parse
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from contracts.finance import finance_pb2 as pb
from contracts.finance import finance_pb2_grpc as pb_grpc
from fastapi import APIRouter, FastAPI, Path, Query, Request, Response
from pydantic import BaseModel, Field, StrictInt, field_validator

from ..auth import Authenticated
from ..context import RequestContext
from ..idempotency import fingerprint, idempotency_key
from ..runtime import GatewayRuntime, forward_metadata
from ..schemas import ID_PATTERN, MultilineText, Page, StrictBody, Text
from ..service_client import ServiceClient
from .deps import Auth, Ctx, CustomerRecordRead, Runtime

_ID = Annotated[str, Field(pattern=ID_PATTERN)]
_MONTH = Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Fen = Annotated[StrictInt, Field(ge=1, le=10**12, description="An amount in fen (1/100 yuan)")]


# --- the gRPC client -------------------------------------------------------------------------

class FinanceClient(ServiceClient[pb_grpc.FinanceServiceStub]):
    def __init__(self, target: str, *, timeout: float = 5.0) -> None:
        super().__init__(target, pb_grpc.FinanceServiceStub, timeout=timeout)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    owned = getattr(app.state, "finance", None) is None  # tests may inject one
    if owned:
        settings = app.state.runtime.settings
        app.state.finance = FinanceClient(settings.finance_target,
                                          timeout=settings.grpc_timeout)
    client: FinanceClient = app.state.finance
    await client.start()
    try:
        yield
    finally:
        await client.close()
        if owned:
            app.state.finance = None


router = APIRouter(tags=["finance"], lifespan=lifespan)


def client_of(request: Request) -> FinanceClient:
    return request.app.state.finance


# --- bodies ----------------------------------------------------------------------------------

class PaymentBody(StrictBody):
    order_id: _ID
    kind: Literal["deposit", "instalment", "full"]
    amount_fen: Fen
    method: Literal["cash", "bank_transfer", "wechat", "alipay", "card", "other"] = "cash"
    note: MultilineText = Field(default="", max_length=500)


class VoucherBody(StrictBody):
    document_type: Literal["payment", "refund"]
    document_id: _ID
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    file_name: Text = Field(default="", max_length=200)
    content_base64: str = Field(min_length=4, max_length=8_000_000,
                                pattern=r"^[A-Za-z0-9+/]*={0,2}$",
                                description="The file, base64 (RFC 4648, standard alphabet)")

    @field_validator("content_base64")
    @classmethod
    def decodable(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64") from None
        return value


class RefundBody(StrictBody):
    order_id: _ID
    amount_fen: StrictInt = Field(default=0, ge=0, le=10**12, description=(
        "0 (or absent) = everything refundable; more than refundable is refused"))
    reason: MultilineText = Field(default="", max_length=500)


class DecisionBody(StrictBody):
    note: MultilineText = Field(default="", max_length=500)


class StatementBody(StrictBody):
    person_id: _ID
    month: _MONTH


# --- responses -------------------------------------------------------------------------------

class HourBalanceOut(BaseModel):
    enrollment_id: str
    order_id: str | None
    credited: int
    consumed: int
    forfeited: int
    remaining: int


class AccountOut(BaseModel):
    customer_id: str
    prepaid_fen: int
    refunds_payable_fen: int
    paid_fen: int
    refunded_fen: int
    remaining_hours: int
    hours: list[HourBalanceOut]


class PaymentOut(BaseModel):
    id: str
    order_id: str
    customer_id: str
    kind: str
    method: str
    amount_fen: int
    paid_total_fen: int
    note: str
    recorded_by: str | None
    recorded_at: str | None


class VoucherOut(BaseModel):
    id: str
    document_type: str
    document_id: str
    content_type: str
    size_bytes: int
    file_name: str
    content_hash: str
    uploaded_by: str | None
    uploaded_at: str | None


class QuoteOut(BaseModel):
    order_id: str
    enrollment_id: str | None
    customer_id: str
    stage: str
    paid_fen: int
    refunded_before_fen: int
    consumed_hours: int
    unit_price_fen: int
    consumed_value_fen: int
    refundable_fen: int


class DecisionOut(BaseModel):
    level: int
    level_name: str
    decision: str
    decided_by: str
    note: str
    decided_at: str | None


class RefundOut(BaseModel):
    id: str
    quote: QuoteOut
    amount_fen: int
    full_refund: bool
    reason: str
    status: str
    next_level: str | None
    decisions: list[DecisionOut]
    requested_by: str
    requested_at: str | None
    paid_by: str | None
    paid_at: str | None


class CommissionOut(BaseModel):
    id: str
    kind: str
    order_id: str
    person_id: str
    role: str
    channel_tier: str | None
    ratio_bp: int
    base_fen: int
    amount_fen: int
    refund_id: str | None
    month: str
    statement_id: str | None
    accrued_at: str | None


class StatementOut(BaseModel):
    id: str
    person_id: str
    month: str
    total_fen: int
    lines: int
    status: str
    created_by: str
    reviewed_by: str | None
    paid_by: str | None
    paid_at: str | None


def _opt(value: str) -> str | None:
    return value or None


def account_json(a: pb.Account) -> dict:
    return {"customer_id": a.customer_id, "prepaid_fen": a.prepaid_fen,
            "refunds_payable_fen": a.refunds_payable_fen, "paid_fen": a.paid_fen,
            "refunded_fen": a.refunded_fen, "remaining_hours": a.remaining_hours,
            "hours": [{"enrollment_id": h.enrollment_id, "order_id": _opt(h.order_id),
                       "credited": h.credited, "consumed": h.consumed,
                       "forfeited": h.forfeited, "remaining": h.remaining} for h in a.hours]}


def payment_json(p: pb.Payment) -> dict:
    return {"id": p.id, "order_id": p.order_id, "customer_id": p.customer_id, "kind": p.kind,
            "method": p.method, "amount_fen": p.amount_fen, "paid_total_fen": p.paid_total_fen,
            "note": p.note, "recorded_by": _opt(p.recorded_by),
            "recorded_at": _opt(p.recorded_at)}


def voucher_json(v: pb.Voucher) -> dict:
    return {"id": v.id, "document_type": v.document_type, "document_id": v.document_id,
            "content_type": v.content_type, "size_bytes": v.size_bytes,
            "file_name": v.file_name, "content_hash": v.content_hash,
            "uploaded_by": _opt(v.uploaded_by), "uploaded_at": _opt(v.uploaded_at)}


def quote_json(q: pb.RefundQuote) -> dict:
    return {"order_id": q.order_id, "enrollment_id": _opt(q.enrollment_id),
            "customer_id": q.customer_id, "stage": q.stage, "paid_fen": q.paid_fen,
            "refunded_before_fen": q.refunded_before_fen, "consumed_hours": q.consumed_hours,
            "unit_price_fen": q.unit_price_fen, "consumed_value_fen": q.consumed_value_fen,
            "refundable_fen": q.refundable_fen}


def refund_json(r: pb.Refund) -> dict:
    return {"id": r.id, "quote": quote_json(r.quote), "amount_fen": r.amount_fen,
            "full_refund": r.full_refund, "reason": r.reason, "status": r.status,
            "next_level": _opt(r.next_level),
            "decisions": [{"level": d.level, "level_name": d.level_name,
                           "decision": d.decision, "decided_by": d.decided_by, "note": d.note,
                           "decided_at": _opt(d.decided_at)} for d in r.decisions],
            "requested_by": r.requested_by, "requested_at": _opt(r.requested_at),
            "paid_by": _opt(r.paid_by), "paid_at": _opt(r.paid_at)}


def commission_json(c: pb.Commission) -> dict:
    return {"id": c.id, "kind": c.kind, "order_id": c.order_id, "person_id": c.person_id,
            "role": c.role, "channel_tier": _opt(c.channel_tier), "ratio_bp": c.ratio_bp,
            "base_fen": c.base_fen, "amount_fen": c.amount_fen,
            "refund_id": _opt(c.refund_id), "month": c.month,
            "statement_id": _opt(c.statement_id), "accrued_at": _opt(c.accrued_at)}


def statement_json(s: pb.CommissionStatement) -> dict:
    return {"id": s.id, "person_id": s.person_id, "month": s.month, "total_fen": s.total_fen,
            "lines": s.lines, "status": s.status, "created_by": s.created_by,
            "reviewed_by": _opt(s.reviewed_by), "paid_by": _opt(s.paid_by),
            "paid_at": _opt(s.paid_at)}


# --- helpers ---------------------------------------------------------------------------------

IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
IdQuery = Annotated[str | None, Query(pattern=ID_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(
    max_length=1024, pattern=r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+$",
    description="`next_cursor` of the previous page (opaque)")]
_WRITE_ERRORS = {403: {"description": "Your roles do not allow it"},
                 404: {"description": "Not found (or outside your data scope)"},
                 409: {"description": "Conflict, or Idempotency-Key in use"},
                 422: {"description": "Invalid, refused by a rule, or Idempotency-Key reused"}}


def page(items: list[dict], response: Any) -> dict:
    return {"items": items, "next_cursor": response.next_page_token or None}


async def _write(request: Request, auth: Authenticated, ctx: RequestContext,
                 rt: GatewayRuntime, body: BaseModel | None, method: str, message: Any,
                 to_json, *, status: int = 200, target=None) -> Response:
    """One idempotent write: the same key + request replays the first answer."""
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        response = await client_of(request).call(method, message,
                                                  forward_metadata(ctx, auth, key))
        if target is not None:
            ctx.target(*target(response))
        return status, to_json(response)

    payload = body.model_dump(mode="json") if body is not None else None
    return await rt.idempotency.run(auth.caller.user_id, key,
                                    fingerprint(request.method, request.url.path, payload), run)


async def _read(request: Request, auth: Authenticated, ctx: RequestContext, method: str,
                message: Any) -> Any:
    return await client_of(request).call(method, message, forward_metadata(ctx, auth))


# --- accounts --------------------------------------------------------------------------------

@router.get("/v1/accounts/{customer_id}", name="finance.accounts.get",
            response_model=AccountOut)
async def get_account(customer_id: IdPath, request: Request, auth: CustomerRecordRead,
                      ctx: Ctx) -> dict:
    ctx.target("customer", customer_id)
    response = await _read(request, auth, ctx, "GetAccount",
                           pb.GetAccountRequest(customer_id=customer_id))
    return account_json(response.account)


# --- payments --------------------------------------------------------------------------------

@router.post("/v1/payments", name="finance.payments.create", status_code=201,
             response_model=PaymentOut, responses=_WRITE_ERRORS)
async def create_payment(body: PaymentBody, request: Request, auth: Auth, ctx: Ctx,
                         rt: Runtime):
    ctx.target("order", body.order_id)
    return await _write(
        request, auth, ctx, rt, body, "RecordPayment",
        pb.RecordPaymentRequest(order_id=body.order_id, kind=body.kind,
                                amount_fen=body.amount_fen, method=body.method,
                                note=body.note),
        lambda r: payment_json(r.payment), status=201,
        target=lambda r: ("payment", r.payment.id))


@router.get("/v1/payments", name="finance.payments.list", response_model=Page[PaymentOut])
async def list_payments(request: Request, auth: Auth, ctx: Ctx, order_id: IdQuery = None,
                        customer_id: IdQuery = None, limit: Limit = 100,
                        cursor: Cursor = None) -> dict:
    ctx.target("order" if order_id else "customer", order_id or customer_id or "")
    response = await _read(request, auth, ctx, "ListPayments", pb.ListPaymentsRequest(
        order_id=order_id or "", customer_id=customer_id or "", page_size=limit,
        page_token=cursor or ""))
    return page([payment_json(p) for p in response.payments], response)


# --- vouchers --------------------------------------------------------------------------------

@router.post("/v1/vouchers", name="finance.vouchers.create", status_code=201,
             response_model=VoucherOut, responses=_WRITE_ERRORS)
async def create_voucher(body: VoucherBody, request: Request, auth: Auth, ctx: Ctx,
                         rt: Runtime):
    ctx.target(body.document_type, body.document_id)
    return await _write(
        request, auth, ctx, rt, body, "UploadVoucher",
        pb.UploadVoucherRequest(document_type=body.document_type,
                                document_id=body.document_id,
                                content=base64.b64decode(body.content_base64),
                                content_type=body.content_type, file_name=body.file_name),
        lambda r: voucher_json(r.voucher), status=201,
        target=lambda r: ("voucher", r.voucher.id))


@router.get("/v1/vouchers", name="finance.vouchers.list", response_model=list[VoucherOut])
async def list_vouchers(request: Request, auth: Auth, ctx: Ctx,
                        document_type: Annotated[Literal["payment", "refund"], Query()],
                        document_id: Annotated[str, Query(pattern=ID_PATTERN)]) -> list:
    ctx.target(document_type, document_id)
    response = await _read(request, auth, ctx, "ListVouchers", pb.ListVouchersRequest(
        document_type=document_type, document_id=document_id))
    return [voucher_json(v) for v in response.vouchers]


_UNSAFE_NAME = re.compile(r"[^\w.\-]", re.ASCII)  # the header's ASCII fallback


@router.get("/v1/vouchers/{voucher_id}", name="finance.vouchers.download",
            response_class=Response,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {},
                                         "application/pdf": {}}}})
async def download_voucher(voucher_id: IdPath, request: Request, auth: Auth,
                           ctx: Ctx) -> Response:
    ctx.target("voucher", voucher_id)
    response = await _read(request, auth, ctx, "GetVoucher",
                           pb.GetVoucherRequest(voucher_id=voucher_id))
    v = response.voucher
    ascii_name = _UNSAFE_NAME.sub("_", v.file_name) or v.id
    disposition = (f"attachment; filename=\"{ascii_name}\"; "
                   f"filename*=UTF-8''{urllib.parse.quote(v.file_name or v.id)}")
    return Response(content=response.content, media_type=v.content_type,
                    headers={"Content-Disposition": disposition,
                             "X-Content-Type-Options": "nosniff"})


# --- refunds ---------------------------------------------------------------------------------

@router.get("/v1/refunds/quote", name="finance.refunds.quote", response_model=QuoteOut)
async def quote_refund(request: Request, auth: Auth, ctx: Ctx,
                       order_id: Annotated[str, Query(pattern=ID_PATTERN)]) -> dict:
    """The refund form prefilled from the order: stage, paid, consumed hours, unit price
    (price / lesson hours rounded up), refundable = paid − refunded − consumed × unit price."""
    ctx.target("order", order_id)
    response = await _read(request, auth, ctx, "QuoteRefund",
                           pb.QuoteRefundRequest(order_id=order_id))
    return quote_json(response.quote)


@router.post("/v1/refunds", name="finance.refunds.create", status_code=201,
             response_model=RefundOut, responses=_WRITE_ERRORS)
async def create_refund(body: RefundBody, request: Request, auth: Auth, ctx: Ctx,
                        rt: Runtime):
    ctx.target("order", body.order_id)
    return await _write(
        request, auth, ctx, rt, body, "RequestRefund",
        pb.RequestRefundRequest(order_id=body.order_id, amount_fen=body.amount_fen,
                                reason=body.reason),
        lambda r: refund_json(r.refund), status=201, target=lambda r: ("refund", r.refund.id))


@router.get("/v1/refunds", name="finance.refunds.list", response_model=Page[RefundOut])
async def list_refunds(request: Request, auth: Auth, ctx: Ctx, order_id: IdQuery = None,
                       status: Annotated[Literal["pending", "approved", "rejected", "paid"]
                                         | None, Query()] = None,
                       limit: Limit = 100, cursor: Cursor = None) -> dict:
    response = await _read(request, auth, ctx, "ListRefunds", pb.ListRefundsRequest(
        order_id=order_id or "", status=status or "", page_size=limit,
        page_token=cursor or ""))
    return page([refund_json(r) for r in response.refunds], response)


@router.get("/v1/refunds/{refund_id}", name="finance.refunds.get", response_model=RefundOut)
async def get_refund(refund_id: IdPath, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("refund", refund_id)
    response = await _read(request, auth, ctx, "GetRefund",
                           pb.GetRefundRequest(refund_id=refund_id))
    return refund_json(response.refund)


def _refund_action(action: str, method: str, with_note: bool):
    if with_note:
        async def act(refund_id: IdPath, body: DecisionBody, request: Request, auth: Auth,
                      ctx: Ctx, rt: Runtime):
            ctx.target("refund", refund_id)
            return await _write(request, auth, ctx, rt, body, method,
                                pb.DecideRefundRequest(refund_id=refund_id, note=body.note),
                                lambda r: refund_json(r.refund))
    else:
        async def act(refund_id: IdPath, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
            ctx.target("refund", refund_id)
            return await _write(request, auth, ctx, rt, None, method,
                                pb.PayRefundRequest(refund_id=refund_id),
                                lambda r: refund_json(r.refund))
    router.add_api_route(f"/v1/refunds/{{refund_id}}/{action}", act, methods=["POST"],
                         name=f"finance.refunds.{action}", response_model=RefundOut,
                         responses=_WRITE_ERRORS)


_refund_action("approve", "ApproveRefund", True)
_refund_action("reject", "RejectRefund", True)
_refund_action("pay", "PayRefund", False)


# --- commissions -----------------------------------------------------------------------------

@router.get("/v1/commissions", name="finance.commissions.list",
            response_model=Page[CommissionOut])
async def list_commissions(request: Request, auth: Auth, ctx: Ctx, person_id: IdQuery = None,
                           month: Annotated[str | None, Query(
                               pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] = None,
                           order_id: IdQuery = None, limit: Limit = 100,
                           cursor: Cursor = None) -> dict:
    response = await _read(request, auth, ctx, "ListCommissions", pb.ListCommissionsRequest(
        person_id=person_id or "", month=month or "", order_id=order_id or "",
        page_size=limit, page_token=cursor or ""))
    return page([commission_json(c) for c in response.commissions], response)


@router.post("/v1/commission-statements", name="finance.commission_statements.create",
             status_code=201, response_model=StatementOut, responses=_WRITE_ERRORS)
async def create_statement(body: StatementBody, request: Request, auth: Auth, ctx: Ctx,
                           rt: Runtime):
    ctx.target("user", body.person_id)
    return await _write(
        request, auth, ctx, rt, body, "CreateCommissionStatement",
        pb.CreateCommissionStatementRequest(person_id=body.person_id, month=body.month),
        lambda r: statement_json(r.statement), status=201,
        target=lambda r: ("commission_statement", r.statement.id))


@router.get("/v1/commission-statements", name="finance.commission_statements.list",
            response_model=Page[StatementOut])
async def list_statements(request: Request, auth: Auth, ctx: Ctx, person_id: IdQuery = None,
                          month: Annotated[str | None, Query(
                              pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] = None,
                          status: Annotated[Literal["draft", "reviewed", "paid"] | None,
                                            Query()] = None,
                          limit: Limit = 100, cursor: Cursor = None) -> dict:
    response = await _read(request, auth, ctx, "ListCommissionStatements",
                           pb.ListCommissionStatementsRequest(
                               person_id=person_id or "", month=month or "",
                               status=status or "", page_size=limit, page_token=cursor or ""))
    return page([statement_json(s) for s in response.statements], response)


@router.get("/v1/commission-statements/{statement_id}",
            name="finance.commission_statements.get", response_model=StatementOut)
async def get_statement(statement_id: IdPath, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("commission_statement", statement_id)
    response = await _read(request, auth, ctx, "GetCommissionStatement",
                           pb.CommissionStatementActionRequest(statement_id=statement_id))
    return statement_json(response.statement)


def _statement_action(action: str, method: str):
    async def act(statement_id: IdPath, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
        ctx.target("commission_statement", statement_id)
        return await _write(request, auth, ctx, rt, None, method,
                            pb.CommissionStatementActionRequest(statement_id=statement_id),
                            lambda r: statement_json(r.statement))
    router.add_api_route(f"/v1/commission-statements/{{statement_id}}/{action}", act,
                         methods=["POST"], name=f"finance.commission_statements.{action}",
                         response_model=StatementOut, responses=_WRITE_ERRORS)


_statement_action("review", "ReviewCommissionStatement")
_statement_action("pay", "PayCommissionStatement")
