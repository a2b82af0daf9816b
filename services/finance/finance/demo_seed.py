"""`python -m finance.demo_seed`: two demo orders of sales1 (Beijing sales department, region
North) as if enrollment had placed them, so finance shows something before enrollment runs:
demo-order-1 with its deposit paid, demo-order-2 paid in full, enrolled, 4 hours attended.
cashier1 / finance1 (region North) see both, sales1 their own, manager1 their department,
admin everything. Idempotent (fixed ids); refuses in production. Run after identity's seed
(tools/seed_demo.py does): the seller and org units are identity's demo ones."""
from __future__ import annotations

import sys

from kit.db import Database

from . import lesson_hours, orders, payments
from . import models as m
from .settings import load

ORDER_IDS = ("demo-order-1", "demo-order-2")


def identity_ids() -> tuple[str, str | None, str | None]:
    """sales1's user id, department and region (identity's demo data), or stand-ins."""
    try:
        from identity.demo_seed import org_unit_ids
        from identity.models import User
        from identity.settings import load_settings as load_identity
    except ModuleNotFoundError:
        return "sales1", None, None
    units = org_unit_ids()
    db = Database(load_identity().database_url)
    try:
        with db.session() as s:
            user = s.query(User).filter(User.username == "sales1").one_or_none()
            return (user.id if user else "sales1", units.get("north-bj-sales"),
                    units.get("north"))
    finally:
        db.dispose()


def _order(order_id: str, customer_id: str, price: int, deposit: int, hours: int,
           seller: tuple[str, str | None, str | None]) -> dict:
    seller_id, department, region = seller
    return {"order_id": order_id, "customer_id": customer_id, "payer_customer_id": None,
            "course_id": "demo-course-pm", "class_id": None, "term_id": "demo-term",
            "campus_id": "demo-campus-bj", "seller_id": seller_id,
            "seller_department_id": department, "seller_region_id": region,
            "channel_id": None, "channel_tier": None, "list_price_fen": price,
            "discount_fen": 0, "price_fen": price, "deposit_fen": deposit,
            "lesson_hours": hours,
            "commission_ratios": [{"role": "seller", "channel_tier": None, "ratio_bp": 500}],
            "placed_at": None}


def seed(db: Database, seller: tuple[str, str | None, str | None]) -> None:
    with db.session() as s:
        if s.get(m.Order, ORDER_IDS[0]) is not None:
            return
        orders.record_placed(s, _order(ORDER_IDS[0], "demo-customer-1", 1_280_000, 100_000, 40,
                                       seller))
        payments.record(s, payments.PaymentCommand(ORDER_IDS[0], "deposit", 100_000, "wechat"),
                        recorded_by="demo")
        orders.record_placed(s, _order(ORDER_IDS[1], "demo-customer-2", 600_000, 60_000, 20,
                                       seller))
        payments.record(s, payments.PaymentCommand(ORDER_IDS[1], "deposit", 60_000, "cash"),
                        recorded_by="demo")
        payments.record(s, payments.PaymentCommand(ORDER_IDS[1], "full", 540_000,
                                                   "bank_transfer"), recorded_by="demo")
        lesson_hours.credit(s, {"enrollment_id": "demo-enrollment-2", "order_id": ORDER_IDS[1],
                                "customer_id": "demo-customer-2",
                                "course_id": "demo-course-pm"})
        for session in ("demo-session-1", "demo-session-2"):
            lesson_hours.deduct(s, lesson_hours.Attendance(
                "demo-enrollment-2", session, f"{session}-a", 2, True), low_balance_hours=2)


def main() -> int:
    settings = load()
    if settings.production:
        print("refusing to seed demo data in production (EDUCRM_ENV=production)", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        seed(db, identity_ids())
    finally:
        db.dispose()
    print(f"seeded demo orders {', '.join(ORDER_IDS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
