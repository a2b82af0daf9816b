"""The bus survives a broker restart under a stream of events.

It restarts a private RabbitMQ node (kit.testing_broker), never the shared one: stopping the
machine's broker would break every other test and process using it.
"""
import threading
import time

import pika
import pytest
from busdemo.observe import QUEUE, applied, produce, unpublished
from kit import testing
from kit.events.topology import build_topology, declare
from kit.testing_broker import private_rabbitmq


@pytest.fixture(scope="module")
def private_broker():
    with private_rabbitmq() as node:
        yield node


@pytest.fixture
def amqp_uri(private_broker):
    """The demo worker's broker is the private node, topology declared ahead."""
    connection = pika.BlockingConnection(pika.URLParameters(private_broker.amqp_uri))
    assert declare(connection, build_topology(delivery_limit=5)).ok
    connection.close()
    return private_broker.amqp_uri


def test_broker_restart_under_a_stream_loses_nothing(worker, demo_db, amqp_uri,
                                                    private_broker):
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
        private_broker.stop_app()
        down_since = time.monotonic()
        # While the broker is down, events accumulate safely in the outbox.
        testing.wait_for(lambda: unpublished(demo_db) >= 10, timeout=30)
        private_broker.start_app()
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
    print(f"broker down {back_at - down_since:.1f}s; consumer back {consumer_back:.1f}s after "
          f"start_app; {len(produced)} events, all applied once")
