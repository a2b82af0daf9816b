"""The nameko worker in-process (eventlet session) against real RabbitMQ and PostgreSQL:
enrollment's order, confirmation and attendance events are applied once each (redeliveries
change nothing), and the relay publishes finance's own events."""
from __future__ import annotations

import datetime as dt
import json

import pika
import pytest
from finance import lesson_hours, payments
from finance import models as m
from kit import migrate, testing
from kit.db import Database
from kit.events import make_envelope, nameko_config
from kit.events.topology import build_topology, declare
from kit.testing import queue_depth
from nameko.containers import ServiceContainer
from sqlalchemy import func, select

pytestmark = pytest.mark.eventlet

vhost_uri = testing.amqp_vhost_fixture(scope="module", name="vhost_uri")
WATCH = "test.finance.events"


@pytest.fixture
def db():
    with testing.postgres_database("finance_worker") as url:
        migrate.upgrade("finance", url)
        database = Database(url)
        yield database
        database.dispose()


@pytest.fixture
def worker(db, vhost_uri, monkeypatch):
    import nameko
    from finance.worker import FinanceWorker

    monkeypatch.setenv("EDUCRM_FINANCE_DATABASE_URL", db.url)
    monkeypatch.setenv("EDUCRM_FINANCE_LOW_BALANCE_HOURS", "1")
    config = nameko_config(AMQP_URI=vhost_uri, EDUCRM_RETRY_BACKOFF=0.1)
    with nameko.config.patch(config):
        connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
        assert declare(connection, build_topology()).ok
        channel = connection.channel()
        channel.queue_delete(WATCH)
        channel.queue_declare(WATCH, durable=True)
        channel.queue_bind(WATCH, "finance.events", "crm.finance.#")
        connection.close()
        container = ServiceContainer(FinanceWorker)
        container.start()
        try:
            yield container
        finally:
            container.stop()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def publish_twice(uri: str, event) -> None:
    for _ in range(2):  # the second is a redelivery
        testing.publish_event(uri, "enrollment.events", event.type, event.to_json())


def drain(uri: str, queue: str) -> list[dict]:
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    channel = connection.channel()
    bodies = []
    while True:
        method, _props, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            break
        bodies.append(json.loads(body))
    connection.close()
    return bodies


def count(db, model, *where) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_enrollment_events_are_applied_once_and_finance_events_published(worker, db,
                                                                        vhost_uri):
    placed = make_envelope("crm.enrollment.order.placed.v1", "o-w", {
        "order_id": "o-w", "customer_id": "c-w", "course_id": "course-pm",
        "payer_customer_id": None, "class_id": None, "term_id": None,
        "seller_department_id": None, "seller_region_id": None, "channel_id": None,
        "channel_tier": None,
        "campus_id": "campus-bj", "seller_id": "u-seller", "list_price_fen": 200_000,
        "discount_fen": 0, "price_fen": 200_000, "deposit_fen": 20_000, "lesson_hours": 4,
        "commission_ratios": [{"role": "seller", "channel_tier": None, "ratio_bp": 500}],
        "placed_at": now()})
    publish_twice(vhost_uri, placed)
    testing.wait_for(lambda: count(db, m.Order) == 1, timeout=15)
    with db.session() as s:  # the cashier takes the full payment (api side)
        payments.record(s, payments.PaymentCommand("o-w", "full", 200_000),
                        recorded_by="u-cash")
    confirmed = make_envelope("crm.enrollment.enrollment.confirmed.v1", "e-w", {
        "enrollment_id": "e-w", "customer_id": "c-w", "course_id": "course-pm",
        "order_id": "o-w", "lesson_hours": 4, "price_fen": 200_000, "confirmed_at": now()})
    publish_twice(vhost_uri, confirmed)
    testing.wait_for(lambda: count(db, m.Enrollment) == 1, timeout=15)
    for session, hours in (("s-1", 2), ("s-2", 1)):
        attended = make_envelope("crm.enrollment.attendance.recorded.v1", "e-w", {
            "attendance_id": f"a-{session}", "enrollment_id": "e-w", "customer_id": "c-w",
            "session_id": session, "lesson_hours": hours, "status": "attended",
            "counts_as_consumed": True, "attended_at": now()})
        publish_twice(vhost_uri, attended)
    testing.wait_for(lambda: count(db, m.HourDeduction) == 2, timeout=15)
    with db.session() as s:
        assert lesson_hours.remaining(s, "e-w") == 1
    # payment.recorded, order.paid_in_full, commission.accrued, 2 × deducted, balance.low
    testing.wait_for(lambda: queue_depth(vhost_uri, WATCH).messages >= 6, timeout=15)
    types = sorted(b["type"] for b in drain(vhost_uri, WATCH))
    assert types == sorted([
        "crm.finance.payment.recorded.v1", "crm.finance.order.paid_in_full.v1",
        "crm.finance.commission.accrued.v1", "crm.finance.lesson_hours.deducted.v1",
        "crm.finance.lesson_hours.deducted.v1", "crm.finance.balance.low.v1"])
    assert count(db, m.Order) == 1 and count(db, m.Enrollment) == 1
    assert count(db, m.JournalEntry, m.JournalEntry.kind == "hours_credit") == 1
