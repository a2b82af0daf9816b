"""Events produced by enrollment, and enrollment's subscriptions (issue 8's contract).
Payloads carry ids and integer amounts (fen, lesson hours), never phone or ID numbers."""
from .definitions import (
    ID,
    NULLABLE_ID,
    TEXT,
    TIMESTAMP,
    EventType,
    object_schema,
    register,
    subscribe,
)

_FEN = {"type": "integer", "minimum": 0}
_HOURS = {"type": "integer", "minimum": 0}
_NULLABLE_TEXT = {"type": ["string", "null"], "maxLength": 64}

register(EventType(
    type="crm.enrollment.order.placed.v1",
    description="A sales order (销售订单) stands: placed within the discount limit, or its "
                "discount approved. Finance expects its payments; commission_ratios are the "
                "ratios of the commission version the order used (course × channel tier × "
                "role), in basis points of price_fen.",
    subject="the order id",
    schema=object_schema("OrderPlaced", {
        "order_id": ID,
        "kind": {"enum": ["lesson_hours", "class", "bundle"]},
        "customer_id": ID,
        "payer_customer_id": NULLABLE_ID,
        "course_id": ID,
        "course_ids": {"type": "array", "items": ID},
        "class_id": NULLABLE_ID,
        "term_id": NULLABLE_ID,
        "campus_id": ID,
        "seller_id": ID,
        "seller_department_id": NULLABLE_ID,
        "seller_region_id": NULLABLE_ID,
        "channel_id": NULLABLE_ID,
        "channel_tier": _NULLABLE_TEXT,
        "list_price_fen": _FEN,
        "discount_fen": _FEN,
        "price_fen": _FEN,
        "deposit_fen": _FEN,
        "lesson_hours": _HOURS,
        "renews_enrollment_id": NULLABLE_ID,
        "commission_ratios": {"type": "array", "items": {
            "type": "object",
            "properties": {"course_id": ID, "version": {"type": "integer", "minimum": 0},
                           "role": {"type": "string", "minLength": 1, "maxLength": 64},
                           "channel_tier": _NULLABLE_TEXT,
                           "ratio_bp": {"type": "integer", "minimum": 0, "maximum": 10000},
                           # who earns a role other than the seller's (finance accrues to
                           # the seller when absent)
                           "person_id": NULLABLE_ID},
            "required": ["role", "channel_tier", "ratio_bp"]}},
        "placed_at": TIMESTAMP,
    }, ["order_id", "customer_id", "payer_customer_id", "course_id", "class_id", "term_id",
        "campus_id", "seller_id", "seller_department_id", "seller_region_id", "channel_id",
        "channel_tier", "list_price_fen", "discount_fen", "price_fen", "deposit_fen",
        "lesson_hours", "commission_ratios", "placed_at"]),
    example={"order_id": "o-1", "kind": "class", "customer_id": "c-42",
             "payer_customer_id": "c-7", "course_id": "course-pm", "course_ids": ["course-pm"],
             "class_id": "class-1", "term_id": "term-2025-09", "campus_id": "campus-sh",
             "seller_id": "u-sales1", "seller_department_id": "d-1", "seller_region_id": "r-1",
             "channel_id": None, "channel_tier": None, "list_price_fen": 1_280_000,
             "discount_fen": 80_000, "price_fen": 1_200_000, "deposit_fen": 200_000,
             "lesson_hours": 40, "renews_enrollment_id": None,
             "commission_ratios": [{"course_id": "course-pm", "version": 2, "role": "seller",
                                    "channel_tier": None, "ratio_bp": 500}],
             "placed_at": "2025-09-01T10:00:00Z"},
))

register(EventType(
    type="crm.enrollment.order.cancelled.v1",
    description="A standing sales order was cancelled before it became an enrollment.",
    subject="the order id",
    schema=object_schema("OrderCancelled", {"order_id": ID, "reason": TEXT,
                                            "cancelled_at": TIMESTAMP},
                         ["order_id", "reason", "cancelled_at"]),
    example={"order_id": "o-1", "reason": "customer changed their mind",
             "cancelled_at": "2025-09-02T10:00:00Z"},
))

