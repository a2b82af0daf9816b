"""Leads' nameko worker in-process (eventlet session) against real RabbitMQ and PostgreSQL:
the public pool timer returns a neglected customer to the pool and the relay publishes the
return (and the owner change) on leads.events."""
from __future__ import annotations

import datetime as dt
import json

import pika
import pytest
from kit import migrate, testing
from kit.caller import Caller, DataScope
from kit.db import Database
from kit.events import nameko_config
from kit.events.topology import build_topology, declare
from kit.testing import queue_depth
from leads import models as m
from leads.customers import records, rules
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import update

pytestmark = pytest.mark.eventlet

vhost_uri = testing.amqp_vhost_fixture(scope="module", name="vhost_uri")
QUEUE = "test.leads.pool"


@pytest.fixture
def db():
    with testing.postgres_database("leads_worker") as url:
        migrate.upgrade("leads", url)
        database = Database(url)
        yield database
        database.dispose()


@pytest.fixture
def worker(db, vhost_uri, monkeypatch):
    import nameko
    from leads.worker import LeadsWorker

    monkeypatch.setenv("EDUCRM_LEADS_DATABASE_URL", db.url)
    monkeypatch.setenv("EDUCRM_LEADS_POOL_SWEEP_INTERVAL_SECONDS", "0.1")
    with nameko.config.patch(nameko_config(AMQP_URI=vhost_uri)):
        connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
        assert declare(connection, build_topology()).ok
        channel = connection.channel()
        channel.queue_delete(QUEUE)
        channel.queue_declare(QUEUE, durable=True)
        channel.queue_bind(QUEUE, "leads.events", "crm.leads.customer.returned_to_pool.v1")
        channel.queue_bind(QUEUE, "leads.events", "crm.leads.customer.pool_warning.v1")
        connection.close()
        container = ServiceContainer(LeadsWorker)
        container.start()
        try:
            yield container
        finally:
            container.stop()


def _held(db: Database, days_ago: int, phone: str) -> str:
    seller = Caller("sales1", "sales1", ("sales",), None, "dep-bj-sales", "reg-north",
                    DataScope.OWN)
    with db.session() as s:  # one commit: the timer never sees it with today's clock
        c = records.create(s, seller, rules.new_profile({"name": "钱七", "phones": [phone]}),
                           protection=dt.timedelta(days=30))
        s.flush()
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
        s.execute(update(m.Customer).where(m.Customer.id == c.id).values(
            owned_since=since, follow_up_clock_at=since, deal_clock_at=since))
        return c.id


def test_the_timer_returns_and_warns_and_the_relay_publishes(worker, db, vhost_uri):
    neglected = _held(db, 31, "13900000901")
    nearly = _held(db, 28, "13900000902")
    testing.wait_for(lambda: queue_depth(vhost_uri, QUEUE).messages >= 2, timeout=20)
    for _ in range(3):  # later ticks find nothing more to do
        with entrypoint_waiter(worker, "sweep_public_pool", timeout=10):
            pass
    connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
    channel = connection.channel()
    bodies = []
    while True:
        method, _props, body = channel.basic_get(QUEUE, auto_ack=True)
        if method is None:
            break
        bodies.append(json.loads(body))
    connection.close()
    assert sorted((b["type"], b["data"]["customer_id"]) for b in bodies) == sorted([
        ("crm.leads.customer.returned_to_pool.v1", neglected),
        ("crm.leads.customer.pool_warning.v1", nearly)])
    with db.session() as s:
        assert s.get(m.Customer, neglected).owner_id is None
        assert s.get(m.Customer, nearly).owner_id == "sales1"
