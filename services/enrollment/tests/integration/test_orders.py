"""Sales orders over gRPC (in-process api, SQLite and PostgreSQL): what an order sells and
its price, prerequisites, class capacity, the discount approval (one level, no
self-approval), order.placed with the commission version it used, cancelling, data scope
(sales own, managers department, directors region) and idempotency keys."""
from __future__ import annotations

import uuid

import grpc
from contracts.enrollment import enrollment_pb2 as pb
from enrollment import events, orders

from ..conftest import new_class, new_course  # noqa: TID252

NF, PD = grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED
FP = grpc.StatusCode.FAILED_PRECONDITION


def customer() -> str:
    return f"cust-{uuid.uuid4().hex[:8]}"


def test_class_order_stands_with_the_commission_version_it_used(enrollment_api):
    api = enrollment_api
    course = new_course(api, price_fen=1_280_000, lesson_hours=24, commission_ratios=[
        pb.CommissionRatio(role="seller", ratio_bp=800),
        pb.CommissionRatio(role="channel", channel_tier="city_partner", ratio_bp=1500)])
    klass = new_class(api, course.id, capacity=5)
    who = customer()
    order = api("PlaceOrder", pb.PlaceOrderRequest(
        kind="class", customer_id=who, class_id=klass.id, campus_id="c-north",
        channel_id="ch-1", channel_tier="city_partner", discount_fen=128_000,
        deposit_fen=200_000), "sales-n1").order
    assert (order.status, order.list_price_fen, order.discount_fen, order.price_fen,
            order.deposit_fen, order.lesson_hours) == \
        ("placed", 1_280_000, 128_000, 1_152_000, 200_000, 24)
    assert (order.seller_id, order.seller_department_id, order.seller_region_id,
            order.term_id) == ("u-sales-n1", "d-north", "r-north", klass.term_id)
    placed = api.events(events.ORDER_PLACED, order.id)
    assert len(placed) == 1
    assert placed[0]["commission_ratios"] == [
        {"course_id": course.id, "version": 1, "role": "channel",
         "channel_tier": "city_partner", "ratio_bp": 1500},
        {"course_id": course.id, "version": 1, "role": "seller", "channel_tier": None,
         "ratio_bp": 800}]
    assert (placed[0]["price_fen"], placed[0]["customer_id"], placed[0]["class_id"]) == \
        (1_152_000, who, klass.id)
    # a ratio change is a new version: the next order uses it, the first keeps version 1
    api("SetCommissionRatios", pb.SetCommissionRatiosRequest(
        course_id=course.id, ratios=[pb.CommissionRatio(role="seller", ratio_bp=1000)]),
        "admin")
    second = api("PlaceOrder", pb.PlaceOrderRequest(
        kind="class", customer_id=customer(), class_id=klass.id, campus_id="c-north"),
        "sales-n1").order
    assert [(c.course_id, c.version) for c in second.commission] == [(course.id, 2)]
    assert api.events(events.ORDER_PLACED, second.id)[0]["commission_ratios"] == [
        {"course_id": course.id, "version": 2, "role": "seller", "channel_tier": None,
         "ratio_bp": 1000}]
    again = api("GetOrder", pb.GetOrderRequest(order_id=order.id), "sales-n1").order
    assert [(c.course_id, c.version) for c in again.commission] == [(course.id, 1)]


