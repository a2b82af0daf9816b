"""Events produced by finance. Owner: the finance engineer (issue 8). Only the type that
enrollment consumes is declared here, exactly as issue 8's contract states it; the finance
branch's module replaces this one at merge."""
from .definitions import ID, TIMESTAMP, EventType, object_schema, register

register(EventType(
    type="crm.finance.order.paid_in_full.v1",
    description="An order's payments reached its price (once per order).",
    subject="the order id",
    schema=object_schema("OrderPaidInFull", {
        "order_id": ID,
        "customer_id": ID,
        "paid_total_fen": {"type": "integer", "minimum": 0},
        "paid_at": TIMESTAMP,
    }, ["order_id", "customer_id", "paid_total_fen", "paid_at"]),
    example={"order_id": "o-1", "customer_id": "c-42", "paid_total_fen": 1_200_000,
             "paid_at": "2025-09-01T11:00:00Z"},
))
