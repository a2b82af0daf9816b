"""Rows → protobuf messages of crm.leads.v1 (network.proto); a channel contact's phone masked
for callers who may not see it in full."""
from __future__ import annotations

import datetime as dt

from contracts.leads import network_pb2 as pb
from kit.personal_data import mask_phone

from ..models import Customer
from ..models.network import (
    ActivityRegistration,
    Channel,
    ChannelTier,
    ChannelVisit,
    MarketingActivity,
    ServiceRequest,
    Survey,
    SurveyResponse,
)
from . import service_request_rules, survey_rules
from .channels import Figures
from .common import aware, timestamp
from .referrals import Ranking
from .referrals import Row as ReferralRow


def tier(row: ChannelTier) -> pb.ChannelTier:
    return pb.ChannelTier(code=row.code, name=row.name, builtin=row.builtin,
                          position=row.position)


def channel(row: Channel, figures: Figures, *, full: bool) -> pb.Channel:
    return pb.Channel(
        id=row.id, name=row.name, tier=row.tier, parent_id=row.parent_id or "",
        region_id=row.region_id or "", department_id=row.department_id or "",
        owner_id=row.owner_id or "", owner_name=row.owner_name,
        contact_name=row.contact_name,
        contact_phone=row.contact_phone if full else mask_phone(row.contact_phone) if
        row.contact_phone else "",
        contact_email=row.contact_email, address=row.address, notes=row.notes,
        active=row.active, customers_count=figures.customers,
        attributed_revenue_fen=figures.attributed_revenue_fen,
        personal_data_masked=not full and bool(row.contact_phone),
        created_at=timestamp(row.created_at), updated_at=timestamp(row.updated_at),
        version=row.version)


def visit(row: ChannelVisit) -> pb.ChannelVisit:
    return pb.ChannelVisit(id=row.id, channel_id=row.channel_id, visitor_id=row.visitor_id,
                           visitor_name=row.visitor_name, visited_at=timestamp(row.visited_at),
                           notes=row.notes, created_at=timestamp(row.created_at))


def referral(r: ReferralRow) -> pb.Referral:
    row = r.referral
    return pb.Referral(id=row.id, referrer_id=row.referrer_id, referrer_name=r.referrer_name,
                       referred_id=row.referred_id, referred_name=r.referred_name,
                       referred_stage=r.referred_stage, note=row.note,
                       created_by=row.created_by, created_at=timestamp(row.created_at))


def ranking(r: Ranking) -> pb.ReferrerRanking:
    return pb.ReferrerRanking(rank=r.rank, referrer_id=r.referrer_id,
                              referrer_name=r.referrer_name, promised=r.promised,
                              actual=r.actual, stages=r.stages, converted=r.converted)


def activity(row: MarketingActivity) -> pb.Activity:
    return pb.Activity(
        id=row.id, kind=row.kind, name=row.name, description=row.description,
        starts_at=timestamp(row.starts_at), ends_at=timestamp(row.ends_at),
        campus_id=row.campus_id or "", region_id=row.region_id or "",
        department_id=row.department_id or "", owner_id=row.owner_id or "",
        owner_name=row.owner_name, budget_fen=row.budget_fen, capacity=row.capacity,
        cancelled=row.cancelled, created_by=row.created_by,
        created_at=timestamp(row.created_at), updated_at=timestamp(row.updated_at),
        version=row.version)


def registration(row: ActivityRegistration, customer: Customer,
                 activity_: MarketingActivity) -> pb.Registration:
    return pb.Registration(
        activity_name=activity_.name, activity_kind=activity_.kind,
        activity_starts_at=timestamp(activity_.starts_at),
        id=row.id, activity_id=row.activity_id, customer_id=row.customer_id,
        customer_name=customer.name, customer_stage=customer.stage,
        registered_by=row.registered_by, registered_at=timestamp(row.registered_at),
        attended=row.attended, attended_at=timestamp(row.attended_at))


def service_request(row: ServiceRequest, now: dt.datetime) -> pb.ServiceRequest:
    return pb.ServiceRequest(
        id=row.id, customer_id=row.customer_id, kind=row.kind, priority=row.priority,
        subject=row.subject, description=row.description, status=row.status,
        owner=pb.StaffRef(user_id=row.owner_id, name=row.owner_name,
                          department_id=row.owner_department_id or "",
                          region_id=row.owner_region_id or ""),
        recorded_by=row.recorded_by, due_at=timestamp(row.due_at),
        overdue=service_request_rules.overdue(row.status, aware(row.due_at), now),
        resolution=row.resolution, resolved_at=timestamp(row.resolved_at),
        closed_at=timestamp(row.closed_at), reopened_count=row.reopened_count,
        created_at=timestamp(row.created_at), updated_at=timestamp(row.updated_at),
        version=row.version)


def survey(row: Survey) -> pb.Survey:
    return pb.Survey(
        id=row.id, title=row.title, description=row.description,
        questions=[pb.Question(id=q["id"], kind=q["kind"], text=q["text"],
                               options=q.get("options", []), required=bool(q.get("required")))
                   for q in row.questions],
        region_id=row.region_id or "", department_id=row.department_id or "",
        owner_id=row.owner_id or "", active=row.active, created_by=row.created_by,
        created_at=timestamp(row.created_at))


def survey_response(row: SurveyResponse, kinds: dict[str, str]) -> pb.SurveyResponse:
    """`kinds`: the survey's question kinds by id (a single choice and a text are both
    stored as a string)."""
    answers = []
    for qid, value in row.answers.items():
        kind = kinds.get(qid, "text")
        if kind == "rating":
            answers.append(pb.Answer(question_id=qid, rating=int(value)))
        elif kind == "multiple_choice":
            answers.append(pb.Answer(question_id=qid, choices=list(value)))
        elif kind == "single_choice":
            answers.append(pb.Answer(question_id=qid, choices=[value]))
        else:
            answers.append(pb.Answer(question_id=qid, text=str(value)))
    return pb.SurveyResponse(id=row.id, survey_id=row.survey_id, customer_id=row.customer_id,
                             source=row.source, recorded_by=row.recorded_by, answers=answers,
                             submitted_at=timestamp(row.submitted_at))


def survey_statistics(survey_id: str, f: survey_rules.SurveyFigures) -> pb.SurveyStatistics:
    return pb.SurveyStatistics(
        survey_id=survey_id, responses=f.responses, average_rating=f.average_rating,
        satisfied_share=f.satisfied_share, rating_distribution=f.rating_distribution,
        questions=[pb.QuestionStatistics(question_id=q.question_id, kind=q.kind,
                                         answered=q.answered, average_rating=q.average_rating,
                                         counts=q.counts) for q in f.questions])
