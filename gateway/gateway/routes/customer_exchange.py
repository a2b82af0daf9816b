"""Customers in Excel (leads service, customer exchange area): export, the import template,
all-or-nothing imports and their error reports.

- `GET /v1/customers/export`: the `export` right (or admin) only, checked here and again by
  the service; the customers of the caller's scope that the list's filters select; phones and
  ID numbers masked by role (the service's rule); every exported row counts as a customer
  record read (personal_reads.py) before the file is sent.
- `POST /v1/customers/import`: the xlsx workbook as the raw body (Content-Type
  `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, within the gateway's
  body limit); 201 when every row was created, else 422 `import-rejected` listing every
  error (row, column, zh + en) with `report_url`, the rows and their errors as a workbook.

These paths are registered before the customers area's `/v1/customers/{customer_id}`.
(No `from __future__ import annotations`: FastAPI reads the annotations of the routes.)
"""
import hashlib
import urllib.parse
from typing import Annotated, Literal

import grpc
from contracts.leads import customer_exchange_pb2 as pb
from contracts.leads import customer_exchange_pb2_grpc as pb_grpc
from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel

from .. import leads_client, middleware
from ..auth import require_right
from ..context import before_forward
from ..idempotency import fingerprint, idempotency_key
from ..leads_client import leads_of
from ..personal_reads import DataKind
from ..problems import Problem
from ..runtime import forward_metadata
from ..schemas import ID_PATTERN, Text
from ..service_client import problem_from_rpc_error
from .deps import Auth, Ctx, Runtime, count_personal_records

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREFIX = "/v1/customers"
IMPORT_PATH = f"{PREFIX}/import"
EXPORT_TIMEOUT_SECONDS = 120.0
IMPORT_TIMEOUT_SECONDS = 120.0
MAX_JSON_ERRORS = 1000  # the report holds them all

router = APIRouter(prefix=PREFIX, tags=["customers"])
leads_client.LEADS_STUBS.append(pb_grpc.CustomerExchangeServiceStub)
middleware.BINARY_BODIES[IMPORT_PATH] = frozenset({XLSX_CONTENT_TYPE})

_XLSX_ANSWER = {"content": {XLSX_CONTENT_TYPE: {}}}
_SAFE = str.maketrans({c: "_" for c in '"\\\r\n;'})


