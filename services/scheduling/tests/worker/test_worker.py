"""The nameko worker in-process (eventlet session) against real RabbitMQ and PostgreSQL:
an enrollment.confirmed event places the student exactly once, the relay publishes
scheduling's outbox, and the reminder timer emits one reminder per session and offset."""

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
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_waiter, worker_factory
from scheduling import events
from scheduling import models as m
from scheduling.settings import SchedulingSettings
from sqlalchemy import func, select

pytestmark = pytest.mark.eventlet

vhost_uri = testing.amqp_vhost_fixture(scope="module", name="vhost_uri")


@pytest.fixture
def db(seed_published):
    with testing.postgres_database("sched_worker") as url:
        migrate.upgrade("scheduling", url)
        database = Database(url)
        seed_published(database)
        yield database
        database.dispose()


# reminders a week ahead (so the seeded term's first sessions are due now), checked often
REMINDER_ENV = {
    "EDUCRM_SCHEDULING_REMINDER_OFFSETS_MINUTES": "10080",
    "EDUCRM_SCHEDULING_REMINDER_INTERVAL_SECONDS": "0.1",
}


@pytest.fixture
def worker(db, vhost_uri, monkeypatch):
    import nameko
    from scheduling.worker import SchedulingWorker

    # settings are read when the container is set up (not when the module was imported)
    monkeypatch.setenv("EDUCRM_SCHEDULING_DATABASE_URL", db.url)
    for key, value in REMINDER_ENV.items():
        monkeypatch.setenv(key, value)
    config = nameko_config(AMQP_URI=vhost_uri, EDUCRM_RETRY_BACKOFF=0.1)
    with nameko.config.patch(config):
        connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
        assert declare(connection, build_topology()).ok
        # partners' queues on scheduling's exchange, to see what the relay publishes (fresh
        # per test: the vhost is the module's)
        channel = connection.channel()
        for queue in ("test.scheduling.placements", "test.scheduling.reminders"):
            channel.queue_delete(queue)
        channel.queue_declare("test.scheduling.placements", durable=True)
        channel.queue_bind(
            "test.scheduling.placements", "scheduling.events", "crm.scheduling.placement.#"
        )
        channel.queue_declare("test.scheduling.reminders", durable=True)
        channel.queue_bind(
            "test.scheduling.reminders", "scheduling.events", events.SESSION_REMINDER_DUE
        )
        connection.close()
        container = ServiceContainer(SchedulingWorker)
        container.start()
        try:
            yield container
        finally:
            container.stop()


def enrollment(enrollment_id: str, customer_id: str):
    return make_envelope(
        "crm.enrollment.enrollment.confirmed.v1",
        enrollment_id,
        {
            "enrollment_id": enrollment_id,
            "customer_id": customer_id,
            "course_id": "math",
            "campus_id": "c1",
            "term_id": "term1",
            "confirmed_at": dt.datetime.now(dt.UTC).isoformat(),
        },
    )


def placements(db, student_id):
    with db.session() as s:
        return s.scalar(
            select(func.count())
            .select_from(m.Placement)
            .where(m.Placement.student_id == student_id)
        )


def reminders_sent(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.ReminderSent))


def sessions_within(db, minutes: int) -> int:
    horizon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    with db.session() as s:
        return s.scalar(
            select(func.count())
            .select_from(m.ScheduledSession)
            .where(m.ScheduledSession.starts_at <= horizon)
        )


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


def test_enrollment_places_student_once_and_relay_publishes(worker, db, vhost_uri):
    event = enrollment("e-1", "stu-1")
    testing.publish_event(vhost_uri, "enrollment.events", event.type, event.to_json())
    testing.publish_event(vhost_uri, "enrollment.events", event.type, event.to_json())  # redelivery
    testing.wait_for(lambda: placements(db, "stu-1") == 1, timeout=15)
    # the section (capacity 1) is now full: the next student is reported, not placed
    second = enrollment("e-2", "stu-2")
    testing.publish_event(vhost_uri, "enrollment.events", second.type, second.to_json())
    testing.wait_for(
        lambda: queue_depth(vhost_uri, "test.scheduling.placements").messages >= 2, timeout=15
    )
    assert placements(db, "stu-1") == 1 and placements(db, "stu-2") == 0
    bodies = drain(vhost_uri, "test.scheduling.placements")
    by_type = {b["type"]: b for b in bodies}
    assert by_type["crm.scheduling.placement.made.v1"]["data"]["section_id"] == "sec1"
    failed = by_type["crm.scheduling.placement.failed.v1"]["data"]
    assert failed["reason"] == "full" and failed["customer_id"] == "stu-2"
    assert sum(b["type"].endswith("placement.made.v1") for b in bodies) == 1


def test_reminder_timer_emits_once_per_session_and_offset(worker, db, vhost_uri):
    # every session starting within the week is due for its one-week reminder
    expected = sessions_within(db, 10080)
    assert expected >= 1
    testing.wait_for(
        lambda: queue_depth(vhost_uri, "test.scheduling.reminders").messages >= expected, timeout=15
    )
    # later ticks send nothing again
    for _ in range(3):
        with entrypoint_waiter(worker, "send_reminders", timeout=10):
            pass
    assert reminders_sent(db) == expected
    bodies = drain(vhost_uri, "test.scheduling.reminders")
    assert len(bodies) == expected
    assert len({b["data"]["session_id"] for b in bodies}) == expected
    assert {b["data"]["offset_minutes"] for b in bodies} == {10080}
    assert all(
        b["data"]["section_id"] == "sec1" and b["data"]["teacher_id"] == "t1" for b in bodies
    )


def test_send_reminders_with_worker_factory(db):
    from scheduling.worker import SchedulingWorker

    # One offset: with a second (60 min) a session starting within the hour gets two
    # reminders, and the count below depends on the time of day the suite runs.
    settings = SchedulingSettings(reminder_offsets_minutes=(10080,))
    service = worker_factory(SchedulingWorker, db=db, settings=settings)
    service.send_reminders()
    first = reminders_sent(db)
    assert first == sessions_within(db, 10080) >= 1
    service.send_reminders()
    assert reminders_sent(db) == first
