"""Surveys (问卷): questionnaires, one customer's answers (recorded by staff or submitted by
the customer through a branch's desk), and satisfaction figures (survey_rules.figures).

A survey sits in the org tree (scope.SURVEYS); answers concern a customer and are listed
only when the caller sees that customer; the figures count every answer (no one's data).
"""
from __future__ import annotations

from kit import pagination
from kit.caller import Caller
from kit.errors import AlreadyExists, FailedPrecondition
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..customers import records as customer_records
from ..models import utcnow
from ..models.network import Survey, SurveyResponse
from . import scope
from . import survey_rules as rules
from .common import choice, ident, insert_unique, text

SOURCES = ("staff", "customer")


def not_found(survey_id: str):
    return scope.not_found("survey", "问卷", survey_id)


def questions_of(survey: Survey) -> list[rules.Question]:
    return [rules.Question.from_json(q) for q in survey.questions]


def create(s: Session, who: Caller, title: str, description: str,
           questions: list[rules.Question], region_id: str, department_id: str) -> Survey:
    title = text("title", title, 200, "问卷标题", required=True)
    description = text("description", description, 2000, "问卷说明", multiline=True)
    checked = rules.check_questions(questions)
    region = ident("region_id", region_id) or who.region_id
    department = ident("department_id", department_id) or who.department_id
    scope.check_placement(who, who.user_id, department, region)
    row = Survey(title=title, description=description,
                 questions=[q.as_json() for q in checked], region_id=region,
                 department_id=department, owner_id=who.user_id, active=True,
                 created_by=who.user_id, created_at=utcnow())
    s.add(row)
    s.flush()
    return row


def visible(s: Session, who: Caller, survey_id: str) -> Survey:
    row = s.scalars(select(Survey).where(Survey.id == survey_id,
                                         scope.org_where(who, scope.SURVEYS))).first() \
        if survey_id else None
    if row is None:
        raise not_found(survey_id)
    return row


def set_active(s: Session, who: Caller, survey: Survey, active: bool) -> Survey:
    scope.check_placement(who, survey.owner_id, survey.department_id, survey.region_id)
    survey.active = active
    s.flush()
    return survey


def list_page(s: Session, who: Caller, size: int, token: str) -> pagination.Page:
    return pagination.keyset_page(
        s, select(Survey).where(scope.org_where(who, scope.SURVEYS)),
        [Survey.created_at, Survey.id], token=token, size=pagination.page_size(size),
        list_name="surveys", descending=True)


def submit(s: Session, who: Caller, survey: Survey, customer_id: str, source: str,
           answers: list[rules.Answer]) -> SurveyResponse:
    source = choice("source", source or "staff", SOURCES, "来源")
    if not survey.active:
        raise FailedPrecondition("the survey is closed", reason="survey.closed",
                                 message_zh="该问卷已关闭")
    customer = customer_records.visible(s, who, customer_id)
    stored = rules.check_answers(questions_of(survey), answers)
    existing = s.scalar(select(SurveyResponse.id).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.customer_id == customer.id))
    if existing is not None:
        raise AlreadyExists("the customer already answered this survey",
                            reason="survey_response.exists", message_zh="该客户已填写此问卷",
                            details={"response_id": existing})
    row = SurveyResponse(survey_id=survey.id, customer_id=customer.id, source=source,
                         recorded_by=who.user_id, answers=stored, submitted_at=utcnow())
    # unique (survey, customer): a concurrent second answer fails here
    insert_unique(s, row, AlreadyExists("the customer already answered this survey",
                                        reason="survey_response.exists",
                                        message_zh="该客户已填写此问卷"))
    return row


def answers_page(s: Session, who: Caller, survey: Survey, size: int, token: str
                 ) -> pagination.Page:
    return pagination.keyset_page(
        s, select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id,
            scope.customers_visible(who, SurveyResponse.customer_id)),
        [SurveyResponse.submitted_at, SurveyResponse.id], token=token,
        size=pagination.page_size(size), list_name=f"survey_answers:{survey.id}",
        descending=True)


def statistics(s: Session, survey: Survey) -> rules.SurveyFigures:
    answers = s.scalars(select(SurveyResponse.answers).where(
        SurveyResponse.survey_id == survey.id))
    return rules.figures(questions_of(survey), answers)
