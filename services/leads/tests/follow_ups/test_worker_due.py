"""The leads worker in-process (eventlet session) against real RabbitMQ and PostgreSQL, TWO
worker containers at once (two replicas): the due timer of both publishes each due plan's
event exactly once; identity's user.left event hands the leaver's open plans over."""
from __future__ import annotations

import datetime as dt
import json

import pika
import pytest
from kit import migrate, testing
from kit.db import Database
from kit.events import make_envelope, nameko_config
from kit.events.topology import build_topology, declare
from kit.testing import queue_depth
from leads import models as m
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import func, select

pytestmark = pytest.mark.eventlet

vhost_uri = testing.amqp_vhost_fixture(scope="module", name="vhost_uri")
DUE = "crm.leads.follow_up_plan.due.v1"
QUEUE = "test.leads.plans_due"
PLANS = 5


@pytest.fixture
def db():
    with testing.postgres_database("leads_worker") as url:
        migrate.upgrade("leads", url)
        database = Database(url)
        yield database
        database.dispose()


def seed(db: Database) -> list[str]:
    """A customer of sales1 with PLANS plans due a minute ago and one due tomorrow."""
    now = dt.datetime.now(dt.UTC)
    with db.session() as s:
        s.add(m.Customer(id="c-1", name="张三", name_key="张三", owner_id="sales1",
                         owner_department_id="dep-bj-sales", owner_region_id="reg-north"))
        s.add_all([m.StaffMember(user_id="sales1", username="sales1",
                                 department_id="dep-bj-sales", region_id="reg-north"),
                   m.StaffMember(user_id="sales2", username="sales2",
                                 department_id="dep-bj-sales", region_id="reg-north")])
        s.flush()
        plans = [m.FollowUpPlan(id=f"p-{i}", customer_id="c-1", owner_id="sales1",
                                owner_name="sales1", owner_department_id="dep-bj-sales",
                                owner_region_id="reg-north", type="call",
                                due_at=now - dt.timedelta(minutes=1), status="open",
                                requesters=[]) for i in range(PLANS)]
        plans.append(m.FollowUpPlan(id="p-later", customer_id="c-1", owner_id="sales1",
                                    owner_name="sales1", type="call", status="open",
                                    due_at=now + dt.timedelta(days=1), requesters=[]))
        s.add_all(plans)
    return [f"p-{i}" for i in range(PLANS)]


@pytest.fixture
def workers(db, vhost_uri, monkeypatch):
    import nameko
    from leads.worker import LeadsWorker

    monkeypatch.setenv("EDUCRM_LEADS_DATABASE_URL", db.url)
    monkeypatch.setenv("EDUCRM_LEADS_PLAN_DUE_SWEEP_SECONDS", "0.05")
    config = nameko_config(AMQP_URI=vhost_uri, EDUCRM_RETRY_BACKOFF=0.1)
    with nameko.config.patch(config):
        connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
        assert declare(connection, build_topology()).ok
        channel = connection.channel()
        channel.queue_delete(QUEUE)
        channel.queue_declare(QUEUE, durable=True)
        channel.queue_bind(QUEUE, "leads.events", DUE)
        connection.close()
        containers = [ServiceContainer(LeadsWorker) for _ in range(2)]
        for container in containers:
            container.start()
        try:
            yield containers
        finally:
            for container in containers:
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


def due_rows(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.OUTBOX).where(
            m.OUTBOX.c.event_type == DUE))


def test_two_workers_publish_each_due_plan_once(db, vhost_uri, workers):
    due = seed(db)
    testing.wait_for(lambda: queue_depth(vhost_uri, QUEUE).messages >= PLANS, timeout=20)
    for _ in range(3):  # more ticks of both timers notify nothing again
        for container in workers:
            with entrypoint_waiter(container, "notify_due_plans", timeout=10):
                pass
    assert due_rows(db) == PLANS
    bodies = drain(vhost_uri, QUEUE)
    assert sorted(b["data"]["plan_id"] for b in bodies) == sorted(due)
    assert {b["data"]["owner_id"] for b in bodies} == {"sales1"}


def test_user_left_hands_open_plans_over(db, vhost_uri, workers):
    seed(db)
    event = make_envelope("crm.identity.user.left.v1", "sales1", {
        "user_id": "sales1", "successor_user_id": "sales2",
        "left_at": dt.datetime.now(dt.UTC).isoformat()})
    testing.publish_event(vhost_uri, "identity.events", event.type, event.to_json())
    testing.publish_event(vhost_uri, "identity.events", event.type, event.to_json())  # again

    def owners() -> set:
        with db.session() as s:
            return set(s.scalars(select(m.FollowUpPlan.owner_id)))

    testing.wait_for(lambda: owners() == {"sales2"}, timeout=20)
    with db.session() as s:
        handed = s.scalar(select(func.count()).select_from(m.FollowUpPlanHistory).where(
            m.FollowUpPlanHistory.action == "handed_over"))
    assert handed == PLANS + 1  # every open plan, once (the redelivery changed nothing)
