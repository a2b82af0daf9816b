"""The quorum-queue consumer entrypoint, hosted in-process (eventlet session)."""

import json
import time

import eventlet
import pika
import pytest
from kit import testing
from kit.events import BATCH_CONTENT_TYPE, batch_body, event_consumer, make_envelope, nameko_config
from kit.events.consumer import retry_delay
from kit.events.topology import build_topology, declare
from kit.testing import queue_depth
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_waiter  # noqa: F401

pytestmark = pytest.mark.eventlet

DEMO_TYPE = "crm.kitdemo.widget.made.v1"


class Recorder:
    calls: list = []
    fail_times: dict = {}
    delay: float = 0.0  # on_widget takes this long (a handler in flight at stop)
    applied: set = set()  # a stand-in for the inbox: event ids whose effects are done


class KitDemo:
    name = "kitdemo"

    @event_consumer(DEMO_TYPE)
    def on_widget(self, event):
        from kit.caller import correlation_id
        from kit.events.context import current_consumer

        if Recorder.delay:
            Recorder.calls.append(("started", event.id, None, None, None, time.monotonic()))
            eventlet.sleep(Recorder.delay)
        if event.data["n"] < 0:  # a poisoned event (batch tests)
            Recorder.calls.append(
                ("poison", event.id, event.data["n"], None, None, time.monotonic())
            )
            raise RuntimeError("poisoned event")
        if event.id in Recorder.applied:  # the inbox would make a redelivery a no-op
            Recorder.calls.append(("skip", event.id, event.data["n"], None, None, time.monotonic()))
            return
        Recorder.applied.add(event.id)
        Recorder.calls.append(
            (
                "ok",
                event.id,
                event.data["n"],
                correlation_id.get(),
                current_consumer.get(),
                time.monotonic(),
            )
        )

    @event_consumer(DEMO_TYPE)
    def on_widget_failing(self, event):
        Recorder.calls.append(("fail", event.id, event.data["n"], None, None, time.monotonic()))
        raise RuntimeError("handler always fails")


def publish(
    uri,
    body,
    routing_key=DEMO_TYPE,
    exchange="kitdemo.events",
    content_type="application/cloudevents+json",
):
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    channel = connection.channel()
    channel.confirm_delivery()
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    channel.basic_publish(
        exchange,
        routing_key,
        body,
        pika.BasicProperties(delivery_mode=2, content_type=content_type),
    )
    connection.close()


def get_one(uri, queue):
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    try:
        method, properties, body = connection.channel().basic_get(queue, auto_ack=True)
        return properties, body
    finally:
        connection.close()


@pytest.fixture
def container(vhost_uri):
    Recorder.calls = []
    Recorder.delay = 0.0
    Recorder.applied = set()
    config = nameko_config(
        AMQP_URI=vhost_uri,
        EDUCRM_DELIVERY_LIMIT=3,
        EDUCRM_RETRY_BACKOFF=0.1,
        EDUCRM_RETRY_BACKOFF_MAX=1.0,
    )
    import nameko

    with nameko.config.patch(config):
        # Topology first, as `educrm-bus declare` does in deployment.
        connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
        assert declare(connection, build_topology(delivery_limit=3)).ok
        connection.close()
        yield lambda: ServiceContainer(KitDemo)


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n, 0.5, 3.0) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_event_published_before_consumer_started_is_consumed(container, vhost_uri):
    event = make_envelope(DEMO_TYPE, "w-1", {"n": 1}, correlation_id="corr-42")
    publish(vhost_uri, event.to_json())  # no worker has ever run
    assert queue_depth(vhost_uri, "kitdemo.on_widget").messages == 1
    c = container()
    c.start()
    try:
        testing.wait_for(lambda: [x for x in Recorder.calls if x[0] == "ok"], timeout=10)
        ok = [x for x in Recorder.calls if x[0] == "ok"]
        assert ok[0][1:5] == (event.id, 1, "corr-42", "kitdemo.on_widget")
        testing.wait_for(lambda: queue_depth(vhost_uri, "kitdemo.on_widget").messages == 0)
    finally:
        c.stop()


