"""Enrollment's sales orders as finance's read model (order.placed / order.cancelled), and the
row lock every money command on an order takes first."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.errors import NotFound
from sqlalchemy import update
from sqlalchemy.orm import Session

from . import models as m
from .events import parse_time

OPEN, PAID_IN_FULL, CANCELLED, REFUNDED = "open", "paid_in_full", "cancelled", "refunded"


def not_found(order_id: str) -> NotFound:
    return NotFound(f"order {order_id} not found", reason="order.not_found",
                    message_zh=f"订单 {order_id} 不存在")


def lock(session: Session, order_id: str) -> m.Order:
    """Take the order's row lock (an UPDATE: a row lock on PostgreSQL, the writer lock on
    SQLite) and return it fresh: commands on one order run one after another, each seeing
    what the previous one committed."""
    moved = session.execute(update(m.Order).where(m.Order.id == order_id)
                            .values(version=m.Order.version + 1)).rowcount
    if moved != 1:
        raise not_found(order_id)
    order = session.get(m.Order, order_id, populate_existing=True)
    assert order is not None
    return order


def record_placed(session: Session, data: Mapping[str, Any]) -> m.Order:
    """Store an order.placed payload (the inbox makes this once per event; an order id seen
    before keeps its first version: placed orders do not change their price)."""
    existing = session.get(m.Order, data["order_id"])
    if existing is not None:
        return existing
    order = m.Order(
        id=data["order_id"], customer_id=data["customer_id"],
        payer_customer_id=data.get("payer_customer_id"), course_id=data["course_id"],
        class_id=data.get("class_id"), term_id=data.get("term_id"),
        campus_id=data["campus_id"], seller_id=data["seller_id"],
        seller_department_id=data.get("seller_department_id"),
        seller_region_id=data.get("seller_region_id"), channel_id=data.get("channel_id"),
        channel_tier=data.get("channel_tier"), list_price_fen=int(data["list_price_fen"]),
        discount_fen=int(data["discount_fen"]), price_fen=int(data["price_fen"]),
        deposit_fen=int(data["deposit_fen"]), lesson_hours=int(data["lesson_hours"]),
        commission_ratios=[dict(r) for r in data.get("commission_ratios") or []],
        placed_at=parse_time(data.get("placed_at")), status=OPEN, version=1)
    session.add(order)
    session.flush()
    return order


def record_cancelled(session: Session, data: Mapping[str, Any]) -> m.Order | None:
    """An order cancelled by enrollment takes no more payments (money already received
    stays on the customer's prepaid account until refunded)."""
    if session.get(m.Order, data["order_id"]) is None:
        return None  # never placed here (or placed before finance existed)
    order = lock(session, data["order_id"])
    if order.status == OPEN:
        order.status = CANCELLED
        order.cancelled_at = parse_time(data.get("cancelled_at"))
    return order
