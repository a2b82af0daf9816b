"""The nameko worker in-process (eventlet session) against real RabbitMQ and PostgreSQL:
finance's order.paid_in_full, published twice, confirms one enrollment, and the relay
publishes enrollment.confirmed; the entrypoint through nameko's worker_factory."""
from __future__ import annotations

import json
import uuid

import pika
import pytest
from enrollment import catalogue, events, orders
from enrollment import models as m
from kit import migrate, testing
from kit.caller import Caller, DataScope
from kit.db import Database
from kit.events import make_envelope, nameko_config
from kit.events.topology import build_topology, declare
from kit.testing import queue_depth
from nameko.containers import ServiceContainer
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

pytestmark = pytest.mark.eventlet

vhost_uri = testing.amqp_vhost_fixture(scope="module", name="vhost_uri")
SELLER = Caller("u-sales", "sales1", ("sales",), "d-1", "d-1", "r-1", DataScope.OWN)
CONFIRMED_QUEUE = "test.enrollment.confirmed"


@pytest.fixture(scope="module")
def db():
    with testing.postgres_database("enr_worker") as url:
        migrate.upgrade("enrollment", url)
        database = Database(url)
        with database.session() as s:
            catalogue.upsert_campus(s, "c1", "校区", region_id="r-1", department_ids=["d-1"])
            catalogue.save_course(s, m.Course(id="course-1", commission_version=0),
                                  name="课程", category="new_training", stage=0,
                                  prerequisite_course_id=None, tool=False, lesson_hours=20,
                                  price_fen=100_000, campus_id=None,
                                  absence_counts_as_consumed=False, active=True)
        yield database
        database.dispose()


def placed_order(db) -> m.Order:
    with db.session() as s:
        order = orders.place(s, SELLER, orders.OrderRequest(
            kind="lesson_hours", customer_id=f"cust-{uuid.uuid4().hex[:8]}",
            payer_customer_id="", proxy_registration=False, course_id="course-1",
            lesson_hours=20, class_id="", course_ids=(), campus_id="c1", channel_id="",
            channel_tier="", discount_fen=0, deposit_fen=0),
            discount_limit_bp=1000, chain=orders.discount_chain(("department_manager",)))
        s.expunge(order)
        return order


def paid_in_full(order: m.Order):
    return make_envelope(events.ORDER_PAID_IN_FULL, order.id, {
        "order_id": order.id, "customer_id": order.customer_id,
        "paid_total_fen": order.price_fen, "paid_at": "2027-02-20T08:00:00Z"})


def enrollments_of(db, order: m.Order) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.Enrollment)
                        .where(m.Enrollment.order_id == order.id))


@pytest.fixture
def worker(db, vhost_uri, monkeypatch):
    import nameko
    from enrollment.worker import EnrollmentWorker

    monkeypatch.setenv("EDUCRM_ENROLLMENT_DATABASE_URL", db.url)
    config = nameko_config(AMQP_URI=vhost_uri, EDUCRM_RETRY_BACKOFF=0.1)
    with nameko.config.patch(config):
        connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
        assert declare(connection, build_topology()).ok
        channel = connection.channel()
        channel.queue_delete(CONFIRMED_QUEUE)
        channel.queue_declare(CONFIRMED_QUEUE, durable=True)
        channel.queue_bind(CONFIRMED_QUEUE, "enrollment.events", events.ENROLLMENT_CONFIRMED)
        connection.close()
        container = ServiceContainer(EnrollmentWorker)
        container.start()
        try:
            yield container
        finally:
            container.stop()


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


def test_paid_in_full_twice_confirms_once_and_the_relay_publishes(worker, db, vhost_uri):
    order = placed_order(db)
    event = paid_in_full(order)
    for _ in range(2):  # a redelivery of the same event
        testing.publish_event(vhost_uri, "finance.events", event.type, event.to_json())
    testing.wait_for(lambda: queue_depth(vhost_uri, CONFIRMED_QUEUE).messages == 1,
                     timeout=30)
    testing.wait_for(lambda: queue_depth(vhost_uri, "enrollment.confirm_paid_order")
                     .messages == 0, timeout=30)
    assert enrollments_of(db, order) == 1
    [body] = drain(vhost_uri, CONFIRMED_QUEUE)
    assert (body["type"], body["data"]["order_id"], body["data"]["customer_id"],
            body["data"]["lesson_hours"]) == (events.ENROLLMENT_CONFIRMED, order.id,
                                              order.customer_id, 20)


def test_entrypoint_with_worker_factory(db):
    from enrollment.worker import EnrollmentWorker

    service = worker_factory(EnrollmentWorker, db=db)
    order = placed_order(db)
    event = paid_in_full(order)
    service.confirm_paid_order(event)
    service.confirm_paid_order(event)
    assert enrollments_of(db, order) == 1
