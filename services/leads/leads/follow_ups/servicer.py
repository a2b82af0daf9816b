# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The FollowUpService servicer: protobuf in → the follow-ups modules → protobuf out.

Every method needs a person behind the call (a user or a branch's service account): the
data scope of its token decides what it sees. Writes run through kit.idempotency (the
request's key), so a retried write records nothing twice.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from contracts.leads import follow_ups_pb2 as pb
from contracts.leads import follow_ups_pb2_grpc as pb_grpc
from kit import idempotency
from kit.caller import Caller
from kit.db import Database
from kit.errors import PermissionDenied
from kit.grpc_context import current_caller, idempotency_key

from .. import to_do
from ..models import utcnow
from ..settings import LeadsSettings
from . import convert, plans, records, statistics, to_do_plans

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["FollowUpService"].full_name
ADD_TO_SERVER = pb_grpc.add_FollowUpServiceServicer_to_server


def _contact(fields: pb.FollowUpFields) -> records.Contact:
    return records.contact(fields.type, convert.time_of(fields, "occurred_at"),
                           fields.content, fields.outcome, fields.next_step)


def _to_do_item(item: to_do.ToDoItem, now: dt.datetime) -> pb.ToDoItem:
    message = pb.ToDoItem(kind=item.kind, id=item.id, customer_id=item.customer_id,
                          due_at=convert.timestamp(item.due_at), overdue=item.overdue,
                          summary=item.summary)
    if item.kind == to_do_plans.KIND:
        message.plan.CopyFrom(convert.plan(item.detail, now))
    return message


class FollowUpServicer(pb_grpc.FollowUpServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db, self.settings = db, settings
        self.zone = ZoneInfo(settings.follow_up_time_zone)

    # ---- helpers ---------------------------------------------------------------------
    @staticmethod
    def _caller() -> Caller:
        caller = current_caller.get()
        if caller is None:  # the internal token opens no follow-up method
            raise PermissionDenied("a user's access token is required",
                                   reason="auth.user_required", message_zh="需要用户访问令牌")
        return caller

    def _idempotent(self, method: str, request, response_type, caller: Caller, apply):
        key = idempotency_key() or getattr(request, "idempotency_key", "")
        print_ = idempotency.fingerprint([caller.user_id, idempotency.protobuf_fingerprint(
            request, exclude=("idempotency_key",))])

        def locked(s):
            records.begin_write(s)
            return apply(s)

        return idempotency.run_once(self.db, key, method, print_, locked,
                                    idempotency.protobuf_codec(response_type))

    # ---- follow-ups ------------------------------------------------------------------
    def RecordFollowUp(self, request, context):
        caller = self._caller()
        records.check_recorder(caller)
        what = _contact(request.follow_up)

        def apply(s) -> pb.RecordFollowUpResponse:
            c = records.visible_customer(s, caller, request.customer_id)
            return pb.RecordFollowUpResponse(
                follow_up=convert.follow_up(records.record(s, caller, c, what)))

        return self._idempotent("RecordFollowUp", request, pb.RecordFollowUpResponse, caller,
                                apply)

    def ListFollowUps(self, request, context):
        caller = self._caller()
        with self.db.read() as s:
            page = records.list_page(s, caller, request.customer_id, request.type,
                                     request.page_size, request.page_token)
            return pb.ListFollowUpsResponse(
                follow_ups=[convert.follow_up(f) for f in page.rows],
                next_page_token=page.next_token)

    def ListFollowUpTypes(self, request, context):
        self._caller()
        with self.db.read() as s:
            return pb.ListFollowUpTypesResponse(types=[
                convert.follow_up_type(t)
                for t in records.types(s, include_inactive=request.include_inactive)])

    def DefineFollowUpType(self, request, context):
        caller = self._caller()

        def apply(s) -> pb.DefineFollowUpTypeResponse:
            return pb.DefineFollowUpTypeResponse(type=convert.follow_up_type(
                records.define_type(s, caller, request.code, request.name, request.active)))

        return self._idempotent("DefineFollowUpType", request, pb.DefineFollowUpTypeResponse,
                                caller, apply)

    # ---- plans -----------------------------------------------------------------------
    def CreateFollowUpPlan(self, request, context):
        caller = self._caller()

        def apply(s) -> pb.CreateFollowUpPlanResponse:
            p, others = plans.create(s, caller, request.customer_id,
                                     due_at=convert.time_of(request, "due_at"),
                                     type_=request.type, note=request.note,
                                     owner_id=request.owner_id)
            now = utcnow()
            return pb.CreateFollowUpPlanResponse(
                plan=convert.plan(p, now), other_open_plans=[convert.plan(o, now)
                                                             for o in others])

        return self._idempotent("CreateFollowUpPlan", request, pb.CreateFollowUpPlanResponse,
                                caller, apply)

    def GetFollowUpPlan(self, request, context):
        caller = self._caller()
        with self.db.read() as s:
            return pb.GetFollowUpPlanResponse(
                plan=convert.plan(plans.visible(s, caller, request.plan_id), utcnow()))

    def ListFollowUpPlans(self, request, context):
        caller = self._caller()
        f = plans.Filters(customer_id=request.customer_id, owner_id=request.owner_id,
                          status=request.status,
                          due_before=convert.time_of(request, "due_before"))
        with self.db.read() as s:
            page = plans.list_page(s, caller, f, request.page_size, request.page_token)
            now = utcnow()
            return pb.ListFollowUpPlansResponse(plans=[convert.plan(p, now) for p in page.rows],
                                                next_page_token=page.next_token)

    def CompleteFollowUpPlan(self, request, context):
        caller = self._caller()
        what = _contact(request.follow_up)

        def apply(s) -> pb.CompleteFollowUpPlanResponse:
            p, f = plans.complete(s, caller, request.plan_id, what)
            return pb.CompleteFollowUpPlanResponse(plan=convert.plan(p, utcnow()),
                                                   follow_up=convert.follow_up(f))

        return self._idempotent("CompleteFollowUpPlan", request,
                                pb.CompleteFollowUpPlanResponse, caller, apply)

    def DelegateFollowUpPlan(self, request, context):
        caller = self._caller()

        def apply(s) -> pb.DelegateFollowUpPlanResponse:
            p = plans.delegate(s, caller, request.plan_id, request.to_user_id, request.note)
            return pb.DelegateFollowUpPlanResponse(plan=convert.plan(p, utcnow()))

        return self._idempotent("DelegateFollowUpPlan", request,
                                pb.DelegateFollowUpPlanResponse, caller, apply)

    def CancelFollowUpPlan(self, request, context):
        caller = self._caller()

        def apply(s) -> pb.CancelFollowUpPlanResponse:
            p = plans.cancel(s, caller, request.plan_id, request.reason)
            return pb.CancelFollowUpPlanResponse(plan=convert.plan(p, utcnow()))

        return self._idempotent("CancelFollowUpPlan", request, pb.CancelFollowUpPlanResponse,
                                caller, apply)

    def MergeFollowUpPlans(self, request, context):
        caller = self._caller()
        note = request.note if request.note else None

        def apply(s) -> pb.MergeFollowUpPlansResponse:
            p, merged = plans.merge(s, caller, list(request.plan_ids), request.into_plan_id,
                                    convert.time_of(request, "due_at"), note)
            return pb.MergeFollowUpPlansResponse(plan=convert.plan(p, utcnow()),
                                                 merged_plan_ids=merged)

        return self._idempotent("MergeFollowUpPlans", request, pb.MergeFollowUpPlansResponse,
                                caller, apply)

    # ---- to-do list and statistics ---------------------------------------------------
    def GetToDo(self, request, context):
        caller = self._caller()
        now = utcnow()
        window = to_do.today_window(now, self.zone, request.limit)
        with self.db.read() as s:
            items, truncated = to_do.collect(s, caller, window)
            return pb.GetToDoResponse(items=[_to_do_item(i, now) for i in items],
                                      truncated=truncated)

    def GetPlanStatistics(self, request, context):
        caller = self._caller()
        with self.db.read() as s:
            rows = statistics.per_person_day(
                s, caller, from_date=request.from_date, to_date=request.to_date,
                user_id=request.user_id, department_id=request.department_id,
                time_zone=self.settings.follow_up_time_zone, now=utcnow())
        return pb.GetPlanStatisticsResponse(rows=[pb.PlanStatisticsRow(
            user_id=r.user_id, user_name=r.user_name, date=r.date.isoformat(),
            planned=r.planned, completed=r.completed, overdue=r.overdue,
            follow_ups=r.follow_ups) for r in rows], time_zone=self.settings.follow_up_time_zone)
