"""The outbox relay: in order, with confirms, only committed rows, one publisher at a time."""
import json
import threading

import kombu.exceptions
import pika
import pytest
from kit import testing
from kit.events import add_event
from kit.events.outbox import OUTBOX
from kit.events.relay import RelayInterrupted, RelayLoop
from sqlalchemy import select

DEMO_TYPE = "crm.kitdemo.widget.made.v1"


@pytest.fixture
def capture(vhost_uri):
    """A queue catching everything on kitdemo.events; returns a drain() function."""
    connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
    channel = connection.channel()
    channel.exchange_declare("kitdemo.events", exchange_type="topic", durable=True)
    channel.queue_declare("capture", durable=True)
    channel.queue_bind("capture", "kitdemo.events", routing_key="#")
    received = []

    def drain():
        while True:
            method, properties, body = channel.basic_get("capture", auto_ack=True)
            if method is None:
                return received
            received.append((properties, json.loads(body)))

    yield drain
    connection.close()


def add(db, n, count=1):
    with db.session() as s:
        return [add_event(s, DEMO_TYPE, f"w-{n + i}", {"n": n + i}).id for i in range(count)]


def unsent(db):
    with db.session() as s:
        return s.execute(select(OUTBOX.c.event_id).where(OUTBOX.c.published_at.is_(None))).all()


def test_publishes_in_order_with_confirms_and_marks_sent(db, vhost_uri, capture):
    ids = add(db, 0, 30)
    relay = RelayLoop(db, vhost_uri, "kitdemo", batch_size=7)
    while relay.relay_once():
        pass
    relay.close()
    received = testing.wait_for(lambda: len(capture()) == 30 and capture())
    assert [body["id"] for _, body in received] == ids
    properties, body = received[0]
    assert properties.delivery_mode == 2
    assert properties.content_type == "application/cloudevents+json"
    assert properties.message_id == body["id"]
    assert unsent(db) == []


def test_uncommitted_rows_are_not_published(db, vhost_uri, capture):
    relay = RelayLoop(db, vhost_uri, "kitdemo")
    with db.session() as s:
        add_event(s, DEMO_TYPE, "w", {"n": 1})
        s.flush()
        assert relay.relay_once() == 0  # the relay can't see the open transaction
        s.rollback()
    assert relay.relay_once() == 0
    relay.close()
    assert capture() == []


def test_broker_down_keeps_rows(db, capture):
    add(db, 0, 3)
    relay = RelayLoop(db, "amqp://guest:guest@127.0.0.1:1/", "kitdemo")
    with pytest.raises(RelayInterrupted, match="Connection refused") as raised:
        relay.relay_once()
    assert isinstance(raised.value.__cause__, kombu.exceptions.OperationalError)
    assert len(unsent(db)) == 3
    with db.session() as s:
        attempts = s.execute(select(OUTBOX.c.attempts).order_by(OUTBOX.c.id)).scalars().all()
    assert attempts == [0, 0, 0]  # an outage is nobody's fault: no row comes nearer parking


def test_running_relay_notices_a_commit_fast_and_reports_metrics(db, vhost_uri, capture):
    # Polling every 60 s: only the in-process commit hook can wake it within the waits below.
    relay = RelayLoop(db, vhost_uri, "kitdemo", metrics_interval=0.05, poll_interval=60)
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    try:
        for n in range(5):
            add(db, n)
            testing.wait_for(lambda n=n: len(capture()) == n + 1, timeout=20, interval=0.002)
        def settled() -> bool:
            # The loop refreshes its metrics between polls, and it sleeps 60 s now; the last
            # row is marked published once its confirm is in, just after delivery.
            relay.refresh_metrics()
            return relay.pending._value.get() == 0
        testing.wait_for(settled)
        assert relay.lag._value.get() == 0
        assert relay.published._value.get() >= 5
    finally:
        relay.stop()
        thread.join(5)


