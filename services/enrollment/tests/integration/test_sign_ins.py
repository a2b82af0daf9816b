"""The invitation pipeline and sign-in by ID card number over gRPC (SQLite and PostgreSQL):
each customer-service person sees only their own queue, stages move in order, a sign-in
records the attendance once per (enrollment, session) with attendance.recorded and counts
the hours; the ID number is validated and never stored."""
from __future__ import annotations

import grpc
from contracts.enrollment import enrollment_pb2 as pb
from enrollment import events
from enrollment import models as m
from sqlalchemy import select

from .test_registrations import LEVELS, enrolled_customer

NF, FP = grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION
ID_CARD = "11010519491231002X"
OTHER_ID_CARD = "110105198001010016"


def approved(api, customer: str, term_id: str, card: str = "new", id_card: str = ID_CARD,
             service: str = "cs") -> pb.AttendanceRegistration:
    r = api("CreateAttendanceRegistration", pb.CreateAttendanceRegistrationRequest(
        term_id=term_id, customer_id=customer, card=card, id_card_number=id_card),
        "sales-n1").registration
    for name, _ in LEVELS:
        r = api("DecideAttendanceRegistration", pb.DecideAttendanceRegistrationRequest(
            registration_id=r.id, approve=True), service if name == "cs" else name).registration
    return r


def sign_in(api, term_id: str, session_id: str, id_card: str = ID_CARD, hours: int = 2,
            as_: str = "conference"):
    return api("SignIn", pb.SignInRequest(term_id=term_id, session_id=session_id,
                                          id_card_number=id_card, lesson_hours=hours), as_)


def test_invitation_queue_stages_and_sign_in_once_per_session(enrollment_api):
    api = enrollment_api
    customer, enrollment_id, klass = enrolled_customer(api, hours=20)
    r = approved(api, customer, klass.term_id, id_card=ID_CARD.lower())
    assert (r.invitation_stage, r.invitation_owner_id) == ("not_attended", "u-cs")
    with api.db.session() as s:  # only a keyed digest of the number is kept
        row = s.get(m.AttendanceRegistration, r.id)
        assert row.id_card_digest and "1101051949" not in row.id_card_digest
    queue = api("ListInvitations", pb.ListInvitationsRequest(stage="not_attended"), "cs")
    assert r.id in [x.id for x in queue.registrations]
    # another person's queue does not hold it, and they cannot move it
    assert api("ListInvitations", pb.ListInvitationsRequest(), "admin").registrations == []
    assert api.refused("AdvanceInvitation", pb.AdvanceInvitationRequest(
        registration_id=r.id, stage="invited"), "admin") == (NF, "enrollment.invitation_not_found")
    assert api.refused("AdvanceInvitation", pb.AdvanceInvitationRequest(
        registration_id=r.id, stage="prepared"), "cs") == (FP, "enrollment.invitation_stage")
    for stage in ("invited", "prepared"):
        moved = api("AdvanceInvitation", pb.AdvanceInvitationRequest(
            registration_id=r.id, stage=stage), "cs").registration
        assert moved.invitation_stage == stage
    first = sign_in(api, klass.term_id, "session-1")
    assert (first.registration.invitation_stage, first.already_signed_in,
            first.remaining_hours) == ("signed_in", False, 18)
    again = sign_in(api, klass.term_id, "session-1", id_card=ID_CARD.lower(), as_="cs")
    assert (again.attendance_id, again.already_signed_in, again.remaining_hours) == \
        (first.attendance_id, True, 18)
    second = sign_in(api, klass.term_id, "session-2", hours=3)
    assert (second.already_signed_in, second.remaining_hours) == (False, 15)
    recorded = api.events(events.ATTENDANCE_RECORDED, enrollment_id)
    assert [(e["session_id"], e["lesson_hours"], e["status"], e["counts_as_consumed"])
            for e in recorded] == [("session-1", 2, "attended", True),
                                   ("session-2", 3, "attended", True)]
    assert all(ID_CARD not in str(e) for e in recorded)
    enrollment = api("GetEnrollment", pb.GetEnrollmentRequest(enrollment_id=enrollment_id),
                     "admin").enrollment
    assert (enrollment.consumed_hours, enrollment.remaining_hours) == (5, 15)
    attended = api("AdvanceInvitation", pb.AdvanceInvitationRequest(
        registration_id=r.id, stage="attended"), "cs").registration
    assert attended.invitation_stage == "attended"


def test_sign_in_refusals(enrollment_api):
    api = enrollment_api
    customer, _, klass = enrolled_customer(api, hours=2)
    approved(api, customer, klass.term_id, id_card=OTHER_ID_CARD)
    assert api.refused("SignIn", pb.SignInRequest(
        term_id=klass.term_id, session_id="s-1", id_card_number="110105194912310022",
        lesson_hours=1), "conference") == (grpc.StatusCode.INVALID_ARGUMENT,
                                           "invalid.id_card_number")
    assert api.refused("SignIn", pb.SignInRequest(
        term_id=klass.term_id, session_id="s-1", id_card_number=ID_CARD, lesson_hours=1),
        "conference") == (NF, "enrollment.not_registered")
    assert api.refused("SignIn", pb.SignInRequest(
        term_id=klass.term_id, session_id="s-1", id_card_number=OTHER_ID_CARD,
        lesson_hours=1), "sales-n1") == (grpc.StatusCode.PERMISSION_DENIED,
                                         "enrollment.desk_only")
    assert api.refused("SignIn", pb.SignInRequest(
        term_id=klass.term_id, session_id="s-1", id_card_number=OTHER_ID_CARD,
        lesson_hours=1), "conference-s") == (NF, "enrollment.term_not_found")
    assert sign_in(api, klass.term_id, "s-1", OTHER_ID_CARD, hours=2).remaining_hours == 0
    # no hours left: the next session is refused, nothing recorded
    assert api.refused("SignIn", pb.SignInRequest(
        term_id=klass.term_id, session_id="s-2", id_card_number=OTHER_ID_CARD,
        lesson_hours=1), "conference") == (FP, "enrollment.no_hours_left")
    with api.db.session() as s:
        assert list(s.scalars(select(m.Attendance.session_id).where(
            m.Attendance.customer_id == customer))) == ["s-1"]


def test_idempotent_sign_in_keeps_the_number_out_of_the_fingerprint(enrollment_api):
    api = enrollment_api
    customer, _, klass = enrolled_customer(api, hours=10)
    id_card = "440524199001010018"
    approved(api, customer, klass.term_id, id_card=id_card)
    request = pb.SignInRequest(term_id=klass.term_id, session_id="k-1", id_card_number=id_card,
                               lesson_hours=1)
    first = api("SignIn", request, "conference", key="desk-1-k-1")
    assert api("SignIn", request, "conference", key="desk-1-k-1") == first
    request.id_card_number = OTHER_ID_CARD
    assert api.refused("SignIn", request, "conference", key="desk-1-k-1") == \
        (FP, "idempotency_conflict")
