"""Events produced by finance, and finance's subscriptions to enrollment's events.

Owner: the finance engineer. Payloads carry ids and integer amounts (fen, lesson hours),
never phone or ID numbers.
"""
from .definitions import (
    ID,
    NULLABLE_ID,
    TIMESTAMP,
    EventType,
    object_schema,
    register,
    subscribe,
)

FEN = {"type": "integer", "description": "An amount in fen (1/100 yuan)."}
HOURS = {"type": "integer", "minimum": 0, "description": "Whole lesson hours."}

register(EventType(
    type="crm.finance.payment.recorded.v1",
    description="A payment against an order was recorded (and booked in the journal): a "
                "deposit, an instalment or the full payment. `paid_total_fen` is the order's "
                "total paid after it, never more than `price_fen`.",
    subject="the order id",
    schema=object_schema("PaymentRecorded", {
        "payment_id": ID, "order_id": ID, "customer_id": ID,
        "kind": {"enum": ["deposit", "instalment", "full"]},
        "amount_fen": {**FEN, "minimum": 1}, "paid_total_fen": FEN, "price_fen": FEN,
        "recorded_at": TIMESTAMP,
    }, ["payment_id", "order_id", "customer_id", "kind", "amount_fen", "paid_total_fen",
        "price_fen", "recorded_at"]),
    example={"payment_id": "p-1", "order_id": "o-1", "customer_id": "c-42", "kind": "deposit",
             "amount_fen": 100000, "paid_total_fen": 100000, "price_fen": 1280000,
             "recorded_at": "2025-09-01T10:00:00Z"},
))

register(EventType(
    type="crm.finance.order.paid_in_full.v1",
    description="An order's payments reached its price (once per order): enrollment confirms "
                "the enrollment (开单), commissions accrue.",
    subject="the order id",
    schema=object_schema("OrderPaidInFull", {
        "order_id": ID, "customer_id": ID, "paid_total_fen": FEN, "paid_at": TIMESTAMP,
    }, ["order_id", "customer_id", "paid_total_fen", "paid_at"]),
    example={"order_id": "o-1", "customer_id": "c-42", "paid_total_fen": 1280000,
             "paid_at": "2025-09-01T11:00:00Z"},
))

register(EventType(
    type="crm.finance.lesson_hours.deducted.v1",
    description="Lesson hours of an enrollment were consumed by an attendance (once per "
                "enrollment and session).",
    subject="the enrollment id",
    schema=object_schema("LessonHoursDeducted", {
        "customer_id": ID, "enrollment_id": ID, "session_id": ID, "attendance_id": ID,
        "hours": HOURS, "remaining_hours": HOURS, "deducted_at": TIMESTAMP,
    }, ["customer_id", "enrollment_id", "session_id", "hours", "remaining_hours"]),
    example={"customer_id": "c-42", "enrollment_id": "e-9", "session_id": "s-1",
             "attendance_id": "a-1", "hours": 2, "remaining_hours": 38,
             "deducted_at": "2025-09-15T10:00:00Z"},
))

register(EventType(
    type="crm.finance.balance.low.v1",
    description="An enrollment's remaining lesson hours fell to the low-balance threshold or "
                "below, or an attendance found too few hours to deduct.",
    subject="the enrollment id",
    schema=object_schema("BalanceLow", {
        "customer_id": ID, "enrollment_id": ID, "remaining_hours": HOURS,
    }, ["customer_id", "enrollment_id", "remaining_hours"]),
    example={"customer_id": "c-42", "enrollment_id": "e-9", "remaining_hours": 2},
))

_REFUND = {
    "refund_id": ID, "order_id": ID, "enrollment_id": NULLABLE_ID, "customer_id": ID,
    "amount_fen": {**FEN, "minimum": 0}, "full_refund": {"type": "boolean"},
}
for verb, what in (("requested", "A refund was requested (and submitted for approval)."),
                   ("approved", "A refund passed its last approval level; the cashier pays "
                                "it next."),
                   ("rejected", "A refund was rejected at some approval level; it ends."),
                   ("paid", "A refund was paid out (booked once). A full refund makes the "
                            "customer invalid (leads).")):
    register(EventType(
        type=f"crm.finance.refund.{verb}.v1", description=what, subject="the refund id",
        schema=object_schema(f"Refund{verb.capitalize()}", _REFUND,
                             ["refund_id", "order_id", "customer_id", "amount_fen",
                              "full_refund"]),
        example={"refund_id": "r-1", "order_id": "o-1", "enrollment_id": "e-9",
                 "customer_id": "c-42", "amount_fen": 640000, "full_refund": False},
    ))

_COMMISSION = {"commission_id": ID, "order_id": ID, "person_id": ID,
               "role": {"type": "string", "maxLength": 32}, "amount_fen": FEN}
register(EventType(
    type="crm.finance.commission.accrued.v1",
    description="A commission accrued to a person on an order paid in full (once per sale, "
                "person and role).",
    subject="the order id",
    schema=object_schema("CommissionAccrued", _COMMISSION,
                         ["commission_id", "order_id", "person_id", "role", "amount_fen"]),
    example={"commission_id": "cm-1", "order_id": "o-1", "person_id": "u-7",
             "role": "seller", "amount_fen": 64000},
))
register(EventType(
    type="crm.finance.commission.reversed.v1",
    description="A refund reversed (part of) a commission with a new entry; `amount_fen` is "
                "the negative amount taken back.",
    subject="the order id",
    schema=object_schema("CommissionReversed", _COMMISSION,
                         ["commission_id", "order_id", "person_id", "role", "amount_fen"]),
    example={"commission_id": "cm-2", "order_id": "o-1", "person_id": "u-7",
             "role": "seller", "amount_fen": -32000},
))

subscribe("finance", "on_order_placed", "crm.enrollment.order.placed.v1")
subscribe("finance", "on_order_cancelled", "crm.enrollment.order.cancelled.v1")
subscribe("finance", "on_enrollment_confirmed", "crm.enrollment.enrollment.confirmed.v1")
subscribe("finance", "on_attendance_recorded", "crm.enrollment.attendance.recorded.v1")