def test_failing_handler_is_retried_with_backoff_then_dead_lettered(container, vhost_uri,
                                                                   monkeypatch):
    from kit.events import consumer

    chosen = []  # the delays the consumer waits before each retry

    def recording_retry_delay(delivery_count, base, cap):
        chosen.append(retry_delay(delivery_count, base, cap))
        return chosen[-1]

    monkeypatch.setattr(consumer, "retry_delay", recording_retry_delay)
    c = container()
    c.start()
    try:
        event = make_envelope(DEMO_TYPE, "w-2", {"n": 2})
        publish(vhost_uri, event.to_json())
        testing.wait_for(
            lambda: queue_depth(vhost_uri, "kitdemo.on_widget_failing.dlq").messages == 1,
            timeout=20,
        )
        failures = [x for x in Recorder.calls if x[0] == "fail"]
        # delivery limit 3: the first delivery plus 3 redeliveries, then dead-lettered.
        assert len(failures) == 4, failures
        # Backing off: growing delays, each really waited (a lower bound, which a slow
        # machine only widens; comparing the gaps themselves would measure the load).
        assert chosen[:3] == [0.1, 0.2, 0.4], chosen
        gaps = [b[5] - a[5] for a, b in zip(failures, failures[1:], strict=False)]
        assert all(g >= d * 0.9 for g, d in zip(gaps, chosen, strict=False)), (gaps, chosen)
        # Nothing else is left in the queue, and the healthy handler applied it once.
        assert queue_depth(vhost_uri, "kitdemo.on_widget_failing").messages == 0
        assert len([x for x in Recorder.calls if x[0] == "ok"]) == 1
    finally:
        c.stop()
    properties, body = get_one(vhost_uri, "kitdemo.on_widget_failing.dlq")
    assert json.loads(body)["id"] == event.id
    death = properties.headers["x-death"][0]
    assert death["reason"] == "delivery_limit"
    assert death["queue"] == "kitdemo.on_widget_failing"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        json.dumps({"specversion": "1.0"}).encode(),
        make_envelope(DEMO_TYPE, "w", {"n": "nan"}).to_json(),
    ],
)
def test_malformed_message_is_dead_lettered_at_once(container, vhost_uri, body):
    c = container()
    c.start()
    try:
        publish(vhost_uri, body)
        testing.wait_for(lambda: queue_depth(vhost_uri, "kitdemo.on_widget.dlq").messages == 1)
        testing.wait_for(
            lambda: queue_depth(vhost_uri, "kitdemo.on_widget_failing.dlq").messages == 1
        )
        assert Recorder.calls == []
    finally:
        c.stop()
    properties, _ = get_one(vhost_uri, "kitdemo.on_widget.dlq")
    assert properties.headers["x-death"][0]["reason"] == "rejected"


def test_dead_letters_list_and_replay_cli(container, vhost_uri, capsys):
    from kit.events.bus_cli import main

    c = container()
    c.start()
    try:
        event = make_envelope(DEMO_TYPE, "w-3", {"n": 3})
        publish(vhost_uri, event.to_json())
        testing.wait_for(
            lambda: queue_depth(vhost_uri, "kitdemo.on_widget_failing.dlq").messages == 1,
            timeout=20,
        )
        capsys.readouterr()
        assert (
            main(
                [
                    "--amqp-uri",
                    vhost_uri,
                    "--delivery-limit",
                    "3",
                    "dead-letters",
                    "list",
                    "--queue",
                    "kitdemo.on_widget_failing",
                ]
            )
            == 0
        )
        listing = capsys.readouterr().out
        assert event.id in listing and "reason=delivery_limit" in listing
        assert (
            queue_depth(vhost_uri, "kitdemo.on_widget_failing.dlq").messages == 1
        )  # list keeps it
        Recorder.calls.clear()
        # Replay to the queue it died in only: the failing handler sees it again.
        assert (
            main(
                [
                    "--amqp-uri",
                    vhost_uri,
                    "--delivery-limit",
                    "3",
                    "dead-letters",
                    "replay",
                    "--queue",
                    "kitdemo.on_widget_failing",
                    "--id",
                    event.id,
                    "--to-queue",
                ]
            )
            == 0
        )
        assert "1 replayed" in capsys.readouterr().out
        testing.wait_for(lambda: [x for x in Recorder.calls if x[0] == "fail"], timeout=10)
        assert not [x for x in Recorder.calls if x[0] == "ok"]
        # ...and after its delivery limit it is dead-lettered again, not lost.
        testing.wait_for(
            lambda: queue_depth(vhost_uri, "kitdemo.on_widget_failing.dlq").messages == 1,
            timeout=20,
        )
    finally:
        c.stop()


