"""Enrollments (SQLite and PostgreSQL): finance's order.paid_in_full confirms the order's
enrollments once (the inbox), prefilled from the order; the changes over gRPC with their
effect on hours and an enrollment.changed event each; scope (sales own, managers department,
directors region)."""
from __future__ import annotations

import uuid

import grpc
from contracts.enrollment import enrollment_pb2 as pb
from enrollment import events, payment_handlers
from kit.events import make_envelope

from ..conftest import new_class, new_course  # noqa: TID252

NF, FP = grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION
CONSUMER = "enrollment.confirm_paid_order"


def paid(api, order: pb.Order):
    event = make_envelope(events.ORDER_PAID_IN_FULL, order.id, {
        "order_id": order.id, "customer_id": order.customer_id,
        "paid_total_fen": order.price_fen, "paid_at": "2027-02-20T08:00:00Z"})
    return event, payment_handlers.on_order_paid_in_full(api.db, event, CONSUMER)


def place(api, as_: str = "sales-n1", **fields) -> pb.Order:
    fields.setdefault("customer_id", f"cust-{uuid.uuid4().hex[:8]}")
    fields.setdefault("campus_id", "c-north")
    return api("PlaceOrder", pb.PlaceOrderRequest(**fields), as_).order


def enrollments_of(api, order: pb.Order, as_: str = "admin") -> list[pb.Enrollment]:
    return list(api("ListEnrollments", pb.ListEnrollmentsRequest(
        customer_id=order.customer_id), as_).enrollments)


def test_paid_in_full_confirms_the_enrollment_once(enrollment_api):
    api = enrollment_api
    course = new_course(api, price_fen=240_000, lesson_hours=24, category="retraining")
    klass = new_class(api, course.id, capacity=3)
    order = place(api, kind="class", class_id=klass.id, deposit_fen=50_000)
    event, made = paid(api, order)
    assert made == 1
    assert payment_handlers.on_order_paid_in_full(api.db, event, CONSUMER) == 0  # redelivery
    [e] = enrollments_of(api, order)
    assert (e.order_id, e.customer_id, e.course_id, e.class_id, e.term_id, e.campus_id,
            e.seller_id, e.status, e.purchased_hours, e.consumed_hours, e.remaining_hours,
            e.price_fen) == (order.id, order.customer_id, course.id, klass.id, klass.term_id,
                             "c-north", "u-sales-n1", "active", 24, 0, 24, 240_000)
    [confirmed] = api.events(events.ENROLLMENT_CONFIRMED, e.id)
    assert (confirmed["order_id"], confirmed["class_id"], confirmed["term_id"],
            confirmed["lesson_hours"], confirmed["price_fen"], confirmed["registration_kind"],
            confirmed["starts_on"]) == (order.id, klass.id, klass.term_id, 24, 240_000,
                                        "retrain", "2027-03-01")
    assert api("GetOrder", pb.GetOrderRequest(order_id=order.id), "admin").order.status == \
        "enrolled"
    # the enrollment keeps the seat the order held
    assert api("GetClass", pb.GetClassRequest(class_id=klass.id), "admin").class_.taken == 1
    # a second paid_in_full event (another id) for the same order enrolls nothing more
    assert paid(api, order)[1] == 0
    assert len(enrollments_of(api, order)) == 1


def test_a_cancelled_or_unknown_order_enrolls_nothing(enrollment_api):
    api = enrollment_api
    course = new_course(api)
    order = place(api, kind="lesson_hours", course_id=course.id, lesson_hours=2)
    api("CancelOrder", pb.CancelOrderRequest(order_id=order.id, reason="x"), "sales-n1")
    assert paid(api, order)[1] == 0
    assert enrollments_of(api, order) == []
    ghost = pb.Order(id="no-such-order", customer_id="c-x", price_fen=1)
    assert paid(api, ghost)[1] == 0


