"""Fault tests of the event bus, with a demo service wired exactly as services use the kit.

The worker runs as a subprocess (`python -m busdemo.worker`): outbox relay + consumer + inbox,
on PostgreSQL. The test writes events to the outbox as a producer's api process would.
"""
import subprocess
import threading
import time

from busdemo.catalogue import WIDGET_MADE
from busdemo.models import AppliedWidget
from kit import testing
from kit.events import add_event
from kit.events.outbox import OUTBOX
from sqlalchemy import func, select

QUEUE = "busdemo.apply_widget"


def produce(db, first, count):
    with db.session() as s:
        return [add_event(s, WIDGET_MADE, f"w-{n}", {"n": n}).id
                for n in range(first, first + count)]


def applied(db):
    """(rows, distinct event ids) in the demo's domain table."""
    with db.session() as s:
        return s.execute(select(func.count(), func.count(AppliedWidget.event_id.distinct()))).one()


def unpublished(db):
    with db.session() as s:
        return s.execute(select(func.count()).where(OUTBOX.c.published_at.is_(None))).scalar()


def test_sigkill_mid_batch_loses_nothing_and_applies_nothing_twice(worker, demo_db, amqp_uri):
    total = 300
    ids = produce(demo_db, 0, total)
    first = worker(BUSDEMO_HANDLER_DELAY="0.01").start()
    testing.wait_for(lambda: applied(demo_db)[0] >= 40, timeout=30,
                     message="worker never applied events")
    first.kill9()  # mid-batch: messages in flight, maybe relay rows published but unmarked
    rows_at_kill = applied(demo_db)[0]
    assert rows_at_kill < total, "the kill came too late to test anything"

    second = worker().start()
    testing.wait_for(lambda: applied(demo_db)[1] == total, timeout=60,
                     message=f"not all events applied after restart: {applied(demo_db)}")
    testing.wait_for(lambda: testing.queue_depth(amqp_uri, QUEUE)[0] == 0, timeout=10)
    rows, distinct = applied(demo_db)
    assert rows == distinct == total  # every event exactly once
    with demo_db.session() as s:
        assert set(s.execute(select(AppliedWidget.event_id)).scalars()) == set(ids)
    assert unpublished(demo_db) == 0
    assert testing.queue_depth(amqp_uri, QUEUE + ".dlq")[0] == 0
    assert second.alive()


def test_broker_restart_under_a_stream_loses_nothing(worker, demo_db, amqp_uri):
    process = worker().start()
    testing.wait_for(lambda: testing.queue_depth(amqp_uri, QUEUE)[1] == 1, timeout=30)
    produced: list[str] = []
    stop = threading.Event()

    def stream():
        n = 0
        while not stop.is_set():
            produced.extend(produce(demo_db, n, 1))
            n += 1
            stop.wait(0.02)  # producer pacing, not a wait for an outcome

    producer = threading.Thread(target=stream, daemon=True)
    producer.start()
    try:
        testing.wait_for(lambda: applied(demo_db)[0] >= 20, timeout=30)
        subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, timeout=120)  # noqa: S607
        down_since = time.monotonic()
        # While the broker is down, events accumulate safely in the outbox.
        testing.wait_for(lambda: unpublished(demo_db) >= 10, timeout=30)
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, timeout=120)  # noqa: S607
        back_at = time.monotonic()
        testing.wait_for(lambda: testing.queue_depth(amqp_uri, QUEUE)[1] == 1, timeout=60,
                         message="the consumer did not come back within 60 s")
        consumer_back = time.monotonic() - back_at
        stop.wait(1.0)  # keep streaming briefly after the consumer is back
    finally:
        stop.set()
        producer.join(10)
    testing.wait_for(lambda: applied(demo_db)[1] == len(produced), timeout=60,
                     message=f"applied {applied(demo_db)} of {len(produced)}")
    rows, distinct = applied(demo_db)
    assert rows == distinct == len(produced)
    assert unpublished(demo_db) == 0
    assert process.alive(), process.log()  # reconnected, not restarted
    assert consumer_back < 60
    print(f"broker down {back_at - down_since:.1f}s; consumer back {consumer_back:.1f}s after "
          f"start_app; {len(produced)} events, all applied once")