def test_stop_is_graceful_and_quick(container, vhost_uri, caplog):
    """Stop: the handler in flight finishes and is acked, the message waiting out a (long)
    retry delay is requeued at once, the consume loop ends by itself: nothing is killed."""
    import nameko

    Recorder.delay = 1.0
    backoff = 3600.0  # only a stop that interrupts the retry wait ends within the wait below
    with nameko.config.patch({"EDUCRM_RETRY_BACKOFF": backoff,
                              "EDUCRM_RETRY_BACKOFF_MAX": backoff}):
        c = container()
        c.start()
    event = make_envelope(DEMO_TYPE, "w-7", {"n": 7})
    publish(vhost_uri, event.to_json())  # both kitdemo queues get it
    testing.wait_for(lambda: any(x[0] == "started" for x in Recorder.calls))
    testing.wait_for(lambda: any(x[0] == "fail" for x in Recorder.calls))
    # both queues' messages are now unacked: one in its handler, one waiting an hour to retry
    with eventlet.Timeout(120, AssertionError("stop() waited out the retry delay")):
        c.stop()
    assert [x[1] for x in Recorder.calls if x[0] == "ok"] == [event.id]
    assert not [r for r in caplog.records if "killing" in r.getMessage()], [
        r.getMessage() for r in caplog.records
    ]
    # acked, not redelivered; the failing one is back in its queue (not dead-lettered)
    # (the broker settles the requeue and the closed channel's deliveries asynchronously)
    def depths():
        return [queue_depth(vhost_uri, q).messages for q in (
            "kitdemo.on_widget", "kitdemo.on_widget_failing", "kitdemo.on_widget_failing.dlq")]

    testing.wait_for(lambda: depths() == [0, 1, 0], timeout=10)


def test_worker_with_relay_stops_without_killing_threads(container, vhost_uri, tmp_path, caplog):
    from kit.db import NAMING_CONVENTION, Database
    from kit.events import OutboxRelay, add_event, outbox_table
    from kit.events.outbox import OUTBOX
    from sqlalchemy import MetaData, select

    url = f"sqlite:///{tmp_path / 'relay.db'}"
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    outbox_table(metadata)
    database = Database(url)
    metadata.create_all(database.engine)

    class KitDemoWithRelay(KitDemo):
        relay = OutboxRelay(url)

    import nameko

    with nameko.config.patch({"EDUCRM_OUTBOX_POLL_INTERVAL": 3600.0}):  # a long idle wait
        c = ServiceContainer(KitDemoWithRelay)
        c.start()
    try:
        with database.session() as s:
            add_event(s, DEMO_TYPE, "w-9", {"n": 9})

        def published():
            with database.session() as s:
                return s.execute(select(OUTBOX.c.published_at)).scalar()

        testing.wait_for(published)
    finally:
        # Not the hour's poll: stop() wakes the loop (or this wait fails).
        with eventlet.Timeout(120, AssertionError("stop() waited for the relay's poll")):
            c.stop()
        database.dispose()
    assert not [r for r in caplog.records if "killing" in r.getMessage()], [
        r.getMessage() for r in caplog.records
    ]


def _batch(*numbers, correlation_id=None):
    events = [
        make_envelope(DEMO_TYPE, f"w-b{n}", {"n": n}, correlation_id=correlation_id)
        for n in numbers
    ]
    return events, batch_body(events)


def test_batch_applies_every_event_once_then_acks(container, vhost_uri):
    events, body = _batch(11, 12, 13, correlation_id="corr-batch")
    publish(vhost_uri, body, content_type=BATCH_CONTENT_TYPE)
    c = container()
    c.start()
    try:
        testing.wait_for(lambda: len([x for x in Recorder.calls if x[0] == "ok"]) == 3, timeout=10)
        testing.wait_for(lambda: queue_depth(vhost_uri, "kitdemo.on_widget").messages == 0)
        ok = [x for x in Recorder.calls if x[0] == "ok"]
        # In order, each with its own id, the batch's correlation id and the consumer name.
        assert [x[1] for x in ok] == [e.id for e in events]
        assert {x[3] for x in ok} == {"corr-batch"}
        assert {x[4] for x in ok} == {"kitdemo.on_widget"}
        # Redelivered (a partner replays it, or the ack was lost): nothing applied twice.
        publish(vhost_uri, body, content_type=BATCH_CONTENT_TYPE)
        testing.wait_for(
            lambda: len([x for x in Recorder.calls if x[0] == "skip"]) == 3, timeout=10
        )
        testing.wait_for(lambda: queue_depth(vhost_uri, "kitdemo.on_widget").messages == 0)
        assert len([x for x in Recorder.calls if x[0] == "ok"]) == 3
        assert queue_depth(vhost_uri, "kitdemo.on_widget.dlq").messages == 0
    finally:
        c.stop()


