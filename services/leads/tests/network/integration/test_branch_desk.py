"""A branch's desk (a service account: role branch_integration, own scope, placed in a
region) works with customers over gRPC like staff: registers its customers for its region's
activities, records their service requests and the answers they submit; another region's
activity is NOT_FOUND."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contracts.leads import network_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp

from ...support import NORTH, TOKENS, as_, error_of
from ..support import running_network

DESK = TOKENS.metadata("bj-campus-desk", "branch_integration", scope="own", region=NORTH)


@pytest.fixture(scope="module")
def stubs(database_url):
    with running_network(database_url) as running:
        yield running


def _ts(value: dt.datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def _activity(stubs, who: str) -> pb.Activity:
    start = dt.datetime(2026, 12, 12, 6, 0, tzinfo=dt.UTC)
    return stubs.activities.CreateActivity(pb.CreateActivityRequest(activity=pb.ActivityFields(
        kind="open_class", name="周末公开课", starts_at=_ts(start),
        ends_at=_ts(start + dt.timedelta(hours=2)))), metadata=as_(who)).activity


def test_a_branch_desk_works_with_its_customers(stubs):
    from contracts.leads import customers_pb2 as cpb

    from ...support import new_customer, phone
    customer = stubs.customers.CreateCustomer(cpb.CreateCustomerRequest(
        customer=new_customer("到店客户", phones=[phone(4100)])), metadata=DESK).customer.id
    north, south = _activity(stubs, "director1"), _activity(stubs, "director2")
    registered = stubs.activities.RegisterForActivity(pb.RegisterForActivityRequest(
        activity_id=north.id, customer_id=customer), metadata=DESK).registration
    assert registered.registered_by == "bj-campus-desk"
    assert error_of(lambda: stubs.activities.RegisterForActivity(
        pb.RegisterForActivityRequest(activity_id=south.id, customer_id=customer),
        metadata=DESK)).code() == grpc.StatusCode.NOT_FOUND
    request = stubs.requests.CreateServiceRequest(pb.CreateServiceRequestRequest(
        customer_id=customer, kind="consultation", subject="课程咨询"), metadata=DESK).request
    assert (request.owner.user_id, request.priority) == ("bj-campus-desk", "normal")
    survey = stubs.surveys.CreateSurvey(pb.CreateSurveyRequest(
        title="到店体验", questions=[pb.Question(kind="rating", text="体验如何", required=True)]),
        metadata=as_("director1")).survey
    answer = stubs.surveys.SubmitSurveyAnswers(pb.SubmitSurveyAnswersRequest(
        survey_id=survey.id, customer_id=customer, source="customer",
        answers=[pb.Answer(question_id="q1", rating=5)]), metadata=DESK).response
    assert (answer.source, answer.recorded_by) == ("customer", "bj-campus-desk")
