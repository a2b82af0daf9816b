# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The network area's servicers (network.proto): protobuf in → the area's modules →
protobuf out. Every method needs a person behind the call (a user or a branch's service
account); writes are idempotent by the request's key (common.run_write)."""
from __future__ import annotations

from contracts.leads import network_pb2 as pb
from contracts.leads import network_pb2_grpc as pb_grpc
from kit.db import Database

from ..models import utcnow
from ..settings import LeadsSettings
from . import activities, channels, convert, referrals, service_requests, surveys
from . import survey_rules as sr
from .common import (
    MANAGER_ROLES,
    TIER_ROLES,
    WRITER_ROLES,
    caller,
    from_timestamp,
    require_role,
    run_write,
    tri_state,
)

SERVICE_NAMES = {name: pb.DESCRIPTOR.services_by_name[name].full_name for name in (
    "ChannelService", "ReferralService", "ActivityService", "ServiceRequestService",
    "SurveyService")}


def _named_fields(message, names) -> dict:
    return {n: getattr(message, n) for n in names}


# ---- channels ---------------------------------------------------------------------------------

class ChannelServicer(pb_grpc.ChannelServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db, self.settings = db, settings

    def _message(self, s, who, row) -> pb.Channel:
        figures = channels.figures_of(s, [row.id])[row.id]
        return convert.channel(row, figures, full=self._full(who, row))

    def _full(self, who, row) -> bool:
        return who.has_role(*self.settings.unmasked_roles) or row.owner_id == who.user_id

    def _messages(self, s, who, rows) -> list[pb.Channel]:
        figures = channels.figures_of(s, [r.id for r in rows])
        return [convert.channel(r, figures[r.id], full=self._full(who, r)) for r in rows]

    def ListChannelTiers(self, request, context):
        caller()
        with self.db.read() as s:
            return pb.ListChannelTiersResponse(tiers=[convert.tier(t) for t in channels.tiers(s)])

    def CreateChannelTier(self, request, context):
        who = require_role(caller(), TIER_ROLES, "define channel tiers", "定义渠道分类")

        def apply(s):
            return pb.CreateChannelTierResponse(tier=convert.tier(channels.create_tier(
                s, request.code, request.name, request.position)))
        return run_write(self.db, who, "CreateChannelTier", request,
                         pb.CreateChannelTierResponse, apply)

    def CreateChannel(self, request, context):
        who = require_role(caller(), MANAGER_ROLES, "manage channels", "管理渠道")
        values = _named_fields(request.channel, (*channels.WRITABLE, "inactive"))

        def apply(s):
            row = channels.create(s, who, values)
            return pb.CreateChannelResponse(channel=self._message(s, who, row))
        return run_write(self.db, who, "CreateChannel", request, pb.CreateChannelResponse, apply)

    def GetChannel(self, request, context):
        who = caller()
        with self.db.read() as s:
            row = channels.visible(s, who, request.channel_id)
            return pb.GetChannelResponse(channel=self._message(s, who, row))

    def ListChannels(self, request, context):
        who = caller()
        f = channels.Filters(tier=request.tier, parent_id=request.parent_id,
                             roots_only=request.roots_only,
                             active=tri_state("active", request.active),
                             region_id=request.region_id, q=request.q)
        with self.db.read() as s:
            page = channels.list_page(s, who, f, request.page_size, request.page_token)
            return pb.ListChannelsResponse(channels=self._messages(s, who, page.rows),
                                           next_page_token=page.next_token)

    def GetChannelTree(self, request, context):
        who = caller()
        with self.db.read() as s:
            nodes, truncated = channels.subtree(s, who, request.root_id,
                                                request.include_inactive, request.tier)
            messages = self._messages(s, who, [row for row, _ in nodes])
            return pb.GetChannelTreeResponse(
                nodes=[pb.ChannelNode(channel=m, depth=depth)
                       for m, (_, depth) in zip(messages, nodes, strict=True)],
                truncated=truncated)

    def UpdateChannel(self, request, context):
        who = require_role(caller(), MANAGER_ROLES, "manage channels", "管理渠道")
        names = list(dict.fromkeys(request.update_fields))

        def apply(s):
            if "parent_id" in names:
                channels.lock_tree(s)
            row = channels.visible(s, who, request.channel_id, for_update=True)
            channels.update(s, who, row, _named_fields(request.channel, [
                n for n in names if n in channels.WRITABLE]))
            unknown = [n for n in names if n not in channels.WRITABLE]
            if unknown:
                channels.check_field(s, unknown[0], None)   # raises invalid.update_fields
            return pb.UpdateChannelResponse(channel=self._message(s, who, row))
        return run_write(self.db, who, "UpdateChannel", request, pb.UpdateChannelResponse, apply)

    def DeleteChannel(self, request, context):
        who = require_role(caller(), MANAGER_ROLES, "manage channels", "管理渠道")

        def apply(s):
            channels.delete(s, who, channels.visible(s, who, request.channel_id,
                                                     for_update=True))
            return pb.DeleteChannelResponse()
        return run_write(self.db, who, "DeleteChannel", request, pb.DeleteChannelResponse, apply)

    def RecordChannelVisit(self, request, context):
        who = require_role(caller(), WRITER_ROLES, "record channel visits", "记录渠道拜访")

        def apply(s):
            row = channels.visible(s, who, request.channel_id)
            visit = channels.record_visit(s, who, row, from_timestamp(request, "visited_at"),
                                          request.notes)
            return pb.RecordChannelVisitResponse(visit=convert.visit(visit))
        return run_write(self.db, who, "RecordChannelVisit", request,
                         pb.RecordChannelVisitResponse, apply)

    def ListChannelVisits(self, request, context):
        who = caller()
        with self.db.read() as s:
            row = channels.visible(s, who, request.channel_id)
            page = channels.visits_page(s, row, request.page_size, request.page_token)
            return pb.ListChannelVisitsResponse(visits=[convert.visit(v) for v in page.rows],
                                                next_page_token=page.next_token)


# ---- referrals --------------------------------------------------------------------------------

class ReferralServicer(pb_grpc.ReferralServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db = db

    def CreateReferral(self, request, context):
        who = require_role(caller(), WRITER_ROLES, "record referrals", "记录推荐关系")

        def apply(s):
            row = referrals.create(s, who, request.referrer_id, request.referred_id,
                                   request.note)
            [named] = referrals.with_names(s, [row])
            return pb.CreateReferralResponse(referral=convert.referral(named))
        return run_write(self.db, who, "CreateReferral", request, pb.CreateReferralResponse,
                         apply)

    def ListReferrals(self, request, context):
        who = caller()
        with self.db.read() as s:
            rows, token = referrals.list_page(s, who, request.referrer_id, request.referred_id,
                                              request.page_size, request.page_token)
            return pb.ListReferralsResponse(referrals=[convert.referral(r) for r in rows],
                                            next_page_token=token)

    def SetReferralPromise(self, request, context):
        who = require_role(caller(), WRITER_ROLES, "record referral promises", "记录推荐承诺")

        def apply(s):
            referrer, period = referrals.set_promise(s, who, request.referrer_id,
                                                     request.period, request.promised)
            _, [ranked] = referrals.rankings(s, who, period, 1, only_referrer=referrer.id)
            message = convert.ranking(ranked)
            message.rank = 0   # a ranking of one is no rank
            return pb.SetReferralPromiseResponse(referrer=message)
        return run_write(self.db, who, "SetReferralPromise", request,
                         pb.SetReferralPromiseResponse, apply)

    def GetReferralRankings(self, request, context):
        who = caller()
        with self.db.read() as s:
            period, ranked = referrals.rankings(s, who, request.period, request.limit)
            return pb.GetReferralRankingsResponse(period=period,
                                                  referrers=[convert.ranking(r) for r in ranked])


# ---- activities -------------------------------------------------------------------------------

_ACTIVITY_TIMES = ("starts_at", "ends_at")


def _activity_values(message, names) -> dict:
    return {n: from_timestamp(message, n) if n in _ACTIVITY_TIMES else getattr(message, n)
            for n in names}


class ActivityServicer(pb_grpc.ActivityServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db = db

    def CreateActivity(self, request, context):
        who = require_role(caller(), MANAGER_ROLES, "manage marketing activities", "管理市场活动")
        values = _activity_values(request.activity, activities.WRITABLE)

        def apply(s):
            return pb.CreateActivityResponse(activity=convert.activity(
                activities.create(s, who, values)))
        return run_write(self.db, who, "CreateActivity", request, pb.CreateActivityResponse,
                         apply)

    def GetActivity(self, request, context):
        who = caller()
        with self.db.read() as s:
            return pb.GetActivityResponse(activity=convert.activity(
                activities.visible(s, who, request.activity_id)))

    def ListActivities(self, request, context):
        who = caller()
        f = activities.Filters(kind=request.kind, campus_id=request.campus_id,
                               starts_from=from_timestamp(request, "starts_from"),
                               starts_before=from_timestamp(request, "starts_before"))
        with self.db.read() as s:
            page = activities.list_page(s, who, f, request.page_size, request.page_token)
            return pb.ListActivitiesResponse(
                activities=[convert.activity(a) for a in page.rows],
                next_page_token=page.next_token)

    def UpdateActivity(self, request, context):
        who = require_role(caller(), MANAGER_ROLES, "manage marketing activities", "管理市场活动")
        names = list(dict.fromkeys(request.update_fields))

        def apply(s):
            row = activities.visible(s, who, request.activity_id, for_update=True)
            unknown = [n for n in names if n not in activities.WRITABLE]
            if unknown:
                activities.check_field(unknown[0], None)   # raises invalid.update_fields
            activities.update(s, who, row, _activity_values(request.activity, names))
            return pb.UpdateActivityResponse(activity=convert.activity(row))
        return run_write(self.db, who, "UpdateActivity", request, pb.UpdateActivityResponse,
                         apply)

    def DeleteActivity(self, request, context):
        who = require_role(caller(), MANAGER_ROLES, "manage marketing activities", "管理市场活动")

        def apply(s):
            activities.delete(s, who, activities.visible(s, who, request.activity_id,
                                                         for_update=True))
            return pb.DeleteActivityResponse()
        return run_write(self.db, who, "DeleteActivity", request, pb.DeleteActivityResponse,
                         apply)

    def RegisterForActivity(self, request, context):
        who = require_role(caller(), WRITER_ROLES, "register customers", "为客户报名")

        def apply(s):
            activity = activities.visible(s, who, request.activity_id, for_update=True)
            row, customer = activities.register(s, who, activity, request.customer_id)
            return pb.RegisterForActivityResponse(
                registration=convert.registration(row, customer, activity))
        return run_write(self.db, who, "RegisterForActivity", request,
                         pb.RegisterForActivityResponse, apply)

    def ListActivityRegistrations(self, request, context):
        who = caller()
        attended = tri_state("attended", request.attended)
        with self.db.read() as s:
            if request.customer_id and not request.activity_id:
                rows, token = activities.customer_history(
                    s, who, request.customer_id, attended, request.page_size,
                    request.page_token)
            else:
                activity = activities.visible(s, who, request.activity_id)
                rows, token = activities.registrations_page(
                    s, who, activity, attended, request.page_size, request.page_token)
            return pb.ListActivityRegistrationsResponse(
                registrations=[convert.registration(*r) for r in rows],
                next_page_token=token)

    def MarkAttendance(self, request, context):
        who = require_role(caller(), WRITER_ROLES, "mark attendance", "登记到场")

        def apply(s):
            activity = activities.visible(s, who, request.activity_id)
            row, customer = activities.mark_attendance(s, who, activity, request.customer_id,
                                                       request.attended)
            return pb.MarkAttendanceResponse(
                registration=convert.registration(row, customer, activity))
        return run_write(self.db, who, "MarkAttendance", request, pb.MarkAttendanceResponse,
                         apply)

    def GetActivityStatistics(self, request, context):
        who = caller()
        with self.db.read() as s:
            st = activities.statistics(s, activities.visible(s, who, request.activity_id))
            return pb.GetActivityStatisticsResponse(statistics=pb.ActivityStatistics(
                activity_id=st.activity_id, registered=st.registered, attended=st.attended,
                enrolled=st.enrolled, attendance_rate=st.attendance_rate,
                enrollment_rate=st.enrollment_rate, budget_fen=st.budget_fen,
                attributed_revenue_fen=st.attributed_revenue_fen,
                attributed_payments=st.attributed_payments,
                cost_per_attendee_fen=st.cost_per_attendee_fen))


# ---- service requests -------------------------------------------------------------------------

class ServiceRequestServicer(pb_grpc.ServiceRequestServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db = db

    def CreateServiceRequest(self, request, context):
        who = require_role(caller(), WRITER_ROLES, "record service requests", "记录服务请求")

        def apply(s):
            row = service_requests.create(s, who, request.customer_id, request.kind,
                                          request.priority, request.subject,
                                          request.description)
            return pb.CreateServiceRequestResponse(
                request=convert.service_request(row, utcnow()))
        return run_write(self.db, who, "CreateServiceRequest", request,
                         pb.CreateServiceRequestResponse, apply)

    def GetServiceRequest(self, request, context):
        who = caller()
        with self.db.read() as s:
            row = service_requests.visible(s, who, request.request_id)
            return pb.GetServiceRequestResponse(request=convert.service_request(row, utcnow()))

    def ListServiceRequests(self, request, context):
        who = caller()
        f = service_requests.Filters(customer_id=request.customer_id, status=request.status,
                                     kind=request.kind, owner_id=request.owner_id,
                                     overdue_only=request.overdue_only)
        with self.db.read() as s:
            page = service_requests.list_page(s, who, f, request.page_size, request.page_token)
            now = utcnow()
            return pb.ListServiceRequestsResponse(
                requests=[convert.service_request(r, now) for r in page.rows],
                next_page_token=page.next_token)

    def ActOnServiceRequest(self, request, context):
        who = require_role(caller(), WRITER_ROLES, "work service requests", "处理服务请求")

        def apply(s):
            row = service_requests.visible(s, who, request.request_id, for_update=True)
            service_requests.act(s, who, row, request.action, request.note,
                                 request.transfer_to_user_id, request.transfer_to_name)
            return pb.ActOnServiceRequestResponse(request=convert.service_request(row, utcnow()))
        return run_write(self.db, who, "ActOnServiceRequest", request,
                         pb.ActOnServiceRequestResponse, apply)


# ---- surveys ----------------------------------------------------------------------------------

SURVEY_ROLES = (*MANAGER_ROLES, "customer_service")


class SurveyServicer(pb_grpc.SurveyServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db = db

    def CreateSurvey(self, request, context):
        who = require_role(caller(), SURVEY_ROLES, "create surveys", "创建问卷")
        questions = [sr.Question(q.id, q.kind, q.text, tuple(q.options), q.required)
                     for q in request.questions]

        def apply(s):
            return pb.CreateSurveyResponse(survey=convert.survey(surveys.create(
                s, who, request.title, request.description, questions, request.region_id,
                request.department_id)))
        return run_write(self.db, who, "CreateSurvey", request, pb.CreateSurveyResponse, apply)

    def GetSurvey(self, request, context):
        who = caller()
        with self.db.read() as s:
            return pb.GetSurveyResponse(survey=convert.survey(
                surveys.visible(s, who, request.survey_id)))

    def ListSurveys(self, request, context):
        who = caller()
        with self.db.read() as s:
            page = surveys.list_page(s, who, request.page_size, request.page_token)
            return pb.ListSurveysResponse(surveys=[convert.survey(r) for r in page.rows],
                                          next_page_token=page.next_token)

    def SetSurveyActive(self, request, context):
        who = require_role(caller(), SURVEY_ROLES, "open or close surveys", "开启或关闭问卷")

        def apply(s):
            survey = surveys.visible(s, who, request.survey_id)
            return pb.SetSurveyActiveResponse(survey=convert.survey(
                surveys.set_active(s, who, survey, request.active)))
        return run_write(self.db, who, "SetSurveyActive", request, pb.SetSurveyActiveResponse,
                         apply)

    def SubmitSurveyAnswers(self, request, context):
        who = require_role(caller(), WRITER_ROLES, "record survey answers", "记录问卷回答")
        answers = [sr.Answer(a.question_id, tuple(a.choices), a.rating, a.text)
                   for a in request.answers]

        def apply(s):
            survey = surveys.visible(s, who, request.survey_id)
            row = surveys.submit(s, who, survey, request.customer_id, request.source, answers)
            return pb.SubmitSurveyAnswersResponse(
                response=convert.survey_response(row, _kinds(survey)))
        return run_write(self.db, who, "SubmitSurveyAnswers", request,
                         pb.SubmitSurveyAnswersResponse, apply)

    def ListSurveyAnswers(self, request, context):
        who = caller()
        with self.db.read() as s:
            survey = surveys.visible(s, who, request.survey_id)
            page = surveys.answers_page(s, who, survey, request.page_size, request.page_token)
            kinds = _kinds(survey)
            return pb.ListSurveyAnswersResponse(
                responses=[convert.survey_response(r, kinds) for r in page.rows],
                next_page_token=page.next_token)

    def GetSurveyStatistics(self, request, context):
        who = caller()
        with self.db.read() as s:
            survey = surveys.visible(s, who, request.survey_id)
            return pb.GetSurveyStatisticsResponse(statistics=convert.survey_statistics(
                survey.id, surveys.statistics(s, survey)))


def _kinds(survey) -> dict[str, str]:
    return {q["id"]: q["kind"] for q in survey.questions}


# (add_to_server, full service name, class): api.SERVICERS takes one line each
ENTRIES = [
    (pb_grpc.add_ChannelServiceServicer_to_server, SERVICE_NAMES["ChannelService"],
     ChannelServicer),
    (pb_grpc.add_ReferralServiceServicer_to_server, SERVICE_NAMES["ReferralService"],
     ReferralServicer),
    (pb_grpc.add_ActivityServiceServicer_to_server, SERVICE_NAMES["ActivityService"],
     ActivityServicer),
    (pb_grpc.add_ServiceRequestServiceServicer_to_server,
     SERVICE_NAMES["ServiceRequestService"], ServiceRequestServicer),
    (pb_grpc.add_SurveyServiceServicer_to_server, SERVICE_NAMES["SurveyService"],
     SurveyServicer),
]
