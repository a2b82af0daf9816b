# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The CustomerExchangeService servicer: protobuf in → exports/imports → protobuf out."""
from __future__ import annotations

import datetime as dt

from contracts.leads import customer_exchange_pb2 as pb
from contracts.leads import customer_exchange_pb2_grpc as pb_grpc
from kit import idempotency, xlsx
from kit.caller import Caller
from kit.db import Database
from kit.errors import PermissionDenied
from kit.grpc_context import current_caller, idempotency_key

from ..customers import claims, records, rules
from ..customers.servicer import WRITER_ROLES
from ..settings import LeadsSettings
from . import columns, exports, imports

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["CustomerExchangeService"].full_name
ADD_TO_SERVER = pb_grpc.add_CustomerExchangeServiceServicer_to_server
CHUNK_BYTES = 512 * 1024


def _caller() -> Caller:
    caller = current_caller.get()
    if caller is None:  # the internal token opens no customer method
        raise PermissionDenied("a user's access token is required",
                               reason="auth.user_required", message_zh="需要用户访问令牌")
    return caller


class CustomerExchangeServicer(pb_grpc.CustomerExchangeServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db, self.settings = db, settings
        self.claim_rules = claims.ClaimRules(
            protection=dt.timedelta(days=settings.protection_days),
            collision_policy=settings.collision_policy, channel_rule=settings.channel_rule)

    def ExportCustomers(self, request, context):
        caller = _caller()
        exports.check_may_export(caller)
        f = request.filters
        filters = records.Filters(q=f.q, phone=f.phone, id_card=f.id_card, owner_id=f.owner_id,
                                  stage=f.stage, channel_id=f.channel_id, tag=f.tag,
                                  region=f.region)
        with self.db.read() as s:
            export = exports.export_customers(s, caller, filters,
                                              unmasked_roles=self.settings.unmasked_roles,
                                              max_rows=self.settings.export_max_rows)
        content = export.content
        yield pb.ExportCustomersChunk(row_count=export.row_count,
                                      file_name=exports.file_name(),
                                      content_type=xlsx.XLSX_CONTENT_TYPE,
                                      content=content[:CHUNK_BYTES])
        for start in range(CHUNK_BYTES, len(content), CHUNK_BYTES):
            yield pb.ExportCustomersChunk(content=content[start:start + CHUNK_BYTES])

    def GetCustomerImportTemplate(self, request, context):
        _caller()
        content = xlsx.template(columns.IMPORT_COLUMNS, title_zh="客户导入模板",
                                title_en="Customer import template",
                                instructions=columns.INSTRUCTIONS)
        return pb.ExchangeFile(file_name="customer-import-template.xlsx",
                               content_type=xlsx.XLSX_CONTENT_TYPE, content=content)

    def ImportCustomers(self, request, context):
        caller = _caller()
        if not caller.has_role(*WRITER_ROLES):
            raise PermissionDenied("your roles may not change customers",
                                   reason="customer.write_denied", message_zh="您无权修改客户")
        imports.check_file(request.content, self.settings.import_max_bytes)
        channel_id = rules.check_id("channel_id", request.channel_id)

        def apply(s) -> pb.ImportCustomersResponse:
            outcome = imports.import_customers(
                s, caller, request.content, file_name=request.file_name,
                on_duplicate=request.on_duplicate, channel_id=channel_id,
                claim_rules=self.claim_rules, max_rows=self.settings.import_max_rows)
            return pb.ImportCustomersResponse(
                imported=outcome.imported, customer_ids=outcome.customer_ids,
                claims=[pb.ImportedClaim(row=row, existing_customer_id=existing, claim_id=cid,
                                         status=status)
                        for row, existing, cid, status in outcome.claims],
                row_count=outcome.row_count,
                errors=[pb.ImportRowError(row=e.row, column=e.column, message=e.message,
                                          message_zh=e.message_zh) for e in outcome.errors],
                report_id=outcome.report_id)

        key = idempotency_key() or request.idempotency_key
        print_ = idempotency.fingerprint([caller.user_id, idempotency.protobuf_fingerprint(
            request, exclude=("idempotency_key",))])
        return idempotency.run_once(self.db, key, "ImportCustomers", print_, apply,
                                    idempotency.protobuf_codec(pb.ImportCustomersResponse))

    def GetCustomerImportReport(self, request, context):
        caller = _caller()
        with self.db.read() as s:
            row = imports.report(s, caller, request.report_id)
            return pb.ExchangeFile(file_name=f"customer-import-errors-{row.id[:8]}.xlsx",
                                   content_type=xlsx.XLSX_CONTENT_TYPE, content=row.content)
