"""The invitation pipeline and sign-in.

An approved registration enters the invitation queue of the customer-service person who
rechecked it (not_attended); only they move it on (invited → prepared). Sign-in by ID card
number at the desk (a branch's reader over gRPC, or the gateway) finds the term's approved
registration by the number's digest, records the attendance once per (enrollment, session)
with attendance.recorded, counts the hours consumed and moves the invitation to signed_in
(a walk-in skips the earlier stages); `attended` follows after the session."""
from __future__ import annotations

import dataclasses

from kit import approval_chain
from kit.caller import Caller
from kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import events, rules, scope
from . import models as m

DESK_ROLES = ("conference_staff", "customer_service", "branch_integration", "admin",
              "general_manager", "director", "department_manager")


def queue(caller: Caller, stage: str):
    """The caller's own invitation queue (each customer-service person sees only theirs)."""
    stmt = select(m.AttendanceRegistration).where(
        m.AttendanceRegistration.invitation_owner_id == caller.user_id,
        m.AttendanceRegistration.status == approval_chain.APPROVED)
    if stage:
        stmt = stmt.where(m.AttendanceRegistration.invitation_stage == stage)
    return stmt


def advance(s: Session, caller: Caller, registration_id: str,
            stage: str) -> m.AttendanceRegistration:
    row = s.scalar(select(m.AttendanceRegistration).where(
        m.AttendanceRegistration.id == registration_id,
        m.AttendanceRegistration.invitation_owner_id == caller.user_id).with_for_update()) \
        if registration_id else None
    if row is None:  # not in the caller's queue: as if missing
        raise scope.not_found("invitation", "邀约", registration_id)
    if stage == "signed_in":
        raise InvalidArgument("signing in happens at the desk (sign-in)",
                              reason="invalid.stage", message_zh="签到须在签到台完成")
    row.invitation_stage = rules.advance(row.invitation_stage, stage)
    s.flush()
    return row


@dataclasses.dataclass(frozen=True)
class SignInResult:
    registration: m.AttendanceRegistration
    attendance: m.Attendance | None
    already: bool


def sign_in(s: Session, caller: Caller, *, term_id: str, session_id: str, digest: str,
            lesson_hours: int, method: str = "id_card") -> SignInResult:
    if not caller.has_role(*DESK_ROLES):
        raise PermissionDenied("only the sign-in desk records attendance",
                               reason="enrollment.desk_only", message_zh="仅签到台人员可签到")
    if not session_id:
        raise InvalidArgument("session_id required", reason="invalid.session_id",
                              message_zh="请指定课次")
    if lesson_hours <= 0:
        raise InvalidArgument("lesson_hours must be positive", reason="invalid.lesson_hours",
                              message_zh="课时数须为正整数")
    term = scope.row(s, caller, m.Term, term_id, "term", "期")
    row = s.scalar(select(m.AttendanceRegistration).where(
        m.AttendanceRegistration.term_id == term.id,
        m.AttendanceRegistration.id_card_digest == digest,
        m.AttendanceRegistration.status == approval_chain.APPROVED).with_for_update())
    if row is None:
        raise NotFound("no approved registration of this ID card number for this term",
                       reason="enrollment.not_registered",
                       message_zh="该身份证号在本期没有已审批的上课登记")
    if row.invitation_stage != "signed_in" and row.invitation_stage != "attended":
        row.invitation_stage = rules.advance(row.invitation_stage, "signed_in")
    if not row.enrollment_id:  # a trial without an enrollment: presence only
        s.flush()
        return SignInResult(row, None, False)
    existing = s.scalar(select(m.Attendance).where(
        m.Attendance.enrollment_id == row.enrollment_id, m.Attendance.session_id == session_id))
    if existing is not None:
        return SignInResult(row, existing, True)
    enrollment = s.get(m.Enrollment, row.enrollment_id, with_for_update=True)
    if enrollment.status != rules.ACTIVE:
        raise FailedPrecondition(f"the enrollment is {enrollment.status}",
                                 reason="enrollment.not_active",
                                 message_zh="该报名当前不在读（休学或已退学）")
    if enrollment.purchased_hours - enrollment.consumed_hours < lesson_hours:
        raise FailedPrecondition("not enough lesson hours left for this session",
                                 reason="enrollment.no_hours_left",
                                 message_zh="剩余课时不足本次课")
    attendance = m.Attendance(
        id=m.new_id(), enrollment_id=enrollment.id, registration_id=row.id,
        customer_id=row.customer_id, session_id=session_id, status="attended",
        lesson_hours=lesson_hours, counts_as_consumed=True, method=method,
        recorded_by=caller.user_id, attended_at=m.utcnow())
    s.add(attendance)
    try:
        s.flush()
    except IntegrityError:  # a concurrent sign-in of the same (enrollment, session) won
        raise FailedPrecondition("already signed in for this session",
                                 reason="enrollment.already_signed_in",
                                 message_zh="本课次已签到") from None
    enrollment.consumed_hours += lesson_hours
    s.flush()
    events.attendance_recorded(s, attendance, term.id)
    return SignInResult(row, attendance, False)
