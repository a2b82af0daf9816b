"""The events finance produces (types registered in contracts.events.finance) and the ones it
consumes. Written through kit's outbox in the caller's transaction."""
from __future__ import annotations

import datetime as dt

PAYMENT_RECORDED = "crm.finance.payment.recorded.v1"
ORDER_PAID_IN_FULL = "crm.finance.order.paid_in_full.v1"
LESSON_HOURS_DEDUCTED = "crm.finance.lesson_hours.deducted.v1"
BALANCE_LOW = "crm.finance.balance.low.v1"
REFUND_REQUESTED = "crm.finance.refund.requested.v1"
REFUND_APPROVED = "crm.finance.refund.approved.v1"
REFUND_REJECTED = "crm.finance.refund.rejected.v1"
REFUND_PAID = "crm.finance.refund.paid.v1"
COMMISSION_ACCRUED = "crm.finance.commission.accrued.v1"
COMMISSION_REVERSED = "crm.finance.commission.reversed.v1"

# consumed
ORDER_PLACED = "crm.enrollment.order.placed.v1"
ORDER_CANCELLED = "crm.enrollment.order.cancelled.v1"
ENROLLMENT_CONFIRMED = "crm.enrollment.enrollment.confirmed.v1"
ATTENDANCE_RECORDED = "crm.enrollment.attendance.recorded.v1"


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive datetimes; we store UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def parse_time(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now(dt.UTC)
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