def test_lesson_hours_bundle_and_proxy_registration(enrollment_api):
    api = enrollment_api
    course = new_course(api, price_fen=100_000, lesson_hours=20)
    hours = api("PlaceOrder", pb.PlaceOrderRequest(
        kind="lesson_hours", customer_id=customer(), course_id=course.id, lesson_hours=5,
        campus_id="c-north"), "sales-n1").order
    assert (hours.list_price_fen, hours.lesson_hours, hours.class_id) == (25_000, 5, "")
    stage1 = new_course(api, stage=1, price_fen=300_000, lesson_hours=10)
    stage2 = new_course(api, stage=2, prerequisite_course_id=stage1.id, price_fen=500_000,
                        lesson_hours=16)
    student, parent = customer(), customer()
    bundle = api("PlaceOrder", pb.PlaceOrderRequest(
        kind="bundle", customer_id=student, course_ids=[stage1.id, stage2.id],
        campus_id="c-north", proxy_registration=True, payer_customer_id=parent),
        "sales-n1").order
    assert (bundle.list_price_fen, bundle.lesson_hours, list(bundle.course_ids),
            bundle.course_id) == (800_000, 26, [stage1.id, stage2.id], stage1.id)
    assert (bundle.proxy_registration, bundle.payer_customer_id) == (True, parent)
    assert api.events(events.ORDER_PLACED, bundle.id)[0]["payer_customer_id"] == parent
    # a proxy registration names its payer
    assert api.refused("PlaceOrder", pb.PlaceOrderRequest(
        kind="lesson_hours", customer_id=student, course_id=course.id, lesson_hours=1,
        campus_id="c-north", proxy_registration=True), "sales-n1") == \
        (grpc.StatusCode.INVALID_ARGUMENT, "invalid.payer_customer_id")
    # stage 2 alone needs stage 1 first; the other campus's course is refused
    assert api.refused("PlaceOrder", pb.PlaceOrderRequest(
        kind="lesson_hours", customer_id=customer(), course_id=stage2.id, lesson_hours=1,
        campus_id="c-north"), "sales-n1") == (FP, "enrollment.prerequisite_missing")
    south = new_course(api, campus_id="c-south")
    assert api.refused("PlaceOrder", pb.PlaceOrderRequest(
        kind="lesson_hours", customer_id=customer(), course_id=south.id, lesson_hours=1,
        campus_id="c-north"), "sales-n1") == (NF, "enrollment.course_not_found")
    assert api.refused("PlaceOrder", pb.PlaceOrderRequest(
        kind="lesson_hours", customer_id=customer(), course_id=course.id, lesson_hours=1,
        campus_id="c-south"), "sales-n1") == (NF, "enrollment.campus_not_found")
    assert api.refused("PlaceOrder", pb.PlaceOrderRequest(
        kind="lesson_hours", customer_id=customer(), course_id=course.id, lesson_hours=1,
        campus_id="c-north"), "teacher-n") == (PD, "enrollment.sellers_only")


def test_a_full_class_refuses_the_next_order(enrollment_api):
    api = enrollment_api
    course = new_course(api)
    klass = new_class(api, course.id, capacity=1)
    request = pb.PlaceOrderRequest(kind="class", class_id=klass.id, campus_id="c-north")
    request.customer_id = customer()
    first = api("PlaceOrder", request, "sales-n1").order
    request.customer_id = customer()
    assert api.refused("PlaceOrder", request, "sales-n2") == (FP, "enrollment.class_full")
    assert api("GetClass", pb.GetClassRequest(class_id=klass.id), "sales-n1").class_.taken == 1
    # cancelling frees the seat
    api("CancelOrder", pb.CancelOrderRequest(order_id=first.id, reason="changed plans"),
        "sales-n1")
    assert api("PlaceOrder", request, "sales-n2").order.status == "placed"


def test_discount_beyond_the_limit_waits_for_a_manager(enrollment_api):
    api = enrollment_api
    course = new_course(api, price_fen=100_000, lesson_hours=10)
    request = pb.PlaceOrderRequest(kind="lesson_hours", course_id=course.id, lesson_hours=10,
                                   campus_id="c-north", discount_fen=20_000)
    request.customer_id = customer()
    order = api("PlaceOrder", request, "sales-n1").order
    assert (order.status, order.price_fen) == ("pending_approval", 80_000)
    assert api.events(events.ORDER_PLACED, order.id) == []
    decide = pb.DecideOrderDiscountRequest(order_id=order.id, approve=True)
    # not a manager's level; another department's / region's manager does not see it
    assert api.refused("DecideOrderDiscount", decide, "sales-n2") == \
        (NF, "enrollment.order_not_found")
    assert api.refused("DecideOrderDiscount", decide, "director-s") == \
        (NF, "enrollment.order_not_found")
    assert api.refused("DecideOrderDiscount", decide, "cs") == (PD, "approval.not_your_level")
    approved = api("DecideOrderDiscount", decide, "manager-n").order
    assert approved.status == "placed"
    assert [e["price_fen"] for e in api.events(events.ORDER_PLACED, order.id)] == [80_000]
    assert api.refused("DecideOrderDiscount", decide, "director-n") == \
        (FP, "enrollment.order_not_pending")
    # a rejection ends the order
    request.customer_id = customer()
    other = api("PlaceOrder", request, "sales-n1").order
    rejected = api("DecideOrderDiscount", pb.DecideOrderDiscountRequest(
        order_id=other.id, approve=False, note="too generous"), "director-n").order
    assert rejected.status == "rejected"
    assert api.events(events.ORDER_PLACED, other.id) == []
    # a pending discount its seller cancels leaves the managers' to-do list
    request.customer_id = customer()
    third = api("PlaceOrder", request, "sales-n1").order
    assert api.refused("CancelOrder", pb.CancelOrderRequest(order_id=third.id), "sales-n2") \
        == (NF, "enrollment.order_not_found")
    api("CancelOrder", pb.CancelOrderRequest(order_id=third.id, reason="客户放弃"), "sales-n1")
    assert api.refused("DecideOrderDiscount", pb.DecideOrderDiscountRequest(
        order_id=third.id, approve=True), "manager-n") == (FP, "enrollment.order_not_pending")
    with api.db.session() as s:
        from kit import approval_chain
        assert approval_chain.load(s, orders.discount_chain(("department_manager",)),
                                   third.id).status == "withdrawn"
        waiting = s.execute(approval_chain.waiting_for(
            [orders.discount_chain(("department_manager",))], _manager())).all()
        assert third.id not in [w.document_id for w in waiting]
    assert api.events(events.ORDER_CANCELLED, third.id) == []


