# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The finance gRPC api process: `python -m finance.api` (plain grpcio, never patched).

The servicer only translates: protobuf in → the rule modules → protobuf out. Roles are
checked here (access.py), data scope through scope.py, errors are kit.errors raised by the
rule modules and mapped by kit.grpc_server's interceptor. Every write runs once per
idempotency key (kit.idempotency.run_once: effect and stored answer in one transaction).
"""
from __future__ import annotations

import logging

from contracts.finance import finance_pb2 as pb
from contracts.finance import finance_pb2_grpc as pb_grpc
from kit import approval_chain, grpc_server, idempotency, pagination
from kit.caller import Caller
from kit.db import Database
from kit.errors import NotFound
from kit.grpc_context import idempotency_key
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import (
    access,
    accounts,
    commissions,
    convert,
    payments,
    refunds,
    scope,
    vouchers,
)
from . import models as m
from .settings import FinanceSettings, load

log = logging.getLogger(__name__)
SERVICE_NAME = pb.DESCRIPTOR.services_by_name["FinanceService"].full_name
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 100, 500


def _page(s: Session, stmt, keys, size: int, token: str, name: str) -> pagination.Page:
    return pagination.keyset_page(
        s, stmt, keys, token=token, list_name=name,
        size=pagination.page_size(size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE))


class FinanceServicer(pb_grpc.FinanceServiceServicer):
    def __init__(self, db: Database, settings: FinanceSettings):
        self.db, self.settings = db, settings

    def _once(self, method: str, request, response_type, caller: Caller, apply):
        """`apply(session)` once per idempotency key; same key + same request from the same
        caller → the stored answer, another request → idempotency_conflict."""
        fingerprint = idempotency.fingerprint([caller.user_id,
                                               idempotency.protobuf_fingerprint(request)])
        return idempotency.run_once(self.db, idempotency_key(), method, fingerprint, apply,
                                    idempotency.protobuf_codec(response_type))

    # ---- accounts and orders ---------------------------------------------------------
    def GetAccount(self, request, context):
        caller = access.require(*access.READ_ROLES)
        with self.db.session() as s:
            if not scope.customer_visible(s, caller, request.customer_id):
                raise NotFound(f"no account for customer {request.customer_id}",
                               reason="account.not_found",
                               message_zh=f"客户 {request.customer_id} 没有账户")
            return pb.GetAccountResponse(
                account=convert.account(accounts.account(s, request.customer_id)))

    def GetOrder(self, request, context):
        caller = access.require(*access.READ_ROLES)
        with self.db.session() as s:
            o = scope.order(s, caller, request.order_id)
            return pb.GetOrderResponse(order=convert.order(o, payments.paid_total(s, o.id)))

    # ---- payments --------------------------------------------------------------------
    def RecordPayment(self, request, context):
        caller = access.require(*access.PAYMENT_ROLES)
        cmd = payments.PaymentCommand(order_id=request.order_id, kind=request.kind,
                                      amount_fen=request.amount_fen,
                                      method=request.method or "cash", note=request.note)

        def apply(s: Session):
            scope.order(s, caller, cmd.order_id)
            return pb.RecordPaymentResponse(payment=convert.payment(
                payments.record(s, cmd, recorded_by=caller.user_id)))
        return self._once("RecordPayment", request, pb.RecordPaymentResponse, caller, apply)

    def ListPayments(self, request, context):
        caller = access.require(*access.READ_ROLES)
        stmt = select(m.Payment).join(m.Order, m.Order.id == m.Payment.order_id).where(
            scope.where(caller, scope.ORDER))
        if request.order_id:
            stmt = stmt.where(m.Payment.order_id == request.order_id)
        if request.customer_id:
            stmt = stmt.where(m.Payment.customer_id == request.customer_id)
        with self.db.session() as s:
            page = _page(s, stmt, (m.Payment.recorded_at, m.Payment.id), request.page_size,
                         request.page_token, f"payments:{request.order_id}:{request.customer_id}")
            return pb.ListPaymentsResponse(payments=[convert.payment(p) for p in page.rows],
                                           next_page_token=page.next_token)

    # ---- vouchers --------------------------------------------------------------------
    def _document_order(self, s: Session, caller: Caller, document_type: str,
                        document_id: str) -> None:
        model = vouchers.DOCUMENT_TYPES.get(document_type)
        row = s.get(model, document_id) if model is not None else None
        if row is None:
            raise vouchers._document_not_found(document_type or "payment", document_id)
        try:
            scope.order(s, caller, row.order_id)
        except NotFound:
            raise vouchers._document_not_found(document_type, document_id) from None

    def UploadVoucher(self, request, context):
        caller = access.require(*access.READ_ROLES)

        def apply(s: Session):
            self._document_order(s, caller, request.document_type, request.document_id)
            v = vouchers.upload(
                s, document_type=request.document_type, document_id=request.document_id,
                content=request.content, content_type=request.content_type,
                file_name=request.file_name, uploaded_by=caller.user_id,
                allowed=tuple(self.settings.voucher_content_types),
                max_bytes=self.settings.voucher_max_bytes)
            return pb.UploadVoucherResponse(voucher=convert.voucher(v))
        return self._once("UploadVoucher", request, pb.UploadVoucherResponse, caller, apply)

    def _voucher(self, s: Session, caller: Caller, voucher_id: str) -> m.Voucher:
        v = s.get(m.Voucher, voucher_id)
        try:
            if v is None:
                raise NotFound("", reason="voucher.not_found")
            self._document_order(s, caller, v.document_type, v.document_id)
        except NotFound:
            raise NotFound(f"voucher {voucher_id} not found", reason="voucher.not_found",
                           message_zh=f"凭证 {voucher_id} 不存在") from None
        return v

    def GetVoucher(self, request, context):
        caller = access.require(*access.READ_ROLES)
        with self.db.session() as s:
            v = self._voucher(s, caller, request.voucher_id)
            return pb.GetVoucherResponse(voucher=convert.voucher(v),
                                         content=vouchers.content(s, v))

    def ListVouchers(self, request, context):
        caller = access.require(*access.READ_ROLES)
        with self.db.session() as s:
            self._document_order(s, caller, request.document_type, request.document_id)
            rows = s.scalars(select(m.Voucher).where(
                m.Voucher.document_type == request.document_type,
                m.Voucher.document_id == request.document_id).order_by(m.Voucher.uploaded_at))
            return pb.ListVouchersResponse(vouchers=[convert.voucher(v) for v in rows])

    # ---- refunds ---------------------------------------------------------------------
    def _refund_msg(self, s: Session, r: m.Refund) -> pb.Refund:
        return convert.refund(r, approval_chain.load(s, refunds.CHAIN, r.id))

    def _visible_refund(self, s: Session, caller: Caller, refund_id: str) -> m.Refund:
        r = s.get(m.Refund, refund_id)
        if r is None:
            raise refunds.not_found(refund_id)
        try:
            scope.order(s, caller, r.order_id)
        except NotFound:
            raise refunds.not_found(refund_id) from None
        return r

    def QuoteRefund(self, request, context):
        caller = access.require(*access.REFUND_REQUEST_ROLES)
        with self.db.session() as s:
            o = scope.order(s, caller, request.order_id)
            pre = refunds.prefill(s, o)
            return pb.QuoteRefundResponse(quote=convert.quote(
                o.id, pre.enrollment.id if pre.enrollment else None, o.customer_id, pre.stage,
                pre.quote))

    def RequestRefund(self, request, context):
        caller = access.require(*access.REFUND_REQUEST_ROLES)

        def apply(s: Session):
            scope.order(s, caller, request.order_id)
            r = refunds.request(s, request.order_id, request.amount_fen, request.reason,
                                caller)
            return pb.RefundResponse(refund=self._refund_msg(s, r))
        return self._once("RequestRefund", request, pb.RefundResponse, caller, apply)

    def _decide(self, method: str, request, approve: bool):
        caller = access.require(*access.REFUND_DECISION_ROLES)

        def apply(s: Session):
            self._visible_refund(s, caller, request.refund_id)
            r = refunds.decide(s, request.refund_id, caller, approve=approve,
                               note=request.note)
            return pb.RefundResponse(refund=self._refund_msg(s, r))
        return self._once(method, request, pb.RefundResponse, caller, apply)

    def ApproveRefund(self, request, context):
        return self._decide("ApproveRefund", request, True)

    def RejectRefund(self, request, context):
        return self._decide("RejectRefund", request, False)

    def PayRefund(self, request, context):
        caller = access.require(*access.CASHIER_ROLES)

        def apply(s: Session):
            self._visible_refund(s, caller, request.refund_id)
            r = refunds.pay(s, request.refund_id, caller)
            return pb.RefundResponse(refund=self._refund_msg(s, r))
        return self._once("PayRefund", request, pb.RefundResponse, caller, apply)

    def GetRefund(self, request, context):
        caller = access.require(*access.READ_ROLES)
        with self.db.session() as s:
            return pb.RefundResponse(refund=self._refund_msg(
                s, self._visible_refund(s, caller, request.refund_id)))

    def ListRefunds(self, request, context):
        caller = access.require(*access.READ_ROLES)
        stmt = select(m.Refund).join(m.Order, m.Order.id == m.Refund.order_id).where(
            scope.where(caller, scope.ORDER))
        if request.order_id:
            stmt = stmt.where(m.Refund.order_id == request.order_id)
        if request.status:
            stmt = stmt.where(m.Refund.status == request.status)
        with self.db.session() as s:
            page = _page(s, stmt, (m.Refund.requested_at, m.Refund.id), request.page_size,
                         request.page_token, f"refunds:{request.order_id}:{request.status}")
            return pb.ListRefundsResponse(refunds=[self._refund_msg(s, r) for r in page.rows],
                                          next_page_token=page.next_token)

    # ---- commissions -----------------------------------------------------------------
    def ListCommissions(self, request, context):
        caller = access.require(*access.READ_ROLES)
        stmt = select(m.Commission).where(scope.where(caller, scope.COMMISSION))
        for column, value in ((m.Commission.person_id, request.person_id),
                              (m.Commission.month, request.month),
                              (m.Commission.order_id, request.order_id)):
            if value:
                stmt = stmt.where(column == value)
        with self.db.session() as s:
            page = _page(s, stmt, (m.Commission.accrued_at, m.Commission.id),
                         request.page_size, request.page_token,
                         f"commissions:{request.person_id}:{request.month}:{request.order_id}")
            return pb.ListCommissionsResponse(
                commissions=[convert.commission(c) for c in page.rows],
                next_page_token=page.next_token)

    def _statement(self, s: Session, caller: Caller, statement_id: str):
        row = s.scalar(select(m.CommissionStatement).where(
            m.CommissionStatement.id == statement_id, scope.where(caller, scope.STATEMENT)))
        if row is None:
            raise commissions.statement_not_found(statement_id)
        return row

    def CreateCommissionStatement(self, request, context):
        caller = access.require(*access.STATEMENT_ROLES)

        def apply(s: Session):
            st = commissions.create_statement(s, request.person_id, request.month, caller)
            return pb.CommissionStatementResponse(statement=convert.statement(st))
        return self._once("CreateCommissionStatement", request,
                          pb.CommissionStatementResponse, caller, apply)

    def ReviewCommissionStatement(self, request, context):
        caller = access.require(*access.STATEMENT_ROLES, right=access.REVIEW_RIGHT)

        def apply(s: Session):
            self._statement(s, caller, request.statement_id)
            st = commissions.review_statement(s, request.statement_id, caller)
            return pb.CommissionStatementResponse(statement=convert.statement(st))
        return self._once("ReviewCommissionStatement", request,
                          pb.CommissionStatementResponse, caller, apply)

    def PayCommissionStatement(self, request, context):
        caller = access.require(*access.CASHIER_ROLES)

        def apply(s: Session):
            self._statement(s, caller, request.statement_id)
            st = commissions.pay_statement(s, request.statement_id, caller)
            return pb.CommissionStatementResponse(statement=convert.statement(st))
        return self._once("PayCommissionStatement", request,
                          pb.CommissionStatementResponse, caller, apply)

    def GetCommissionStatement(self, request, context):
        caller = access.require(*access.READ_ROLES)
        with self.db.session() as s:
            return pb.CommissionStatementResponse(
                statement=convert.statement(self._statement(s, caller, request.statement_id)))

    def ListCommissionStatements(self, request, context):
        caller = access.require(*access.READ_ROLES)
        stmt = select(m.CommissionStatement).where(scope.where(caller, scope.STATEMENT))
        for column, value in ((m.CommissionStatement.person_id, request.person_id),
                              (m.CommissionStatement.month, request.month),
                              (m.CommissionStatement.status, request.status)):
            if value:
                stmt = stmt.where(column == value)
        with self.db.session() as s:
            page = _page(s, stmt, (m.CommissionStatement.month, m.CommissionStatement.id),
                         request.page_size, request.page_token,
                         f"statements:{request.person_id}:{request.month}:{request.status}")
            return pb.ListCommissionStatementsResponse(
                statements=[convert.statement(x) for x in page.rows],
                next_page_token=page.next_token)


def build_server(settings: FinanceSettings, db: Database, *, address: str | None = None,
                 **server_kwargs) -> grpc_server.GrpcServer:
    return grpc_server.create_server(
        [(pb_grpc.add_FinanceServiceServicer_to_server, FinanceServicer(db, settings))],
        [SERVICE_NAME], address or f"{settings.grpc_host}:{settings.grpc_port}",
        part="finance", **server_kwargs)


def main() -> None:
    import os

    from kit.grpc_client import channel, identity_key_set
    from kit.grpc_tls import load_tls
    from kit.internal_auth import load_internal_token
    from kit.logs import configure_logging
    from kit.revocation_follower import follow_identity

    from . import production

    configure_logging("finance")
    production.enforce("finance-api", os.environ)
    settings = load()
    db = Database(settings.database_url)
    servicer = FinanceServicer(db, settings)
    identity = channel(settings.identity_address, tls=load_tls("finance"))
    # Frozen users and revoked sessions are refused here too, not only at the gateway. The
    # internal token is only presented to identity (ListRevocations): finance lists no
    # internal-token method of its own.
    revocations = follow_identity(part="finance", amqp_uri=settings.amqp_uri,
                                  identity=identity,
                                  internal_token=load_internal_token()).start()
    try:
        grpc_server.serve(
            [(pb_grpc.add_FinanceServiceServicer_to_server, servicer)], [SERVICE_NAME],
            f"{settings.grpc_host}:{settings.grpc_port}", part="finance",
            metrics_port=settings.metrics_port, key_set=identity_key_set(identity),
            caller_check=revocations.check, on_started=revocations.follower.attach_health)
    finally:
        revocations.stop()
        db.dispose()


if __name__ == "__main__":
    main()