def test_poisoned_event_retries_the_whole_batch_then_dead_letters_it(container, vhost_uri):
    events, body = _batch(21, -1, 22)
    c = container()
    c.start()
    try:
        publish(vhost_uri, body, content_type=BATCH_CONTENT_TYPE)
        testing.wait_for(
            lambda: queue_depth(vhost_uri, "kitdemo.on_widget.dlq").messages == 1, timeout=20
        )
        poisoned = [x for x in Recorder.calls if x[0] == "poison"]
        assert len(poisoned) == 4, poisoned  # first delivery + 3 redeliveries (limit 3)
        # The event before the poison was applied once; its redeliveries were no-ops; the
        # one after it never ran (the delivery stops at the first failure).
        assert [x[1] for x in Recorder.calls if x[0] == "ok"] == [events[0].id]
        assert len([x for x in Recorder.calls if x[0] == "skip"]) == 3
        assert events[2].id not in {x[1] for x in Recorder.calls}
        assert queue_depth(vhost_uri, "kitdemo.on_widget").messages == 0
    finally:
        c.stop()
    properties, dead = get_one(vhost_uri, "kitdemo.on_widget.dlq")
    assert [e["id"] for e in json.loads(dead)] == [e.id for e in events]  # dead-lettered whole
    assert properties.headers["x-death"][0]["reason"] == "delivery_limit"


def test_batch_with_a_malformed_event_is_dead_lettered_at_once(container, vhost_uri):
    events, _ = _batch(31)
    body = json.dumps([events[0].to_dict(), {"specversion": "1.0"}]).encode()
    c = container()
    c.start()
    try:
        publish(vhost_uri, body, content_type=BATCH_CONTENT_TYPE)
        testing.wait_for(lambda: queue_depth(vhost_uri, "kitdemo.on_widget.dlq").messages == 1)
        assert [x for x in Recorder.calls if x[0] == "ok"] == []  # validated before any runs
    finally:
        c.stop()


# --- batch handlers: every delivery already received, in one call -----------------------------


class KitBatch:
    name = "kitbatch"
    calls: list = []  # the event numbers of each call
    applied: list = []  # a stand-in for the inbox and the rows: committed only if no poison

    @event_consumer(DEMO_TYPE, batch=True)
    def on_widgets(self, events):
        numbers = [e.data["n"] for e in events]
        KitBatch.calls.append(numbers)
        if any(n < 0 for n in numbers):
            raise RuntimeError("poisoned event")  # the transaction rolls back: nothing applied
        KitBatch.applied.extend(n for n in numbers if n not in KitBatch.applied)


@pytest.fixture
def batch_container(container, vhost_uri):
    KitBatch.calls, KitBatch.applied = [], []
    import nameko

    with nameko.config.patch({"EDUCRM_CONSUMER_BATCH_MAX_EVENTS": 8}):
        yield lambda: ServiceContainer(KitBatch)


def test_batch_handler_gets_the_waiting_deliveries_in_few_calls(batch_container, vhost_uri):
    # 30 plain messages and one batched message of 3 events, all waiting before the start.
    for n in range(30):
        publish(vhost_uri, make_envelope(DEMO_TYPE, f"w-{n}", {"n": n}).to_json().encode())
    _, body = _batch(100, 101, 102)
    publish(vhost_uri, body, content_type=BATCH_CONTENT_TYPE)
    c = batch_container()
    c.start()
    try:
        testing.wait_for(lambda: len(KitBatch.applied) == 33, timeout=10)
        testing.wait_for(lambda: queue_depth(vhost_uri, "kitbatch.on_widgets").messages == 0)
        assert sorted(KitBatch.applied) == [*range(30), 100, 101, 102]
        # Several deliveries per call (31 messages in far fewer calls), each call at most the
        # configured 8 events, and a batched message's events stay together and in order.
        assert len(KitBatch.calls) < 31 / 2, KitBatch.calls
        assert max(len(call) for call in KitBatch.calls) <= 8
        assert any(call[-3:] == [100, 101, 102] or call[:3] == [100, 101, 102]
                   for call in KitBatch.calls)
        assert queue_depth(vhost_uri, "kitbatch.on_widgets.dlq").messages == 0
    finally:
        c.stop()


def test_poisoned_message_in_a_batch_is_dead_lettered_alone(batch_container, vhost_uri):
    for n in (1, 2, -1, 3):
        publish(vhost_uri, make_envelope(DEMO_TYPE, f"w-p{n}", {"n": n}).to_json().encode())
    c = batch_container()
    c.start()
    try:
        testing.wait_for(
            lambda: queue_depth(vhost_uri, "kitbatch.on_widgets.dlq").messages == 1, timeout=20)
        testing.wait_for(lambda: sorted(KitBatch.applied) == [1, 2, 3], timeout=10)
        testing.wait_for(lambda: queue_depth(vhost_uri, "kitbatch.on_widgets").messages == 0)
        # After a failed call its messages come back one by one: the good ones are applied,
        # the poisoned one fails alone until its delivery limit (3).
        assert [call for call in KitBatch.calls if call == [-1]] != []
        assert len([call for call in KitBatch.calls if -1 in call]) == 4  # 1 + 3 redeliveries
    finally:
        c.stop()
    _, dead = get_one(vhost_uri, "kitbatch.on_widgets.dlq")
    assert json.loads(dead)["data"] == {"n": -1}
