"""Fault tests of the event bus, with a demo service wired exactly as services use the kit.

The worker runs as a subprocess (`python -m busdemo.worker`): outbox relay + consumer + inbox,
on PostgreSQL. The test writes events to the outbox as a producer's api process would.
"""

from busdemo.models import AppliedWidget
from busdemo.observe import QUEUE, applied, produce, unpublished
from kit import testing
from sqlalchemy import select


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
