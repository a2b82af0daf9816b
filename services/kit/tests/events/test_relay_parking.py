"""The relay never stalls and never drops: a row the broker will not take is retried, then
parked (kept, counted, listed, replayable) while the others go on; events of one aggregate
keep their order; a message no queue receives is noticed (mandatory) and, when a consumer is
catalogued for its type, not counted as published. On SQLite and PostgreSQL, real broker."""
import json

import pika
import pytest
from kit import testing
from kit.events import add_event
from kit.events.bus_cli import main as bus_main
from kit.events.catalogue import EventType, Registry, object_schema
from kit.events.outbox import OUTBOX
from kit.events.parking import list_parked, replay_parked
from kit.events.relay import RelayLoop
from sqlalchemy import select

WIDGET = "crm.kitdemo.widget.made.v1"     # routed to the capture queue
GADGET = "crm.kitdemo.gadget.made.v1"     # a consumer is catalogued, but no queue is bound
ORPHAN = "crm.kitdemo.orphan.made.v1"     # nobody subscribes to it (yet)
SUBSCRIBED = frozenset({WIDGET, GADGET})

REGISTRY = Registry()
for _type in (WIDGET, GADGET, ORPHAN):
    REGISTRY.register(EventType(
        type=_type, description="Test-only event of the relay's parking tests.",
        schema=object_schema("Thing", {"n": {"type": "integer"}}, ["n"]), example={"n": 1}))


@pytest.fixture
def broker(vhost_uri):
    """`capture` receives widgets only; `bind_gadgets()` adds a queue for everything (as a
    later `educrm-bus declare` would); drain(queue) reads a queue's event ids in order."""
    connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
    channel = connection.channel()
    channel.exchange_declare("kitdemo.events", exchange_type="topic", durable=True)
    channel.queue_delete("everything")
    channel.queue_declare("capture", durable=True)
    channel.queue_bind("capture", "kitdemo.events", routing_key=WIDGET)

    class Broker:
        uri = vhost_uri

        @staticmethod
        def bind_gadgets():
            channel.queue_declare("everything", durable=True)
            channel.queue_bind("everything", "kitdemo.events", routing_key="#")

        @staticmethod
        def drain(queue="capture"):
            ids = []
            while True:
                method, _properties, body = channel.basic_get(queue, auto_ack=True)
                if method is None:
                    return ids
                ids.append(json.loads(body)["id"])

    yield Broker
    channel.queue_delete("everything")
    connection.close()


def add(db, event_type, subject, n):
    with db.session() as s:
        return add_event(s, event_type, subject, {"n": n}, registry=REGISTRY).id


def row(db, event_id):
    with db.session() as s:
        return s.execute(select(OUTBOX).where(OUTBOX.c.event_id == event_id)).one()


def relay_for(db, uri, **kwargs):
    kwargs.setdefault("max_attempts", 3)
    return RelayLoop(db, uri, "kitdemo", retry_delay=0.01, retry_delay_max=0.02,
                     subscribed_types=SUBSCRIBED, dead_letter_interval=0, **kwargs)


def relay_until(relay, condition, timeout=10.0):
    """Run batches until `condition()` holds (rows waiting for a retry delay need a few)."""
    def step():
        relay.relay_once()
        return condition()
    return testing.wait_for(step, timeout=timeout, interval=0.01)


def test_a_row_no_queue_takes_is_retried_parked_and_the_rest_goes_on(db, broker):
    bad = add(db, GADGET, "g-1", 1)
    good = [add(db, WIDGET, f"w-{n}", n) for n in range(5)]
    relay = relay_for(db, broker.uri)
    try:
        # The first batch already publishes the widgets: the gadget is not in their way.
        relay.relay_once()
        assert broker.drain() == good
        failed = row(db, bad)
        assert failed.published_at is None and failed.parked_at is None
        assert failed.attempts == 1 and "NO_ROUTE" in failed.last_error
        assert failed.next_attempt_at is not None  # waits for its retry, not a hot loop
        relay_until(relay, lambda: row(db, bad).parked_at is not None)
        parked = row(db, bad)
        assert parked.attempts == 3 and parked.published_at is None
        # Later events flow past the parked row.
        later = add(db, WIDGET, "w-9", 9)
        relay.relay_once()
        assert broker.drain() == [later]
        relay.refresh_metrics()
        assert relay.parked._value.get() == 1
        assert relay.pending._value.get() == 0
        assert [p.event_id for p in list_parked(relay.engine)] == [bad]
    finally:
        relay.close()


