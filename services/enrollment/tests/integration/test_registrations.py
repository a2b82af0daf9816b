"""Attendance registrations over gRPC (SQLite and PostgreSQL): the card rule (no hours left:
forced from new training to retraining, with a warning), the four approval levels in order
with no self-approval, a rejection ending it, to-do lists, and the term's roster for
conference staff."""
from __future__ import annotations

import uuid

import grpc
from contracts.enrollment import enrollment_pb2 as pb

from ..conftest import new_class, new_course  # noqa: TID252
from .test_enrollments import paid, place

PD, NF = grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND
FP = grpc.StatusCode.FAILED_PRECONDITION
LEVELS = [("manager-n", "department_review"), ("director-n", "senior_check"),
          ("cs", "service_recheck"), ("finance", "finance_check")]


def enrolled_customer(api, hours: int = 20) -> tuple[str, str, pb.Class]:
    course = new_course(api, lesson_hours=hours)
    klass = new_class(api, course.id)
    order = place(api, kind="class", class_id=klass.id)
    paid(api, order)
    [e] = api("ListEnrollments", pb.ListEnrollmentsRequest(customer_id=order.customer_id),
              "admin").enrollments
    return order.customer_id, e.id, klass


def register(api, term_id: str, customer_id: str, card: str, as_: str = "sales-n1"):
    return api("CreateAttendanceRegistration", pb.CreateAttendanceRegistrationRequest(
        term_id=term_id, customer_id=customer_id, card=card), as_)


def test_new_training_with_hours_goes_through_four_levels_to_the_roster(enrollment_api):
    api = enrollment_api
    customer, enrollment_id, klass = enrolled_customer(api)
    answer = register(api, klass.term_id, customer, "new")
    r = answer.registration
    assert (r.card, r.requested_card, r.status, r.next_level, r.remaining_hours,
            r.enrollment_id, answer.warning) == \
        ("new", "new", "pending", "department_review", 20, enrollment_id, "")
    # levels in order: customer service cannot decide the department's review
    assert api.refused("DecideAttendanceRegistration", pb.DecideAttendanceRegistrationRequest(
        registration_id=r.id, approve=True), "cs") == (PD, "approval.not_your_level")
    mine = api("ListAttendanceRegistrations", pb.ListAttendanceRegistrationsRequest(
        term_id=klass.term_id, waiting_for_me=True), "manager-n").registrations
    assert [x.id for x in mine] == [r.id]
    assert api("ListAttendanceRegistrations", pb.ListAttendanceRegistrationsRequest(
        term_id=klass.term_id, waiting_for_me=True), "finance").registrations == []
    for name, level in LEVELS:
        current = api("GetAttendanceRegistration", pb.GetAttendanceRegistrationRequest(
            registration_id=r.id), name).registration
        assert current.next_level == level
        decided = api("DecideAttendanceRegistration", pb.DecideAttendanceRegistrationRequest(
            registration_id=r.id, approve=True, note=f"ok {level}"), name).registration
    assert (decided.status, decided.next_level) == ("approved", "")
    assert [(d.level_name, d.decision, d.decided_by) for d in decided.decisions] == [
        ("department_review", "approved", "u-mgr-n"), ("senior_check", "approved", "u-dir-n"),
        ("service_recheck", "approved", "u-cs"), ("finance_check", "approved", "u-finance")]
    roster = api("GetTermRoster", pb.GetTermRosterRequest(term_id=klass.term_id),
                 "conference").entries
    assert [(e.customer_id, e.card, e.enrollment_id) for e in roster] == [
        (customer, "new", enrollment_id)]
    assert api.refused("GetTermRoster", pb.GetTermRosterRequest(term_id=klass.term_id),
                       "conference-s") == (NF, "enrollment.term_not_found")
    assert api.refused("GetTermRoster", pb.GetTermRosterRequest(term_id=klass.term_id),
                       "sales-n1") == (PD, "enrollment.roster_denied")


def test_no_hours_left_is_forced_to_retraining_with_a_warning(enrollment_api):
    api = enrollment_api
    course = new_course(api)
    klass = new_class(api, course.id)
    newcomer = f"cust-{uuid.uuid4().hex[:8]}"
    answer = register(api, klass.term_id, newcomer, "new")
    assert (answer.registration.card, answer.registration.requested_card,
            answer.registration.remaining_hours) == ("retrain", "new", 0)
    assert "no lesson hours left" in answer.warning
    assert answer.warning_zh == "该客户课时余额为 0，不能登记新训，已改为登记复训。"
    # one registration per customer and term
    assert api.refused("CreateAttendanceRegistration", pb.CreateAttendanceRegistrationRequest(
        term_id=klass.term_id, customer_id=newcomer, card="trial"), "sales-n1") == \
        (grpc.StatusCode.ALREADY_EXISTS, "enrollment.already_registered")
    trial = register(api, klass.term_id, f"cust-{uuid.uuid4().hex[:8]}", "trial")
    assert (trial.registration.card, trial.warning) == ("trial", "")


def test_no_self_approval_and_a_rejection_ends_it(enrollment_api):
    api = enrollment_api
    customer, _, klass = enrolled_customer(api)
    r = register(api, klass.term_id, customer, "retrain", as_="manager-n").registration
    decide = pb.DecideAttendanceRegistrationRequest(registration_id=r.id, approve=True)
    assert api.refused("DecideAttendanceRegistration", decide, "manager-n") == \
        (PD, "approval.own_request")
    api("DecideAttendanceRegistration", decide, "manager-n2")
    rejected = api("DecideAttendanceRegistration", pb.DecideAttendanceRegistrationRequest(
        registration_id=r.id, approve=False, note="资料不全"), "director-n").registration
    assert (rejected.status, rejected.next_level) == ("rejected", "")
    assert api.refused("DecideAttendanceRegistration", decide, "cs") == (FP, "approval.ended")
    assert api("GetTermRoster", pb.GetTermRosterRequest(term_id=klass.term_id),
               "conference").entries == []
    # a rejected registration may be filed again
    again = register(api, klass.term_id, customer, "retrain").registration
    assert again.status == "pending"


def test_registrations_are_scoped_by_seller(enrollment_api):
    api = enrollment_api
    customer, _, klass = enrolled_customer(api)
    r = register(api, klass.term_id, customer, "new").registration
    for name in ("sales-n1", "manager-n", "director-n", "cs", "finance", "admin"):
        assert api("GetAttendanceRegistration", pb.GetAttendanceRegistrationRequest(
            registration_id=r.id), name).registration.id == r.id
    for name in ("sales-n2", "sales-s", "director-s"):
        assert api.refused("GetAttendanceRegistration", pb.GetAttendanceRegistrationRequest(
            registration_id=r.id), name) == (NF, "enrollment.attendance_registration_not_found")
    # a south seller cannot register on the north campus's term
    assert api.refused("CreateAttendanceRegistration", pb.CreateAttendanceRegistrationRequest(
        term_id=klass.term_id, customer_id=customer, card="trial"), "sales-s") == \
        (NF, "enrollment.term_not_found")
