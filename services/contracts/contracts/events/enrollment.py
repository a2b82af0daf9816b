"""Events produced by enrollment. Owner: the enrollment engineer may refine the schemas."""
from .definitions import ID, NULLABLE_ID, TIMESTAMP, EventType, object_schema, register

register(EventType(
    type="crm.enrollment.enrollment.confirmed.v1",
    description="An enrollment (开单) was confirmed: the student is to be placed in a class.",
    subject="the enrollment id",
    schema=object_schema("EnrollmentConfirmed", {
        "enrollment_id": ID,
        "customer_id": ID,
        "course_id": ID,
        "stage_id": NULLABLE_ID,
        "term_id": NULLABLE_ID,
        "class_id": NULLABLE_ID,
        "campus_id": NULLABLE_ID,
        "registration_kind": {"enum": ["new", "retrain", "trial"]},
        "lesson_minutes": {"type": "integer", "minimum": 0},
        "starts_on": {"type": ["string", "null"], "format": "date"},
        # issue 8: finance credits the enrollment's lesson hours from these
        "order_id": NULLABLE_ID,
        "lesson_hours": {"type": "integer", "minimum": 0},
        "price_fen": {"type": "integer", "minimum": 0},
        "confirmed_at": TIMESTAMP,
    }, ["enrollment_id", "customer_id", "course_id", "confirmed_at"]),
    example={"enrollment_id": "e-9", "customer_id": "c-42", "course_id": "course-pm",
             "stage_id": "stage-1", "term_id": "term-2025-09", "class_id": None,
             "campus_id": "campus-sh", "registration_kind": "new", "lesson_minutes": 2400,
             "starts_on": "2025-09-15", "order_id": "o-1", "lesson_hours": 40,
             "price_fen": 1280000, "confirmed_at": "2025-09-01T11:00:00Z"},
))


# ---- issue 8's shared contract (ISSUE8.md): the order and attendance events finance
# consumes. Written on the finance branch from the agreed payloads; the enrollment branch
# owns them (on a merge, keep enrollment's version if it refined them).
_FEN = {"type": "integer", "minimum": 0}
_RATIO = {
    "type": "object",
    "properties": {
        "role": {"type": "string", "minLength": 1, "maxLength": 32},
        "channel_tier": {"type": ["string", "null"], "maxLength": 32},
        "ratio_bp": {"type": "integer", "minimum": 0, "maximum": 10000},
        "person_id": NULLABLE_ID,
    },
    "required": ["role", "ratio_bp"],
}

register(EventType(
    type="crm.enrollment.order.placed.v1",
    description="A sales order (销售订单) was placed: what it sells, its price after discount, "
                "the deposit asked, the lesson hours, the seller's place in the org tree and "
                "the commission ratios in force (course × channel tier × role, basis points; "
                "`person_id` names who earns a non-seller role).",
    subject="the order id",
    schema=object_schema("OrderPlaced", {
        "order_id": ID, "customer_id": ID, "payer_customer_id": NULLABLE_ID,
        "course_id": ID, "class_id": NULLABLE_ID, "term_id": NULLABLE_ID, "campus_id": ID,
        "seller_id": ID, "seller_department_id": NULLABLE_ID, "seller_region_id": NULLABLE_ID,
        "channel_id": NULLABLE_ID, "channel_tier": {"type": ["string", "null"]},
        "list_price_fen": _FEN, "discount_fen": _FEN, "price_fen": _FEN, "deposit_fen": _FEN,
        "lesson_hours": {"type": "integer", "minimum": 0},
        "commission_ratios": {"type": "array", "items": _RATIO},
        "placed_at": TIMESTAMP,
    }, ["order_id", "customer_id", "course_id", "campus_id", "seller_id", "list_price_fen",
        "discount_fen", "price_fen", "deposit_fen", "lesson_hours", "commission_ratios",
        "placed_at"]),
    example={"order_id": "o-1", "customer_id": "c-42", "payer_customer_id": None,
             "course_id": "course-pm", "class_id": None, "term_id": "term-2025-09",
             "campus_id": "campus-sh", "seller_id": "u-7", "seller_department_id": "dep-3",
             "seller_region_id": "reg-1", "channel_id": "ch-1", "channel_tier": "A",
             "list_price_fen": 1380000, "discount_fen": 100000, "price_fen": 1280000,
             "deposit_fen": 100000, "lesson_hours": 40,
             "commission_ratios": [{"role": "seller", "channel_tier": "A", "ratio_bp": 500}],
             "placed_at": "2025-09-01T09:00:00Z"},
))

register(EventType(
    type="crm.enrollment.order.cancelled.v1",
    description="A sales order was cancelled before it was paid in full.",
    subject="the order id",
    schema=object_schema("OrderCancelled", {
        "order_id": ID, "reason": {"type": "string"}, "cancelled_at": TIMESTAMP,
    }, ["order_id", "cancelled_at"]),
    example={"order_id": "o-1", "reason": "customer changed their mind",
             "cancelled_at": "2025-09-02T09:00:00Z"},
))

register(EventType(
    type="crm.enrollment.attendance.recorded.v1",
    description="A student's attendance of a session was recorded. `counts_as_consumed` "
                "applies the course's absence rules (a no-show may count, leave in time does "
                "not): finance deducts `lesson_hours` once per (enrollment, session) when true.",
    subject="the enrollment id",
    schema=object_schema("AttendanceRecorded", {
        "attendance_id": ID, "enrollment_id": ID, "customer_id": ID, "session_id": ID,
        "lesson_hours": {"type": "integer", "minimum": 0},
        "status": {"enum": ["attended", "absent", "leave"]},
        "counts_as_consumed": {"type": "boolean"},
        "attended_at": TIMESTAMP,
    }, ["attendance_id", "enrollment_id", "customer_id", "session_id", "lesson_hours",
        "status", "counts_as_consumed", "attended_at"]),
    example={"attendance_id": "a-1", "enrollment_id": "e-9", "customer_id": "c-42",
             "session_id": "s-1", "lesson_hours": 2, "status": "attended",
             "counts_as_consumed": True, "attended_at": "2025-09-15T10:00:00Z"},
))
