# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The SalesTargetService servicer: protobuf in → targets/attainment → protobuf out."""
from __future__ import annotations

import datetime as dt

from contracts.leads import sales_targets_pb2 as pb
from contracts.leads import sales_targets_pb2_grpc as pb_grpc
from kit import idempotency
from kit.caller import Caller
from kit.db import Database
from kit.errors import PermissionDenied
from kit.grpc_context import current_caller, idempotency_key
from sqlalchemy.orm import Session

from ..models import SalesTarget
from ..settings import LeadsSettings
from . import attainment, rules, targets

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["SalesTargetService"].full_name
ADD_TO_SERVER = pb_grpc.add_SalesTargetServiceServicer_to_server


def _caller() -> Caller:
    caller = current_caller.get()
    if caller is None:
        raise PermissionDenied("a user's access token is required",
                               reason="auth.user_required", message_zh="需要用户访问令牌")
    return caller


def target_message(s: Session, target: SalesTarget) -> pb.SalesTarget:
    """The target with its splits and the attainment of each person and of the team (people
    who sold toward it without a split appear with a zero share)."""
    attained = attainment.of_target(s, target.id)
    splits = []
    for split in targets.splits_of(s, target.id):
        amount, deals = attained.get(split.user_id, (0, 0))
        splits.append(pb.TargetSplit(user_id=split.user_id, amount_fen=split.amount_fen,
                                     deals=split.deals, attained_amount_fen=amount,
                                     attained_deals=deals,
                                     attainment_rate=rules.rate(amount, split.amount_fen)))
    shared = {x.user_id for x in splits}
    for user_id in sorted(set(attained) - shared):
        amount, deals = attained[user_id]
        splits.append(pb.TargetSplit(user_id=user_id, attained_amount_fen=amount,
                                     attained_deals=deals))
    total_amount = sum(a for a, _ in attained.values())
    total_deals = sum(d for _, d in attained.values())
    return pb.SalesTarget(
        id=target.id, name=target.name, period_start=target.period_start.isoformat(),
        period_end=target.period_end.isoformat(), course_id=target.course_id,
        campus_id=target.campus_id, customer_type=target.customer_type,
        department_id=target.department_id, region_id=target.region_id or "",
        amount_fen=target.amount_fen, deals=target.deals, splits=splits,
        attained_amount_fen=total_amount, attained_deals=total_deals,
        attainment_rate=rules.rate(total_amount, target.amount_fen), version=target.version)


class SalesTargetServicer(pb_grpc.SalesTargetServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db, self.settings = db, settings

    def _idempotent(self, method: str, request, caller: Caller, apply):
        key = idempotency_key() or request.idempotency_key
        print_ = idempotency.fingerprint([caller.user_id, idempotency.protobuf_fingerprint(
            request, exclude=("idempotency_key",))])
        return idempotency.run_once(self.db, key, method, print_, apply,
                                    idempotency.protobuf_codec(pb.SalesTargetResponse))

    def CreateSalesTarget(self, request, context):
        caller = _caller()
        t = request.target
        spec = rules.check_target(
            name=t.name, period_start=t.period_start, period_end=t.period_end,
            course_id=t.course_id, campus_id=t.campus_id, customer_type=t.customer_type,
            department_id=t.department_id, region_id=t.region_id, amount_fen=t.amount_fen,
            deals=t.deals)
        splits = rules.check_splits(t.splits, spec.amount_fen, spec.deals)

        def apply(s) -> pb.SalesTargetResponse:
            target = targets.create(s, caller, spec, splits)
            return pb.SalesTargetResponse(target=target_message(s, target))

        return self._idempotent("CreateSalesTarget", request, caller, apply)

    def GetSalesTarget(self, request, context):
        caller = _caller()
        with self.db.read() as s:
            target = targets.get(s, caller, request.target_id)
            return pb.SalesTargetResponse(target=target_message(s, target))

    def ListSalesTargets(self, request, context):
        caller = _caller()
        on_date = None
        if request.on_date:
            try:
                on_date = dt.date.fromisoformat(request.on_date)
            except ValueError:
                raise rules.invalid("on_date", "on_date must be YYYY-MM-DD",
                                    "日期格式须为 YYYY-MM-DD") from None
        with self.db.read() as s:
            page = targets.list_page(s, caller, request.department_id, on_date,
                                     request.page_size, request.page_token)
            return pb.ListSalesTargetsResponse(
                targets=[target_message(s, t) for t in page.rows],
                next_page_token=page.next_token)

    def SetSalesTargetSplits(self, request, context):
        caller = _caller()

        def apply(s) -> pb.SalesTargetResponse:
            target = targets.get(s, caller, request.target_id, for_update=True)
            splits = rules.check_splits(request.splits, target.amount_fen, target.deals)
            targets.set_splits(s, caller, target, splits, request.expected_version)
            return pb.SalesTargetResponse(target=target_message(s, target))

        return self._idempotent("SetSalesTargetSplits", request, caller, apply)