def test_a_bundle_makes_one_enrollment_per_course_sharing_the_price(enrollment_api):
    api = enrollment_api
    a = new_course(api, price_fen=100_000, lesson_hours=10)
    b = new_course(api, price_fen=200_000, lesson_hours=20)
    order = place(api, kind="bundle", course_ids=[a.id, b.id], discount_fen=10_000)
    assert paid(api, order)[1] == 2
    made = {e.course_id: (e.purchased_hours, e.price_fen) for e in enrollments_of(api, order)}
    # 290 000 shared pro rata to list prices; the last course takes the rounding rest
    assert made == {a.id: (10, 96_666), b.id: (20, 193_334)}


def test_changes_and_their_effect_on_hours(enrollment_api):
    api = enrollment_api
    course = new_course(api, lesson_hours=30)
    klass = new_class(api, course.id)
    other = new_class(api, course.id, capacity=1)
    order = place(api, kind="class", class_id=klass.id)
    paid(api, order)
    [e] = enrollments_of(api, order)

    def change(method, request, as_="sales-n1"):
        answer = api(method, request, as_)
        return answer.change, answer.hours_delta, answer.enrollment

    suspended = change("SuspendEnrollment", pb.ChangeEnrollmentRequest(enrollment_id=e.id,
                                                                       reason="出差"))
    assert suspended[:2] == ("suspended", 0) and suspended[2].status == "suspended"
    assert api.refused("TransferEnrollment", pb.TransferEnrollmentRequest(
        enrollment_id=e.id, class_id=other.id), "sales-n1") == \
        (FP, "enrollment.change_not_allowed")
    assert change("ResumeEnrollment", pb.ChangeEnrollmentRequest(enrollment_id=e.id))[:2] == \
        ("resumed", 0)
    moved = change("TransferEnrollment", pb.TransferEnrollmentRequest(
        enrollment_id=e.id, class_id=other.id, reason="时间冲突"), "manager-n")
    assert moved[:2] == ("transferred", 0)
    assert (moved[2].class_id, moved[2].remaining_hours) == (other.id, 30)
    assert api("GetClass", pb.GetClassRequest(class_id=other.id), "admin").class_.taken == 1
    assert api("GetClass", pb.GetClassRequest(class_id=klass.id), "admin").class_.taken == 0
    withdrawn = change("WithdrawEnrollment", pb.ChangeEnrollmentRequest(enrollment_id=e.id))
    assert withdrawn[:2] == ("withdrawn", -30)
    assert (withdrawn[2].status, withdrawn[2].purchased_hours,
            withdrawn[2].remaining_hours) == ("withdrawn", 0, 0)
    changed = api.events(events.ENROLLMENT_CHANGED, e.id)
    assert [(c["change"], c["hours_delta"], c["remaining_hours"]) for c in changed] == [
        ("suspended", 0, 30), ("resumed", 0, 30), ("transferred", 0, 30),
        ("withdrawn", -30, 0)]
    assert (changed[2]["from_class_id"], changed[2]["class_id"]) == (klass.id, other.id)
    assert api.refused("WithdrawEnrollment", pb.ChangeEnrollmentRequest(enrollment_id=e.id),
                       "sales-n1") == (FP, "enrollment.change_not_allowed")


def test_leaving_after_some_lessons_is_a_drop_out(enrollment_api):
    from enrollment import models as m

    api = enrollment_api
    course = new_course(api, lesson_hours=30)
    order = place(api, kind="lesson_hours", course_id=course.id, lesson_hours=30)
    paid(api, order)
    [e] = enrollments_of(api, order)
    with api.db.session() as s:  # attendance recorded 8 hours (until sign-in lands here)
        s.get(m.Enrollment, e.id).consumed_hours = 8
    answer = api("WithdrawEnrollment", pb.ChangeEnrollmentRequest(enrollment_id=e.id),
                 "sales-n1")
    assert (answer.change, answer.hours_delta, answer.enrollment.status,
            answer.enrollment.purchased_hours, answer.enrollment.remaining_hours) == \
        ("dropped_out", -22, "dropped_out", 8, 0)