register(EventType(
    type="crm.enrollment.enrollment.confirmed.v1",
    description="An enrollment (开单) was confirmed when its order was paid in full: the "
                "student is to be placed in a class and credited the lesson hours.",
    subject="the enrollment id",
    schema=object_schema("EnrollmentConfirmed", {
        "enrollment_id": ID,
        "order_id": ID,
        "customer_id": ID,
        "course_id": ID,
        "stage_id": NULLABLE_ID,
        "term_id": NULLABLE_ID,
        "class_id": NULLABLE_ID,
        "campus_id": NULLABLE_ID,
        "registration_kind": {"enum": ["new", "retrain", "trial"]},
        "lesson_minutes": {"type": "integer", "minimum": 0},
        "lesson_hours": _HOURS,
        "price_fen": _FEN,
        "absence_counts_as_consumed": {"type": "boolean"},
        "starts_on": {"type": ["string", "null"], "format": "date"},
        "confirmed_at": TIMESTAMP,
    }, ["enrollment_id", "customer_id", "course_id", "confirmed_at"]),
    example={"enrollment_id": "e-9", "order_id": "o-1", "customer_id": "c-42",
             "course_id": "course-pm", "stage_id": "stage-1", "term_id": "term-2025-09",
             "class_id": "class-1", "campus_id": "campus-sh", "registration_kind": "new",
             "lesson_minutes": 2400, "lesson_hours": 40, "price_fen": 1_200_000,
             "absence_counts_as_consumed": False, "starts_on": "2025-09-15",
             "confirmed_at": "2025-09-01T11:00:00Z"},
))

register(EventType(
    type="crm.enrollment.enrollment.changed.v1",
    description="An enrollment changed: transferred (class or course; hours kept), "
                "suspended, resumed, withdrawn (before any lesson) or dropped_out (mid-course; "
                "remaining hours taken away: hours_delta = −remaining), renewed (hours_delta "
                "= the hours added).",
    subject="the enrollment id",
    schema=object_schema("EnrollmentChanged", {
        "enrollment_id": ID,
        "order_id": ID,
        "customer_id": ID,
        "change": {"enum": ["transferred", "suspended", "resumed", "withdrawn", "dropped_out",
                            "renewed"]},
        "hours_delta": {"type": "integer"},
        "status": {"enum": ["active", "suspended", "withdrawn", "dropped_out"]},
        "course_id": ID,
        "class_id": NULLABLE_ID,
        "term_id": NULLABLE_ID,
        "from_class_id": NULLABLE_ID,
        "from_course_id": NULLABLE_ID,
        "purchased_hours": _HOURS,
        "consumed_hours": _HOURS,
        "remaining_hours": _HOURS,
        "renewal_order_id": NULLABLE_ID,
        "changed_at": TIMESTAMP,
    }, ["enrollment_id", "customer_id", "change", "hours_delta", "status", "remaining_hours",
        "changed_at"]),
    example={"enrollment_id": "e-9", "order_id": "o-1", "customer_id": "c-42",
             "change": "transferred", "hours_delta": 0, "status": "active",
             "course_id": "course-pm", "class_id": "class-2", "term_id": "term-2025-09",
             "from_class_id": "class-1", "from_course_id": "course-pm", "purchased_hours": 40,
             "consumed_hours": 6, "remaining_hours": 34, "renewal_order_id": None,
             "changed_at": "2025-10-01T08:00:00Z"},
))

# Finance reports an order paid in full (once per order): the enrollment is confirmed.
subscribe("enrollment", "confirm_paid_order", "crm.finance.order.paid_in_full.v1")

register(EventType(
    type="crm.enrollment.attendance.recorded.v1",
    description="A student's presence at a session was recorded (sign-in by ID card, roll "
                "call or card), once per (enrollment, session). Finance deducts lesson_hours "
                "when status is attended, or when counts_as_consumed says an absence counts.",
    subject="the enrollment id",
    schema=object_schema("AttendanceRecorded", {
        "attendance_id": ID,
        "enrollment_id": ID,
        "customer_id": ID,
        "session_id": ID,
        "term_id": NULLABLE_ID,
        "lesson_hours": _HOURS,
        "status": {"enum": ["attended", "absent", "leave"]},
        "counts_as_consumed": {"type": "boolean"},
        "method": {"enum": ["id_card", "roll_call", "card"]},
        "attended_at": TIMESTAMP,
    }, ["attendance_id", "enrollment_id", "customer_id", "session_id", "lesson_hours",
        "status", "counts_as_consumed", "attended_at"]),
    example={"attendance_id": "a-1", "enrollment_id": "e-9", "customer_id": "c-42",
             "session_id": "s-1", "term_id": "term-2025-09", "lesson_hours": 2,
             "status": "attended", "counts_as_consumed": True, "method": "id_card",
             "attended_at": "2025-09-15T01:05:00Z"},
))
