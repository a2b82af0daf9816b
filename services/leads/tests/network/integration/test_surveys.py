"""Surveys through the real api: a questionnaire of every question kind, answers recorded by
staff or submitted by the customer (once each), answers seen through the customer, and the
satisfaction figures."""
from __future__ import annotations

import grpc
import pytest
from contracts.leads import network_pb2 as pb
from kit import grpc_errors

from ...support import NORTH, as_, error_of
from ..support import running_network


@pytest.fixture(scope="module")
def stubs(database_url):
    with running_network(database_url) as running:
        yield running


QUESTIONS = [
    pb.Question(kind="rating", text="对课程满意吗？", required=True),
    pb.Question(id="teacher", kind="rating", text="对老师满意吗？"),
    pb.Question(kind="single_choice", text="从哪里知道我们？", options=["朋友", "广告", "活动"]),
    pb.Question(kind="multiple_choice", text="想学什么？", options=["管理", "财务", "营销"]),
    pb.Question(kind="text", text="建议"),
]


def _survey(stubs, who: str = "cs1") -> pb.Survey:
    return stubs.surveys.CreateSurvey(pb.CreateSurveyRequest(
        title="结课满意度", questions=QUESTIONS, region_id=NORTH), metadata=as_(who)).survey


def _answer(stubs, survey_id: str, customer: str, who: str = "sales1", source: str = "",
            **answers) -> pb.SurveyResponse:
    return stubs.surveys.SubmitSurveyAnswers(pb.SubmitSurveyAnswersRequest(
        survey_id=survey_id, customer_id=customer, source=source,
        answers=[pb.Answer(question_id=q, **a) for q, a in answers.items()]),
        metadata=as_(who)).response


def _reason(error) -> tuple:
    info = grpc_errors.error_info(error)
    return info.code, info.reason


def test_questionnaire_answers_and_figures(stubs):
    survey = _survey(stubs)
    assert [q.id for q in survey.questions] == ["q1", "teacher", "q3", "q4", "q5"]
    people = [stubs.customer(5100 + i, owner="sales1") for i in range(4)]
    first = _answer(stubs, survey.id, people[0], q1={"rating": 5}, teacher={"rating": 4},
                    q3={"choices": ["朋友"]}, q4={"choices": ["管理", "营销"]},
                    q5={"text": "多开周末班"})
    assert [(a.question_id, a.rating, list(a.choices), a.text) for a in first.answers] == [
        ("q1", 5, [], ""), ("teacher", 4, [], ""), ("q3", 0, ["朋友"], ""),
        ("q4", 0, ["管理", "营销"], ""), ("q5", 0, [], "多开周末班")]
    assert first.source == "staff"
    _answer(stubs, survey.id, people[1], source="customer", q1={"rating": 3},
            q3={"choices": ["广告"]})
    _answer(stubs, survey.id, people[2], q1={"rating": 4}, teacher={"rating": 2})
    # a customer answers once; required questions and kinds are checked
    assert _reason(error_of(lambda: _answer(stubs, survey.id, people[0], q1={"rating": 1}))) \
        == (grpc.StatusCode.ALREADY_EXISTS, "survey_response.exists")
    for bad in ({"teacher": {"rating": 5}}, {"q1": {"rating": 6}},
                {"q1": {"rating": 5}, "q3": {"choices": ["朋友", "广告"]}},
                {"q1": {"rating": 5}, "q4": {"choices": ["体育"]}}):
        assert _reason(error_of(lambda b=bad: _answer(stubs, survey.id, people[3], **b))) == (
            grpc.StatusCode.INVALID_ARGUMENT, "invalid.answers")
    st = stubs.surveys.GetSurveyStatistics(pb.GetSurveyStatisticsRequest(survey_id=survey.id),
                                           metadata=as_("cs1")).statistics
    assert st.responses == 3
    assert dict(st.rating_distribution) == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1}
    assert (st.average_rating, st.satisfied_share) == (3.6, 0.6)
    q1, teacher, q3, q4, q5 = st.questions
    assert (q1.answered, q1.average_rating) == (3, 4.0)
    assert (teacher.answered, teacher.average_rating) == (2, 3.0)
    assert dict(q3.counts) == {"朋友": 1, "广告": 1, "活动": 0}
    assert dict(q4.counts) == {"管理": 1, "财务": 0, "营销": 1}
    assert (q5.answered, dict(q5.counts)) == (1, {})


def test_answers_are_seen_through_the_customer(stubs):
    survey = _survey(stubs)
    mine = stubs.customer(5200, owner="sales1")
    theirs = stubs.customer(5201, owner="sales2")
    _answer(stubs, survey.id, mine, q1={"rating": 5})
    _answer(stubs, survey.id, theirs, who="sales2", q1={"rating": 1})
    seen = stubs.surveys.ListSurveyAnswers(pb.ListSurveyAnswersRequest(survey_id=survey.id),
                                           metadata=as_("sales1")).responses
    assert [r.customer_id for r in seen] == [mine]
    seen = stubs.surveys.ListSurveyAnswers(pb.ListSurveyAnswersRequest(survey_id=survey.id),
                                           metadata=as_("manager1")).responses
    assert sorted(r.customer_id for r in seen) == sorted([mine, theirs])
    # another region neither sees the survey nor answers it
    for call in (lambda: stubs.surveys.GetSurvey(pb.GetSurveyRequest(survey_id=survey.id),
                                                 metadata=as_("director2")),
                 lambda: _answer(stubs, survey.id, stubs.customer(5202, owner="sales3"),
                                 who="sales3", q1={"rating": 3})):
        assert _reason(error_of(call)) == (grpc.StatusCode.NOT_FOUND, "survey.not_found")


def test_bad_questionnaires_are_refused(stubs):
    for questions in ([], [pb.Question(kind="single_choice", text="?", options=["只有一个"])],
                      [pb.Question(kind="rating", text="?", options=["a", "b"])],
                      [pb.Question(kind="essay", text="?")]):
        assert _reason(error_of(lambda q=questions: stubs.surveys.CreateSurvey(
            pb.CreateSurveyRequest(title="t", questions=q), metadata=as_("cs1")))) == (
            grpc.StatusCode.INVALID_ARGUMENT, "invalid.questions")
    assert _reason(error_of(lambda: _survey(stubs, who="sales1"))) == (
        grpc.StatusCode.PERMISSION_DENIED, "network.write_denied")


def test_a_closed_survey_takes_no_answers(stubs):
    survey = _survey(stubs)
    customer = stubs.customer(5300, owner="sales1")
    closed = stubs.surveys.SetSurveyActive(pb.SetSurveyActiveRequest(
        survey_id=survey.id, active=False), metadata=as_("cs1")).survey
    assert closed.active is False
    assert _reason(error_of(lambda: _answer(stubs, survey.id, customer, q1={"rating": 4}))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "survey.closed")
    assert _reason(error_of(lambda: stubs.surveys.SetSurveyActive(pb.SetSurveyActiveRequest(
        survey_id=survey.id, active=True), metadata=as_("sales1")))) == (
        grpc.StatusCode.PERMISSION_DENIED, "network.write_denied")
    stubs.surveys.SetSurveyActive(pb.SetSurveyActiveRequest(survey_id=survey.id, active=True),
                                  metadata=as_("cs1"))
    assert _answer(stubs, survey.id, customer, q1={"rating": 4}).survey_id == survey.id
