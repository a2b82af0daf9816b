"""The outcome spool against the real broker: what the broker does not confirm stays, is
retried until it is confirmed, is bounded, and is flushed on close."""
from __future__ import annotations

import uuid

import pytest
from fakes import wait_until
from gateway.audit import AuditPublisher, audit_record
from gateway.audit_spool import OutcomeSpool
from gateway.metrics import GatewayMetrics

pytestmark = pytest.mark.anyio
AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def outcome(i: int) -> dict:
    return audit_record(action="users.create", method="POST", path="/v1/users",
                        outcome="allowed", status_code=201, correlation_id=f"spool-{i}",
                        client_address="198.51.100.1", user_agent="t", phase="outcome",
                        intent_id=str(uuid.uuid4()))


async def test_spool_keeps_retries_and_bounds_unconfirmed_outcomes(audit_capture):
    exchange = f"test.gateway.events.{uuid.uuid4().hex[:8]}"
    metrics = GatewayMetrics()
    publisher = AuditPublisher(AMQP_URI, exchange=exchange, timeout=2.0, metrics=metrics)
    await publisher.start()
    spool = OutcomeSpool(publisher, metrics, max_records=2, retry_initial=0.05, retry_max=0.2)
    capture = audit_capture(exchange)
    try:
        spool.add([outcome(1), outcome(2), outcome(3)])  # one more than fits
        assert len(spool) == 2
        assert metrics.audit_outcomes_dropped._value.get() == 1
        assert metrics.audit_spool_records._value.get() == 2
        # No queue bound yet: the broker returns the message (mandatory), nothing is lost.
        assert await spool.publish_oldest() is False
        assert len(spool) == 2
        spool.start()
        await capture.start()  # a queue appears: the background retry gets through
        await wait_until(lambda: len(capture.records) == 2, timeout=10)
        assert [r["correlation_id"] for r in capture.records] == ["spool-1", "spool-2"]
        assert len(spool) == 0
        assert metrics.audit_outcomes_republished._value.get() == 2
        # On close, what is waiting is flushed once more.
        spool.add([outcome(4)])
        await spool.close(timeout=5)
        await wait_until(lambda: len(capture.records) == 3, timeout=10)
        assert metrics.audit_outcomes_dropped._value.get() == 1
    finally:
        await spool.close(timeout=1)
        await publisher.close()
        await capture.close()