def _file_response(content: bytes, file_name: str, content_type: str) -> Response:
    ascii_name = file_name.encode("ascii", "replace").decode().translate(_SAFE)
    disposition = (f'attachment; filename="{ascii_name}"; '
                   f"filename*=UTF-8''{urllib.parse.quote(file_name, safe='')}")
    return Response(content, media_type=content_type or XLSX_CONTENT_TYPE,
                    headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


@router.get("/export", name="customers.export", response_class=Response,
            responses={200: {**_XLSX_ANSWER, "description": (
                "The customers as an Excel workbook (every row counts toward the caller's "
                "personal-data read limit)")}})
async def export_customers(
    request: Request, auth: Auth,
    q: Annotated[Text | None, Query(max_length=100)] = None,
    phone: Annotated[str | None, Query(pattern=r"^\+?[0-9][0-9 \-]{5,22}$")] = None,
    id_card: Annotated[str | None, Query(pattern=r"^[0-9]{17}[0-9Xx]$")] = None,
    owner_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    stage: Literal["lead", "prospect", "enrolled", "alumni"] | None = None,
    channel_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    tag: Annotated[Text | None, Query(max_length=50)] = None,
    region: Annotated[Text | None, Query(max_length=100)] = None,
) -> Response:
    """The customers of GET /v1/customers (same filters, the caller's scope) as xlsx."""
    ctx = auth.ctx
    ctx.target("customer")
    require_right(auth, "export")
    filters = pb.CustomerFilters(q=q or "", phone=phone or "", id_card=id_card or "",
                                 owner_id=owner_id or "", stage=stage or "",
                                 channel_id=channel_id or "", tag=tag or "", region=region or "")
    client = leads_of(request)
    await before_forward()
    try:
        call = client.stub.ExportCustomers(pb.ExportCustomersRequest(filters=filters),
                                           metadata=tuple(forward_metadata(ctx, auth)),
                                           timeout=EXPORT_TIMEOUT_SECONDS)
        chunks = [chunk async for chunk in call]
    except grpc.aio.AioRpcError as error:
        raise problem_from_rpc_error(error) from None
    first = chunks[0]
    ctx.detail["rows"] = first.row_count
    ctx.detail["filters"] = {k: v for k, v in (("q", q), ("owner_id", owner_id), ("stage", stage),
                                                ("channel_id", channel_id), ("tag", tag),
                                                ("region", region)) if v}
    await count_personal_records(auth, DataKind.CUSTOMER, first.row_count)
    return _file_response(b"".join(c.content for c in chunks), first.file_name,
                          first.content_type)


@router.get("/import-template", name="customers.import_template", response_class=Response,
            responses={200: {**_XLSX_ANSWER, "description": "The customer import template"}})
async def import_template(request: Request, auth: Auth) -> Response:
    ctx = auth.ctx
    ctx.target("customer_import_template")
    answer = await leads_of(request).call("GetCustomerImportTemplate",
                                          pb.GetCustomerImportTemplateRequest(),
                                          forward_metadata(ctx, auth))
    return _file_response(answer.content, answer.file_name, answer.content_type)


class ImportedClaimOut(BaseModel):
    row: int
    existing_customer_id: str
    claim_id: str
    status: Literal["approved", "requested"]


class ImportOut(BaseModel):
    imported: bool
    row_count: int
    customer_ids: list[str]
    claims: list[ImportedClaimOut]


_IMPORT_BODY = {"requestBody": {"required": True, "content": {XLSX_CONTENT_TYPE: {
    "schema": {"type": "string", "format": "binary"}}}}}


@router.post("/import", name="customers.import", status_code=201, response_model=ImportOut,
             openapi_extra=_IMPORT_BODY,
             responses={422: {"description": (
                 "`import-rejected`: nothing was imported; `errors` lists every row's errors "
                 "(row, column, message, message_zh), `report_url` the rows with their errors "
                 "as xlsx. Or a file that cannot be read at all (`import-unreadable`, "
                 "`import-columns`, `import-too-many-rows`, `import-empty`).")}})
async def import_customers(
    request: Request, auth: Auth, ctx: Ctx, rt: Runtime,
    on_duplicate: Literal["refuse", "claim"] = Query("refuse", description=(
        "`claim`: a row whose phone or ID number exists becomes an ownership claim")),
    channel_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    file_name: Annotated[Text | None, Query(max_length=200)] = None,
):
    """Create every row of the workbook (the import template's columns), or none."""
    ctx.target("customer_import")
    content = await request.body()
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        answer = await leads_of(request).call(
            "ImportCustomers", pb.ImportCustomersRequest(
                content=content, file_name=file_name or "", on_duplicate=on_duplicate,
                channel_id=channel_id or "", idempotency_key=key or ""),
            forward_metadata(ctx, auth, key), timeout=IMPORT_TIMEOUT_SECONDS)
        ctx.detail["rows"] = answer.row_count
        if not answer.imported:
            ctx.detail["errors"] = len(answer.errors)
            raise Problem(
                422, "import-rejected", "Import rejected",
                f"Nothing was imported: {len(answer.errors)} errors in the file; see errors "
                "and the report.",
                f"未导入任何数据：文件中有 {len(answer.errors)} 处错误，请查看错误列表与报告。",
                extra={"error_count": len(answer.errors),
                       "errors": [{"row": e.row, "column": e.column or None,
                                   "message": e.message, "message_zh": e.message_zh}
                                  for e in answer.errors[:MAX_JSON_ERRORS]],
                       "report_id": answer.report_id,
                       "report_url": f"{PREFIX}/import-reports/{answer.report_id}"})
        return 201, {"imported": True, "row_count": answer.row_count,
                     "customer_ids": list(answer.customer_ids),
                     "claims": [{"row": c.row, "existing_customer_id": c.existing_customer_id,
                                 "claim_id": c.claim_id, "status": c.status}
                                for c in answer.claims]}

    print_ = fingerprint(request.method, request.url.path, {
        "sha256": hashlib.sha256(content).hexdigest(), "on_duplicate": on_duplicate,
        "channel_id": channel_id, "file_name": file_name})
    return await rt.idempotency.run(auth.caller.user_id, key, print_, run)


@router.get("/import-reports/{report_id}", name="customers.import_report",
            response_class=Response,
            responses={200: {**_XLSX_ANSWER, "description": (
                "A rejected import's rows with their errors (the uploader's own, for 7 days)")}})
async def import_report(report_id: Annotated[str, Path(pattern=ID_PATTERN)], request: Request,
                        auth: Auth) -> Response:
    ctx = auth.ctx
    ctx.target("customer_import", report_id)
    answer = await leads_of(request).call(
        "GetCustomerImportReport", pb.GetCustomerImportReportRequest(report_id=report_id),
        forward_metadata(ctx, auth))
    return _file_response(answer.content, answer.file_name, answer.content_type)