def test_renewal_adds_hours_when_its_order_is_paid(enrollment_api):
    api = enrollment_api
    course = new_course(api, price_fen=100_000, lesson_hours=10)
    order = place(api, kind="lesson_hours", course_id=course.id, lesson_hours=10)
    paid(api, order)
    [e] = enrollments_of(api, order)
    renewal = api("RenewEnrollment", pb.RenewEnrollmentRequest(
        enrollment_id=e.id, lesson_hours=5, deposit_fen=10_000), "sales-n1").order
    assert (renewal.kind, renewal.renews_enrollment_id, renewal.lesson_hours,
            renewal.price_fen, renewal.status) == ("lesson_hours", e.id, 5, 50_000, "placed")
    assert api.events(events.ORDER_PLACED, renewal.id)[0]["renews_enrollment_id"] == e.id
    assert paid(api, renewal)[1] == 1
    after = api("GetEnrollment", pb.GetEnrollmentRequest(enrollment_id=e.id),
                "sales-n1").enrollment
    assert (after.purchased_hours, after.remaining_hours, after.price_fen) == \
        (15, 15, 150_000)
    [renewed] = api.events(events.ENROLLMENT_CHANGED, e.id)
    assert (renewed["change"], renewed["hours_delta"], renewed["renewal_order_id"]) == \
        ("renewed", 5, renewal.id)
    assert len(enrollments_of(api, order)) == 1
    # a renewal paid after the student left adds nothing (and does not fail the consumer)
    late = api("RenewEnrollment", pb.RenewEnrollmentRequest(enrollment_id=e.id,
                                                            lesson_hours=5), "sales-n1").order
    api("WithdrawEnrollment", pb.ChangeEnrollmentRequest(enrollment_id=e.id), "sales-n1")
    assert paid(api, late)[1] == 0
    gone = api("GetEnrollment", pb.GetEnrollmentRequest(enrollment_id=e.id),
               "sales-n1").enrollment
    assert (gone.status, gone.purchased_hours) == ("withdrawn", 0)


def test_enrollments_are_scoped_like_their_orders(enrollment_api):
    api = enrollment_api
    course = new_course(api)
    order = place(api, kind="lesson_hours", course_id=course.id, lesson_hours=2)
    paid(api, order)
    [e] = enrollments_of(api, order)
    for name in ("sales-n1", "manager-n", "director-n", "cs", "admin"):
        assert api("GetEnrollment", pb.GetEnrollmentRequest(enrollment_id=e.id),
                   name).enrollment.id == e.id
    for name in ("sales-n2", "sales-s", "director-s"):
        assert api.refused("GetEnrollment", pb.GetEnrollmentRequest(enrollment_id=e.id),
                           name) == (NF, "enrollment.enrollment_not_found")
        assert enrollments_of(api, order, name) == []
        assert api.refused("SuspendEnrollment", pb.ChangeEnrollmentRequest(
            enrollment_id=e.id), name) == (NF, "enrollment.enrollment_not_found")
    assert api.refused("SuspendEnrollment", pb.ChangeEnrollmentRequest(enrollment_id=e.id),
                       "teacher-n") == (grpc.StatusCode.PERMISSION_DENIED,
                                        "enrollment.change_denied")


def test_stage_two_is_sold_once_stage_one_is_enrolled(enrollment_api):
    api = enrollment_api
    stage1 = new_course(api, stage=1)
    stage2 = new_course(api, stage=2, prerequisite_course_id=stage1.id)
    first = place(api, kind="lesson_hours", course_id=stage1.id, lesson_hours=20)
    request = pb.PlaceOrderRequest(kind="lesson_hours", customer_id=first.customer_id,
                                   course_id=stage2.id, lesson_hours=20, campus_id="c-north")
    assert api.refused("PlaceOrder", request, "sales-n1") == \
        (FP, "enrollment.prerequisite_missing")
    paid(api, first)
    assert api("PlaceOrder", request, "sales-n1").order.status == "placed"
