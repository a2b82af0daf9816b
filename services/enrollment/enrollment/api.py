# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The enrollment gRPC api process: `python -m enrollment.api` (plain grpcio, never patched).

The servicer only translates: protobuf in → the rule modules → protobuf out. Roles are
checked here (access.py), rows are scoped in scope.py, every write runs once per
idempotency key (kit.idempotency.run_once)."""
from __future__ import annotations

import logging

from contracts.enrollment import enrollment_pb2 as pb
from contracts.enrollment import enrollment_pb2_grpc as pb_grpc
from kit import grpc_server, idempotency
from kit.caller import Caller
from kit.db import Database
from kit.errors import InvalidArgument
from kit.grpc_context import idempotency_key

from . import (
    access,
    catalogue,
    convert,
    enrollments,
    lists,
    orders,
    personal_ids,
    registrations,
    rules,
    scope,
    sign_ins,
)
from . import models as m
from .settings import EnrollmentSettings, load

log = logging.getLogger(__name__)
SERVICE_NAME = pb.DESCRIPTOR.services_by_name["EnrollmentService"].full_name


class EnrollmentServicer(pb_grpc.EnrollmentServiceServicer):
    def __init__(self, db: Database, settings: EnrollmentSettings):
        self.db, self.settings = db, settings
        self.discounts = orders.discount_chain(settings.discount_approver_roles)

    # ---- helpers ---------------------------------------------------------------------
    def _once(self, method: str, request, response_type, caller: Caller, apply, *,
              personal: tuple[str, ...] = (), personal_digest: str = ""):
        """`apply(session)` once per idempotency key: the same key + request from the same
        caller → the stored response; another request under the key → error. Personal
        fields (an ID number) are left out of the fingerprint, their keyed digest put in."""
        key = idempotency_key() or getattr(request, "idempotency_key", "")
        exclude = (*personal, *(("idempotency_key",) if hasattr(request, "idempotency_key")
                                else ()))
        print_ = idempotency.fingerprint([caller.user_id, personal_digest,
                                          idempotency.protobuf_fingerprint(request,
                                                                           exclude=exclude)])
        return idempotency.run_once(self.db, key, method, print_, apply,
                                    idempotency.protobuf_codec(response_type))

    def _manager(self) -> Caller:
        return access.catalogue_manager(self.settings.catalogue_roles)

    @staticmethod
    def _course_msg(s, c: m.Course) -> pb.Course:
        return convert.course(c, catalogue.ratios(s, c.id, c.commission_version))

    @staticmethod
    def _class_msg(s, k: m.Klass) -> pb.Class:
        return convert.klass(k, catalogue.taken_seats(s, k.id))

    # ---- campuses --------------------------------------------------------------------
    def UpsertCampus(self, request, context):
        caller = self._manager()
        c = request.campus

        def apply(s):
            if s.get(m.Campus, c.id) is not None:
                scope.check_campus_write(s, caller, c.id)
            scope.check_campus_placement(caller, c.region_id, c.department_ids)
            row = catalogue.upsert_campus(s, c.id, c.name, region_id=c.region_id,
                                          department_ids=c.department_ids)
            return pb.UpsertCampusResponse(campus=convert.campus(
                row, scope.department_ids(s, row.id)))
        return self._once("UpsertCampus", request, pb.UpsertCampusResponse, caller, apply)

    def ListCampuses(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            page = lists.campuses(s, caller, request.page_size, request.page_token)
            return pb.ListCampusesResponse(
                campuses=[convert.campus(c, scope.department_ids(s, c.id)) for c in page.rows],
                next_page_token=page.next_token)

    # ---- courses ---------------------------------------------------------------------
    def _save_course(self, s, caller: Caller, row: m.Course, c: pb.Course) -> m.Course:
        scope.check_campus_write(s, caller, c.campus_id or None)
        return catalogue.save_course(
            s, row, name=c.name, category=c.category, stage=c.stage,
            prerequisite_course_id=c.prerequisite_course_id or None, tool=c.tool,
            lesson_hours=c.lesson_hours, price_fen=c.price_fen, campus_id=c.campus_id or None,
            absence_counts_as_consumed=c.absence_counts_as_consumed, active=c.active)

    def CreateCourse(self, request, context):
        caller = self._manager()

        def apply(s):
            row = m.Course(id=catalogue.new_course_id(s, request.course.id),
                           commission_version=0)
            msg = pb.Course()
            msg.CopyFrom(request.course)
            msg.active = True  # a new course is sold until said otherwise
            row = self._save_course(s, caller, row, msg)
            if request.course.commission_ratios:
                catalogue.set_ratios(s, row, _ratios(request.course.commission_ratios),
                                     caller.user_id)
            return pb.CreateCourseResponse(course=self._course_msg(s, row))
        return self._once("CreateCourse", request, pb.CreateCourseResponse, caller, apply)

    def UpdateCourse(self, request, context):
        caller = self._manager()

        def apply(s):
            row = scope.row(s, caller, m.Course, request.course.id, "course", "课程")
            scope.check_campus_write(s, caller, row.campus_id)
            row = self._save_course(s, caller, row, request.course)
            return pb.UpdateCourseResponse(course=self._course_msg(s, row))
        return self._once("UpdateCourse", request, pb.UpdateCourseResponse, caller, apply)

    def GetCourse(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            row = scope.row(s, caller, m.Course, request.course_id, "course", "课程")
            return pb.GetCourseResponse(course=self._course_msg(s, row))

    def ListCourses(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            page = lists.courses(s, caller, request.campus_id, request.category,
                                 request.page_size, request.page_token)
            return pb.ListCoursesResponse(courses=[self._course_msg(s, c) for c in page.rows],
                                          next_page_token=page.next_token)

    def SetCommissionRatios(self, request, context):
        caller = self._manager()

        def apply(s):
            row = scope.row(s, caller, m.Course, request.course_id, "course", "课程")
            scope.check_campus_write(s, caller, row.campus_id)
            catalogue.set_ratios(s, row, _ratios(request.ratios), caller.user_id)
            return pb.SetCommissionRatiosResponse(course=self._course_msg(s, row))
        return self._once("SetCommissionRatios", request, pb.SetCommissionRatiosResponse,
                          caller, apply)

    # ---- terms and classes -----------------------------------------------------------
    def CreateTerm(self, request, context):
        caller = self._manager()
        t = request.term

        def apply(s):
            scope.check_campus_write(s, caller, t.campus_id or "")
            row = catalogue.create_term(s, term_id=t.id, campus_id=t.campus_id, name=t.name,
                                        start=t.start_date, end=t.end_date)
            return pb.CreateTermResponse(term=convert.term(row))
        return self._once("CreateTerm", request, pb.CreateTermResponse, caller, apply)

    def GetTerm(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            row = scope.row(s, caller, m.Term, request.term_id, "term", "期")
            return pb.GetTermResponse(term=convert.term(row))

    def ListTerms(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            page = lists.terms(s, caller, request.campus_id, request.page_size,
                               request.page_token)
            return pb.ListTermsResponse(terms=[convert.term(t) for t in page.rows],
                                        next_page_token=page.next_token)

    def _save_class(self, s, caller: Caller, row: m.Klass, c: pb.Class) -> m.Klass:
        term = scope.row(s, caller, m.Term, c.term_id, "term", "期")
        scope.check_campus_write(s, caller, term.campus_id)
        course = scope.row(s, caller, m.Course, c.course_id, "course", "课程")
        return catalogue.save_class(s, row, term=term, course=course, name=c.name,
                                    capacity=c.capacity, start=c.start_date, end=c.end_date)

    def CreateClass(self, request, context):
        caller = self._manager()

        def apply(s):
            if request.class_.id and s.get(m.Klass, request.class_.id) is not None:
                raise InvalidArgument("class id exists; use UpdateClass",
                                      reason="enrollment.class_exists",
                                      message_zh="班级已存在")
            row = self._save_class(s, caller, m.Klass(id=request.class_.id or None),
                                   request.class_)
            return pb.CreateClassResponse(class_=self._class_msg(s, row))
        return self._once("CreateClass", request, pb.CreateClassResponse, caller, apply)

    def UpdateClass(self, request, context):
        caller = self._manager()

        def apply(s):
            row = scope.row(s, caller, m.Klass, request.class_.id, "class", "班级")
            scope.check_campus_write(s, caller, row.campus_id)
            row = self._save_class(s, caller, row, request.class_)
            return pb.UpdateClassResponse(class_=self._class_msg(s, row))
        return self._once("UpdateClass", request, pb.UpdateClassResponse, caller, apply)

    def GetClass(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            row = scope.row(s, caller, m.Klass, request.class_id, "class", "班级")
            return pb.GetClassResponse(class_=self._class_msg(s, row))

    def ListClasses(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            page = lists.classes(s, caller, request.term_id, request.page_size,
                                 request.page_token)
            return pb.ListClassesResponse(classes=[self._class_msg(s, k) for k in page.rows],
                                          next_page_token=page.next_token)

    # ---- orders ----------------------------------------------------------------------
    def PlaceOrder(self, request, context):
        caller = access.seller(self.settings.seller_roles)
        r = request

        def apply(s):
            order = orders.place(s, caller, orders.OrderRequest(
                kind=r.kind, customer_id=r.customer_id, payer_customer_id=r.payer_customer_id,
                proxy_registration=r.proxy_registration, course_id=r.course_id,
                lesson_hours=r.lesson_hours, class_id=r.class_id,
                course_ids=tuple(r.course_ids), campus_id=r.campus_id,
                channel_id=r.channel_id, channel_tier=r.channel_tier,
                discount_fen=r.discount_fen, deposit_fen=r.deposit_fen),
                discount_limit_bp=self.settings.discount_limit_bp, chain=self.discounts)
            return pb.PlaceOrderResponse(order=convert.order(order))
        return self._once("PlaceOrder", request, pb.PlaceOrderResponse, caller, apply)

    def GetOrder(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            return pb.GetOrderResponse(order=convert.order(
                scope.order(s, caller, request.order_id)))

    def ListOrders(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            page = lists.orders(s, caller, request.status, request.customer_id,
                                request.page_size, request.page_token)
            return pb.ListOrdersResponse(orders=[convert.order(o) for o in page.rows],
                                         next_page_token=page.next_token)

    def DecideOrderDiscount(self, request, context):
        caller = access.caller()

        def apply(s):
            order = scope.order(s, caller, request.order_id)
            order = orders.decide_discount(s, caller, order, approve=request.approve,
                                           note=request.note, chain=self.discounts)
            return pb.DecideOrderDiscountResponse(order=convert.order(order))
        return self._once("DecideOrderDiscount", request, pb.DecideOrderDiscountResponse,
                          caller, apply)

    def CancelOrder(self, request, context):
        caller = access.seller(self.settings.seller_roles)

        def apply(s):
            order = scope.order(s, caller, request.order_id)
            return pb.CancelOrderResponse(order=convert.order(
                orders.cancel(s, caller, order, request.reason, chain=self.discounts)))
        return self._once("CancelOrder", request, pb.CancelOrderResponse, caller, apply)

    # ---- enrollments -----------------------------------------------------------------
    def GetEnrollment(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            return pb.GetEnrollmentResponse(enrollment=convert.enrollment(
                scope.enrollment(s, caller, request.enrollment_id)))

    def ListEnrollments(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            page = lists.enrollments(s, caller, request.customer_id, request.status,
                                     request.page_size, request.page_token)
            return pb.ListEnrollmentsResponse(
                enrollments=[convert.enrollment(e) for e in page.rows],
                next_page_token=page.next_token)

    def _change(self, method: str, request, change):
        caller = access.enrollment_writer(
            set(self.settings.enrollment_staff_roles) | set(self.settings.seller_roles))

        def apply(s):
            e = scope.enrollment(s, caller, request.enrollment_id)
            s.refresh(e, with_for_update=True)
            effect = change(s, caller, e)
            return pb.ChangeEnrollmentResponse(enrollment=convert.enrollment(e),
                                               change=effect.change,
                                               hours_delta=effect.hours_delta)
        return self._once(method, request, pb.ChangeEnrollmentResponse, caller, apply)

    def TransferEnrollment(self, request, context):
        return self._change("TransferEnrollment", request, lambda s, c, e: enrollments.transfer(
            s, c, e, request.class_id, request.reason))

    def SuspendEnrollment(self, request, context):
        return self._change("SuspendEnrollment", request,
                            lambda s, c, e: enrollments.suspend(s, c, e, request.reason))

    def ResumeEnrollment(self, request, context):
        return self._change("ResumeEnrollment", request,
                            lambda s, c, e: enrollments.resume(s, c, e, request.reason))

    def WithdrawEnrollment(self, request, context):
        return self._change("WithdrawEnrollment", request,
                            lambda s, c, e: enrollments.withdraw(s, c, e, request.reason))

    def RenewEnrollment(self, request, context):
        caller = access.seller(self.settings.seller_roles)

        def apply(s):
            e = scope.enrollment(s, caller, request.enrollment_id)
            rules.renew(e.status, request.lesson_hours)
            order = orders.place(s, caller, orders.OrderRequest(
                kind="lesson_hours", customer_id=e.customer_id, payer_customer_id="",
                proxy_registration=False, course_id=e.course_id,
                lesson_hours=request.lesson_hours, class_id="", course_ids=(),
                campus_id=e.campus_id, channel_id="", channel_tier="",
                discount_fen=request.discount_fen, deposit_fen=request.deposit_fen,
                renews_enrollment_id=e.id),
                discount_limit_bp=self.settings.discount_limit_bp, chain=self.discounts)
            return pb.PlaceOrderResponse(order=convert.order(order))
        return self._once("RenewEnrollment", request, pb.PlaceOrderResponse, caller, apply)

    # ---- attendance registrations -----------------------------------------------------
    @staticmethod
    def _registration_response(s, row, choice=None) -> pb.AttendanceRegistrationResponse:
        return pb.AttendanceRegistrationResponse(
            registration=convert.registration(row, registrations.approval(s, row)),
            warning=choice.warning if choice else "",
            warning_zh=choice.warning_zh if choice else "")

    def CreateAttendanceRegistration(self, request, context):
        caller = access.seller(self.settings.seller_roles)
        digest = personal_ids.digest(request.id_card_number, self.settings.id_card_digest_key) \
            if request.id_card_number else None

        def apply(s):
            row, choice = registrations.create(
                s, caller, term_id=request.term_id, customer_id=request.customer_id,
                card=request.card, enrollment_id=request.enrollment_id, note=request.note,
                id_card_digest=digest)
            return self._registration_response(s, row, choice)
        return self._once("CreateAttendanceRegistration", request,
                          pb.AttendanceRegistrationResponse, caller, apply,
                          personal=("id_card_number",), personal_digest=digest or "")

    def GetAttendanceRegistration(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            row = registrations.get(s, caller, request.registration_id)
            return self._registration_response(s, row)

    def ListAttendanceRegistrations(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            stmt = registrations.listing(caller, request.term_id, request.status,
                                         request.waiting_for_me)
            page = lists.registrations(s, stmt, request.term_id, request.status,
                                       request.waiting_for_me, request.page_size,
                                       request.page_token)
            return pb.ListAttendanceRegistrationsResponse(
                registrations=[convert.registration(r, registrations.approval(s, r))
                               for r in page.rows], next_page_token=page.next_token)

    def DecideAttendanceRegistration(self, request, context):
        caller = access.caller()

        def apply(s):
            row = registrations.get(s, caller, request.registration_id)
            registrations.decide(s, caller, row, approve=request.approve, note=request.note)
            return self._registration_response(s, row)
        return self._once("DecideAttendanceRegistration", request,
                          pb.AttendanceRegistrationResponse, caller, apply)

    def GetTermRoster(self, request, context):
        caller = access.require(registrations.ROSTER_ROLES, "you may not read rosters",
                                "您无权查看花名册", "enrollment.roster_denied")
        with self.db.session() as s:
            term = scope.row(s, caller, m.Term, request.term_id, "term", "期")
            page = lists.roster(s, registrations.roster(caller, term), term.id,
                                request.page_size, request.page_token)
            return pb.GetTermRosterResponse(
                entries=[convert.roster_entry(r) for r in page.rows],
                next_page_token=page.next_token)

    # ---- invitations and sign-in ------------------------------------------------------
    def ListInvitations(self, request, context):
        caller = access.caller()
        with self.db.session() as s:
            page = lists.invitations(s, sign_ins.queue(caller, request.stage), request.stage,
                                     request.page_size, request.page_token)
            return pb.ListAttendanceRegistrationsResponse(
                registrations=[convert.registration(r, registrations.approval(s, r))
                               for r in page.rows], next_page_token=page.next_token)

    def AdvanceInvitation(self, request, context):
        caller = access.caller()

        def apply(s):
            row = sign_ins.advance(s, caller, request.registration_id, request.stage)
            return self._registration_response(s, row)
        return self._once("AdvanceInvitation", request, pb.AttendanceRegistrationResponse,
                          caller, apply)

    def SignIn(self, request, context):
        caller = access.caller()
        # the number is validated before anything else and never part of a stored record
        digest = personal_ids.digest(request.id_card_number, self.settings.id_card_digest_key)

        def apply(s):
            done = sign_ins.sign_in(s, caller, term_id=request.term_id,
                                    session_id=request.session_id, digest=digest,
                                    lesson_hours=request.lesson_hours)
            remaining = 0
            if done.registration.enrollment_id:
                e = s.get(m.Enrollment, done.registration.enrollment_id)
                remaining = e.purchased_hours - e.consumed_hours
            return pb.SignInResponse(
                registration=convert.registration(done.registration,
                                                  registrations.approval(s, done.registration)),
                attendance_id=done.attendance.id if done.attendance else "",
                already_signed_in=done.already, remaining_hours=remaining)
        return self._once("SignIn", request, pb.SignInResponse, caller, apply,
                          personal=("id_card_number",), personal_digest=digest)


def _ratios(messages) -> list[rules.Ratio]:
    return [rules.Ratio(r.role, r.channel_tier, r.ratio_bp) for r in messages]


def build_server(settings: EnrollmentSettings, db: Database, *, address: str | None = None,
                 **server_kwargs) -> grpc_server.GrpcServer:
    servicer = EnrollmentServicer(db, settings)
    return grpc_server.create_server(
        [(pb_grpc.add_EnrollmentServiceServicer_to_server, servicer)], [SERVICE_NAME],
        address or f"{settings.grpc_host}:{settings.grpc_port}", part="enrollment",
        **server_kwargs)


def main() -> None:
    import os

    from kit.grpc_client import channel, identity_key_set
    from kit.grpc_tls import load_tls
    from kit.internal_auth import load_internal_token
    from kit.logs import configure_logging
    from kit.revocation_follower import follow_identity

    from . import production

    configure_logging("enrollment")
    production.enforce("enrollment-api", os.environ)
    settings = load()
    db = Database(settings.database_url)
    servicer = EnrollmentServicer(db, settings)
    identity = channel(settings.identity_address, tls=load_tls("enrollment"))
    # Frozen users and revoked sessions are refused here too, not only at the gateway; the
    # internal token is only presented to identity (ListRevocations).
    revocations = follow_identity(part="enrollment", amqp_uri=settings.amqp_uri,
                                  identity=identity,
                                  internal_token=load_internal_token()).start()
    try:
        grpc_server.serve(
            [(pb_grpc.add_EnrollmentServiceServicer_to_server, servicer)], [SERVICE_NAME],
            f"{settings.grpc_host}:{settings.grpc_port}", part="enrollment",
            metrics_port=settings.metrics_port, key_set=identity_key_set(identity),
            caller_check=revocations.check, on_started=revocations.follower.attach_health)
    finally:
        revocations.stop()
        db.dispose()


if __name__ == "__main__":
    main()