@pytest.mark.postgres
def test_two_relays_on_postgres_never_double_publish(postgres_url, vhost_uri, capture):
    from kit.db import NAMING_CONVENTION, Database
    from kit.events import outbox_table
    from sqlalchemy import MetaData

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    outbox_table(metadata)
    database = Database(postgres_url)
    metadata.drop_all(database.engine)
    metadata.create_all(database.engine)
    relays = [RelayLoop(database, vhost_uri, "kitdemo", batch_size=10, poll_interval=0.01)
              for _ in range(2)]
    threads = [threading.Thread(target=r.run, daemon=True) for r in relays]
    for t in threads:
        t.start()
    ids = []
    try:
        for n in range(0, 300, 20):
            ids += add(database, n, 20)
        testing.wait_for(lambda: len(capture()) >= 300, timeout=30)
        testing.wait_for(lambda: not unsent(database))
    finally:
        for r in relays:
            r.stop()
        for t in threads:
            t.join(5)
    received = [body["id"] for _, body in capture()]
    assert len(received) == 300 and received == ids  # no duplicates, commit order kept
    metadata.drop_all(database.engine)
    database.dispose()


def test_purge_deletes_only_old_published_rows_and_old_inbox_ids(db, vhost_uri):
    import datetime as dt

    from kit.events.inbox import INBOX
    from sqlalchemy import func, update

    old_sent, new_sent, old_unsent = add(db, 0), add(db, 1), add(db, 2)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
    with db.session() as s:
        s.execute(update(OUTBOX).where(OUTBOX.c.event_id.in_(old_sent))
                  .values(published_at=long_ago, created_at=long_ago))
        s.execute(update(OUTBOX).where(OUTBOX.c.event_id.in_(new_sent))
                  .values(published_at=dt.datetime.now(dt.UTC)))
        s.execute(update(OUTBOX).where(OUTBOX.c.event_id.in_(old_unsent))
                  .values(created_at=long_ago))
        s.execute(INBOX.insert(), [
            {"consumer": "kitdemo.on_widget", "event_id": "old", "event_type": DEMO_TYPE,
             "processed_at": long_ago},
            {"consumer": "kitdemo.on_widget", "event_id": "new", "event_type": DEMO_TYPE,
             "processed_at": dt.datetime.now(dt.UTC)}])
    relay = RelayLoop(db, vhost_uri, "kitdemo")  # default retention: 7 days
    assert relay.purge() == (1, 1)
    with db.session() as s:
        left = set(s.execute(select(OUTBOX.c.event_id)).scalars())
        inbox = set(s.execute(select(INBOX.c.event_id)).scalars())
        assert s.execute(select(func.count()).select_from(OUTBOX)).scalar() == 2
    assert left == {*new_sent, *old_unsent}  # an unsent row is never purged, however old
    assert inbox == {"new"}
    assert relay.purge() == (0, 0)


def test_purge_runs_from_the_loop(db, vhost_uri, capture):
    add(db, 0, 3)
    relay = RelayLoop(db, vhost_uri, "kitdemo", retention=0.0, purge_interval=0.05,
                      dead_letter_interval=0)
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    try:
        # published by the loop, then purged by it (retention 0)
        def gone():
            with db.session() as s:
                return not s.execute(select(OUTBOX.c.id)).all()
        testing.wait_for(gone, timeout=10)
    finally:
        relay.stop()
        thread.join(5)
    assert not thread.is_alive()


def test_dead_letter_depth_gauge(db, vhost_uri, capture):
    from kit.events.relay import service_dead_letter_queues

    assert service_dead_letter_queues("kitdemo") == [
        "kitdemo.on_widget.dlq", "kitdemo.on_widget_failing.dlq"]
    connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
    channel = connection.channel()
    channel.queue_declare("kitdemo.on_widget.dlq", durable=True,
                          arguments={"x-queue-type": "quorum"})
    channel.confirm_delivery()
    for n in range(3):
        channel.basic_publish("", "kitdemo.on_widget.dlq", f"dead {n}".encode())
    connection.close()
    relay = RelayLoop(db, vhost_uri, "kitdemo")
    try:
        # kitdemo.on_widget_failing.dlq is not declared in this vhost: reads as 0
        depths = testing.wait_for(lambda: (d := relay.refresh_dead_letters())
                                  and d["kitdemo.on_widget.dlq"] == 3 and d)
        assert depths == {"kitdemo.on_widget.dlq": 3, "kitdemo.on_widget_failing.dlq": 0}
        gauge = relay.dead_letters.labels("kitdemo.on_widget.dlq")
        assert gauge._value.get() == 3
        assert relay.relay_once() == 0  # the probe's channels left the publisher usable
        add(db, 0)
        assert relay.relay_once() == 1
    finally:
        relay.close()
