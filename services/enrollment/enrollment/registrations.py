"""Attendance registrations (上课登记): a seller puts a customer on a term's roster on one
card (new / retrain / trial); department review → senior check → customer-service recheck →
finance check (kit.approval_chain: in order, nobody decides their own, one level per
person, a rejection ends it). The approved registrations are the term's roster.

The lesson-hour balance is, for now, enrollment's own: purchased − consumed of the
customer's enrollments that did not end (finance's balance over gRPC replaces it later)."""
from __future__ import annotations

from kit import approval_chain, data_scope
from kit.approval_chain import Chain, Level
from kit.caller import Caller
from kit.errors import AlreadyExists, FailedPrecondition
from kit.text import check_text
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from . import models as m
from . import rules, scope

DOCUMENT = "enrollment.attendance_registration"
CHAIN = Chain(DOCUMENT, (
    Level("department_review", "the department's review", "部门审核",
          roles=frozenset({"department_manager"})),
    Level("senior_check", "the senior check", "上级复核",
          roles=frozenset({"director", "general_manager"})),
    Level("service_recheck", "customer service's recheck", "客服复核",
          roles=frozenset({"customer_service"})),
    Level("finance_check", "finance's check", "财务审核", roles=frozenset({"finance"})),
))
# Customer service and finance recheck every registration, whatever their data scope.
BACK_OFFICE_ROLES = ("customer_service", "finance")
COLUMNS = data_scope.ScopeColumns(owner=m.AttendanceRegistration.seller_id,
                                  department=m.AttendanceRegistration.seller_department_id,
                                  region=m.AttendanceRegistration.seller_region_id)


def visible(caller: Caller | None) -> ColumnElement[bool]:
    if caller is None or caller.has_role(*BACK_OFFICE_ROLES):
        return true()
    return data_scope.where(caller, COLUMNS)


def get(s: Session, caller: Caller | None, registration_id: str) -> m.AttendanceRegistration:
    found = s.scalar(select(m.AttendanceRegistration).where(
        m.AttendanceRegistration.id == registration_id, visible(caller))) \
        if registration_id else None
    if found is None:
        raise scope.not_found("attendance registration", "上课登记", registration_id)
    return found


def balance(s: Session, customer_id: str, enrollment_id: str | None) -> tuple[int, str | None]:
    """(remaining hours, the enrollment to attend on): the named enrollment's, else the sum
    over the customer's live enrollments and the first of them with hours left."""
    stmt = select(m.Enrollment).where(m.Enrollment.customer_id == customer_id,
                                      m.Enrollment.status.notin_(rules.ENDED))
    if enrollment_id:
        stmt = stmt.where(m.Enrollment.id == enrollment_id)
    live = list(s.scalars(stmt.order_by(m.Enrollment.confirmed_at, m.Enrollment.id)))
    if enrollment_id and not live:
        raise scope.not_found("enrollment", "报名", enrollment_id)
    remaining = sum(e.purchased_hours - e.consumed_hours for e in live)
    with_hours = next((e.id for e in live if e.purchased_hours > e.consumed_hours), None)
    return remaining, with_hours or (live[0].id if live else None)


def create(s: Session, caller: Caller, *, term_id: str, customer_id: str, card: str,
           enrollment_id: str, note: str, id_card_digest: str | None = None
           ) -> tuple[m.AttendanceRegistration, rules.CardChoice]:
    term = scope.row(s, caller, m.Term, term_id, "term", "期")
    if not customer_id:
        raise FailedPrecondition("customer_id required", reason="invalid.customer_id",
                                 message_zh="请指定客户")
    if enrollment_id:  # only an enrollment the seller may see
        scope.enrollment(s, caller, enrollment_id)
    remaining, attend_on = balance(s, customer_id, enrollment_id or None)
    choice = rules.card_for(card, remaining)
    if s.scalar(select(m.AttendanceRegistration.id).where(
            m.AttendanceRegistration.term_id == term.id,
            m.AttendanceRegistration.customer_id == customer_id,
            m.AttendanceRegistration.status != approval_chain.REJECTED)) is not None:
        raise AlreadyExists("the customer is already registered for this term",
                            reason="enrollment.already_registered",
                            message_zh="该客户已登记本期")
    row = m.AttendanceRegistration(
        id=m.new_id(), term_id=term.id, campus_id=term.campus_id, customer_id=customer_id,
        enrollment_id=attend_on if choice.card != "trial" else (enrollment_id or None),
        card=choice.card, requested_card=card, seller_id=caller.user_id,
        seller_department_id=caller.department_id, seller_region_id=caller.region_id,
        status=approval_chain.PENDING, remaining_hours=max(remaining, 0),
        note=check_text(note, "note", multiline=True)[:500], created_at=m.utcnow(),
        id_card_digest=id_card_digest)
    s.add(row)
    s.flush()
    approval_chain.submit(s, CHAIN, row.id, caller, department_id=row.seller_department_id,
                          region_id=row.seller_region_id)
    return row, choice


def decide(s: Session, caller: Caller, row: m.AttendanceRegistration, *, approve: bool,
           note: str) -> m.AttendanceRegistration:
    decided = approval_chain.decide(s, CHAIN, row.id, caller, approve=approve,
                                    note=check_text(note, "note", multiline=True))
    row.status = decided.status
    if decided.status == approval_chain.APPROVED:
        # the invitation queue of the customer-service person who rechecked it
        row.invitation_owner_id = next(d.decided_by for d in decided.decisions
                                       if d.level_name == "service_recheck")
        row.invitation_stage = rules.PIPELINE[0]
    s.flush()
    return row


def approval(s: Session, row: m.AttendanceRegistration) -> approval_chain.Approval:
    return approval_chain.load(s, CHAIN, row.id)


def listing(caller: Caller, term_id: str, status: str, waiting_for_me: bool):
    stmt = select(m.AttendanceRegistration).where(visible(caller))
    if term_id:
        stmt = stmt.where(m.AttendanceRegistration.term_id == term_id)
    if status:
        stmt = stmt.where(m.AttendanceRegistration.status == status)
    if waiting_for_me:
        waiting = approval_chain.waiting_for([CHAIN], caller).subquery()
        stmt = stmt.where(m.AttendanceRegistration.id.in_(select(waiting.c.document_id)))
    return stmt


ROSTER_ROLES = ("conference_staff", "admin", "general_manager", "director",
                "department_manager", "customer_service")


def roster(caller: Caller, term: m.Term):
    """The term's roster: its approved registrations (conference staff run the sessions
    and see it whole; others within their scope)."""
    stmt = select(m.AttendanceRegistration).where(
        m.AttendanceRegistration.term_id == term.id,
        m.AttendanceRegistration.status == approval_chain.APPROVED)
    if not caller.has_role("conference_staff"):
        stmt = stmt.where(visible(caller))
    return stmt