def test_an_aggregate_keeps_its_order_behind_a_failing_and_a_parked_row(db, broker):
    head = add(db, GADGET, "agg-1", 1)          # fails: no queue for gadgets yet
    second = add(db, WIDGET, "agg-1", 2)        # same aggregate: must not overtake `head`
    other = add(db, WIDGET, "agg-2", 3)         # another aggregate: goes on
    relay = relay_for(db, broker.uri)
    try:
        relay.relay_once()
        assert broker.drain() == [other]
        assert row(db, second).published_at is None  # waits behind its aggregate's head
        relay_until(relay, lambda: row(db, head).parked_at is not None)
        relay.relay_once()
        behind = row(db, second)
        assert behind.parked_at is not None and behind.published_at is None
        assert "parked behind" in behind.last_error
        assert broker.drain() == []
        # The topology is repaired; replaying the head releases its whole aggregate, in order.
        broker.bind_gadgets()
        assert replay_parked(relay.engine, event_ids=[head]) == [head, second]
        relay_until(relay, lambda: row(db, second).published_at is not None)
        assert broker.drain("everything") == [head, second]
        assert broker.drain() == [second]
        assert list_parked(relay.engine) == []
    finally:
        relay.close()


def test_one_aggregate_is_published_in_order_across_batches(db, broker):
    ids = [add(db, WIDGET, "same", n) for n in range(4)] + [add(db, WIDGET, None, 9)]
    relay = relay_for(db, broker.uri)
    try:
        assert relay.relay_once() == 2   # the aggregate's oldest row and the subject-less one
        while relay.relay_once():
            pass
        assert broker.drain() == [ids[0], ids[4], *ids[1:4]]
    finally:
        relay.close()


def test_an_event_type_nobody_subscribes_to_counts_as_published(db, broker):
    orphan = add(db, ORPHAN, "o-1", 1)
    relay = relay_for(db, broker.uri)
    try:
        before = relay.unrouted._value.get()
        assert relay.relay_once() == 1
        assert row(db, orphan).published_at is not None
        assert relay.unrouted._value.get() == before + 1
    finally:
        relay.close()


def test_a_nacked_row_is_parked(db, broker, vhost_uri):
    connection = pika.BlockingConnection(pika.URLParameters(vhost_uri))
    channel = connection.channel()
    # A full queue that refuses publishes: the broker nacks the message.
    channel.queue_declare("full", durable=True, arguments={"x-max-length": 0,
                                                           "x-overflow": "reject-publish"})
    channel.queue_bind("full", "kitdemo.events", routing_key=GADGET)
    bad = add(db, GADGET, "n-1", 1)
    good = add(db, WIDGET, "n-2", 2)
    relay = relay_for(db, broker.uri, max_attempts=2)
    try:
        relay.relay_once()
        assert broker.drain() == [good]
        assert row(db, bad).last_error == "nacked by the broker"
        relay_until(relay, lambda: row(db, bad).parked_at is not None)
    finally:
        relay.close()
        channel.queue_delete("full")
        connection.close()


def test_bus_cli_lists_and_replays_parked_events(db, broker, capsys):
    bad = add(db, GADGET, "c-1", 1)
    relay = relay_for(db, broker.uri, max_attempts=1)
    try:
        relay.relay_once()
        assert row(db, bad).parked_at is not None
        url = db.engine.url.render_as_string(hide_password=False)
        assert bus_main(["outbox", "parked", "--service", "kitdemo", "--database-url", url,
                         "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [(p["event_id"], p["type"], p["subject"]) for p in listed] == [
            (bad, GADGET, "c-1")]
        broker.bind_gadgets()
        assert bus_main(["outbox", "replay", "--service", "kitdemo", "--database-url", url,
                         "--subject", "c-1"]) == 0
        assert f"released {bad}" in capsys.readouterr().out
        assert relay.relay_once() == 1
        assert broker.drain("everything") == [bad]
        assert bus_main(["outbox", "parked", "--service", "kitdemo", "--database-url",
                         url]) == 0
        assert "0 parked event(s)" in capsys.readouterr().out
    finally:
        relay.close()