def _manager():
    from kit.caller import Caller, DataScope
    return Caller("u-mgr-x", "m", ("department_manager",), "d-north", "d-north", "r-north",
                  DataScope.DEPARTMENT)


def test_nobody_approves_their_own_discount(enrollment_api):
    api = enrollment_api
    course = new_course(api, price_fen=100_000, lesson_hours=10)
    order = api("PlaceOrder", pb.PlaceOrderRequest(
        kind="lesson_hours", customer_id=customer(), course_id=course.id, lesson_hours=10,
        campus_id="c-north", discount_fen=50_000), "manager-n").order
    assert order.status == "pending_approval"
    assert api.refused("DecideOrderDiscount", pb.DecideOrderDiscountRequest(
        order_id=order.id, approve=True), "manager-n") == (PD, "approval.own_request")
    assert api("DecideOrderDiscount", pb.DecideOrderDiscountRequest(
        order_id=order.id, approve=True), "manager-n2").order.status == "placed"


def test_orders_are_scoped_by_seller_department_and_region(enrollment_api):
    api = enrollment_api
    course = new_course(api)
    who = customer()
    order = api("PlaceOrder", pb.PlaceOrderRequest(
        kind="lesson_hours", customer_id=who, course_id=course.id, lesson_hours=2,
        campus_id="c-north"), "sales-n1").order
    for name in ("sales-n1", "manager-n", "director-n", "admin", "cs"):
        assert api("GetOrder", pb.GetOrderRequest(order_id=order.id), name).order.id == order.id
    for name in ("sales-n2", "sales-s", "director-s"):
        assert api.refused("GetOrder", pb.GetOrderRequest(order_id=order.id), name) == \
            (NF, "enrollment.order_not_found")
    listed = {name: [o.id for o in api("ListOrders", pb.ListOrdersRequest(
        customer_id=who), name).orders] for name in ("sales-n1", "sales-n2", "manager-n",
                                                     "director-s")}
    assert listed == {"sales-n1": [order.id], "sales-n2": [], "manager-n": [order.id],
                      "director-s": []}
    assert api.refused("CancelOrder", pb.CancelOrderRequest(order_id=order.id, reason="x"),
                       "sales-n2") == (NF, "enrollment.order_not_found")
    cancelled = api("CancelOrder", pb.CancelOrderRequest(order_id=order.id,
                                                         reason="客户改期"), "sales-n1").order
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "客户改期")
    assert [e["reason"] for e in api.events(events.ORDER_CANCELLED, order.id)] == ["客户改期"]
    assert api.refused("CancelOrder", pb.CancelOrderRequest(order_id=order.id, reason="x"),
                       "sales-n1") == (FP, "enrollment.order_not_cancellable")


def test_idempotency_key_same_body_same_answer_other_body_refused(enrollment_api):
    api = enrollment_api
    course = new_course(api)
    key = f"key-{uuid.uuid4().hex}"
    request = pb.PlaceOrderRequest(kind="lesson_hours", customer_id=customer(),
                                   course_id=course.id, lesson_hours=3, campus_id="c-north")
    first = api("PlaceOrder", request, "sales-n1", key=key).order
    again = api("PlaceOrder", request, "sales-n1", key=key).order
    assert again == first
    listed = api("ListOrders", pb.ListOrdersRequest(customer_id=request.customer_id),
                 "admin").orders
    assert [o.id for o in listed] == [first.id]
    assert len(api.events(events.ORDER_PLACED, first.id)) == 1
    request.lesson_hours = 4
    assert api.refused("PlaceOrder", request, "sales-n1", key=key) == \
        (FP, "idempotency_conflict")
    # the same key and body from another caller is not answered from the first one's
    request.lesson_hours = 3
    assert api.refused("PlaceOrder", request, "sales-n2", key=key) == \
        (FP, "idempotency_conflict")
