"""`python -m identity.worker` as a subprocess, the way a supervisor runs it: a private vhost,
a throw-away PostgreSQL database, `educrm-bus declare` and `educrm-migrate identity` first.

It stores the gateway's audit records once per event, exports its dead-letter depth, logs JSON
lines, and stops on SIGTERM cleanly (exit 0, no managed thread killed) and quickly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from identity.audit_consumer import AUDIT_RECORDED
from identity.models import AuditEvent
from kit import testing
from kit.db import Database
from kit.events import BATCH_CONTENT_TYPE, batch_body, make_envelope
from kit.testing import free_port as _free_port
from kit.testing import queue_depth
from sqlalchemy import func, select

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BIN = Path(sys.executable).parent




@pytest.fixture(scope="module")
def worker_env(tmp_path_factory):
    with (
        testing.amqp_vhost("identity_worker") as uri,
        testing.postgres_database("identity_worker") as url,
    ):
        env = dict(os.environ)
        env.pop("EDUCRM_TEST_EVENTLET", None)
        env.update(
            {
                "EDUCRM_AMQP_URI": uri,
                "EDUCRM_IDENTITY_DATABASE_URL": url,
                "EDUCRM_IDENTITY_WORKER_METRICS_PORT": str(_free_port()),
                "EDUCRM_DEAD_LETTER_POLL_INTERVAL_SECONDS": "0.2",
                "EDUCRM_VAR_DIR": str(tmp_path_factory.mktemp("var")),
            }
        )
        for command in (["educrm-bus", "declare"], ["educrm-migrate", "identity"]):
            subprocess.run(
                [str(BIN / command[0]), *command[1:]],
                env=env,
                check=True,  # noqa: S603 - our own tools
                capture_output=True,
                timeout=120,
            )
        yield env


@pytest.fixture(scope="module")
def worker(worker_env, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "identity.worker"],  # noqa: S603
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    process.log_path = log_path
    yield process
    if process.poll() is None:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def db(worker_env):
    database = Database(worker_env["EDUCRM_IDENTITY_DATABASE_URL"])
    yield database
    database.dispose()


def publish(uri: str, envelope) -> None:
    testing.publish_event(
        uri,
        "gateway.events",
        envelope.type,
        envelope.to_json(),
        message_id=envelope.id,
        mandatory=True,
    )


def audit_rows(db, record_id):
    with db.session() as s:
        return s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.id == record_id)
        )


def test_audit_event_stored_once(worker, worker_env, db):
    uri = worker_env["EDUCRM_AMQP_URI"]
    record_id = str(uuid.uuid4())
    data = {
        "id": record_id,
        "occurred_at": "2025-09-01T09:29:59Z",
        "actor_user_id": "u-1",
        "actor_username": "sales1",
        "action": "customer.read",
        "method": "GET",
        "path": "/v1/customers/c-42",
        "target_type": "customer",
        "target_id": "c-42",
        "outcome": "allowed",
        "status_code": 200,
        "correlation_id": "corr-worker-1",
        "source": "gateway",
    }
    event = make_envelope(AUDIT_RECORDED, record_id, data)
    testing.wait_for(
        lambda: queue_depth(uri, "identity.record_audit_event")[1] == 1,
        timeout=60,
        message="worker never started consuming",
    )
    publish(uri, event)
    testing.wait_for(lambda: audit_rows(db, record_id) == 1, timeout=30)
    publish(uri, event)  # the same event again (a redelivery or a re-publish)
    testing.wait_for(lambda: queue_depth(uri, "identity.record_audit_event")[0] == 0, timeout=30)
    # The second copy has been taken off the queue and acked; give nothing else a chance to
    # sneak in: the queue is empty and nothing is unacked, so it was handled.
    testing.wait_for(lambda: _unacked(uri) == 0, timeout=30)
    assert audit_rows(db, record_id) == 1
    with db.session() as s:
        row = s.scalar(select(AuditEvent).where(AuditEvent.id == record_id))
    assert row.source == "gateway" and row.correlation_id == "corr-worker-1"


def test_a_batched_message_is_stored_whole(worker, worker_env, db):
    """The gateway's batched mode (`application/cloudevents-batch+json`), through the real
    worker process: every record of the message stored once, a redelivery stores nothing."""
    uri = worker_env["EDUCRM_AMQP_URI"]
    events = []
    for n in range(40):
        record_id = str(uuid.uuid4())
        events.append(make_envelope(AUDIT_RECORDED, record_id, {
            "id": record_id, "occurred_at": "2025-09-01T09:29:59Z", "actor_user_id": "u-1",
            "action": "customer.read", "method": "GET", "path": f"/v1/customers/c-{n}",
            "outcome": "allowed", "status_code": 200, "source": "gateway"}))
    body = batch_body(events)
    for _ in range(2):  # the second copy is a redelivery: the inbox makes it a no-op
        testing.publish_event(uri, "gateway.events", AUDIT_RECORDED, body,
                              content_type=BATCH_CONTENT_TYPE, mandatory=True)
    ids = [e.data["id"] for e in events]  # the records' ids (each event has its own id)

    def stored():
        with db.session() as s:
            return sorted(s.scalars(select(AuditEvent.id).where(AuditEvent.id.in_(ids))))

    testing.wait_for(lambda: stored() == sorted(ids), timeout=60)
    testing.wait_for(lambda: queue_depth(uri, "identity.record_audit_event")[0] == 0
                     and _unacked(uri) == 0, timeout=30)
    assert stored() == sorted(ids)  # the second copy was acked without an error
    assert queue_depth(uri, "identity.record_audit_event.dlq")[0] == 0


def _unacked(uri: str) -> int:
    vhost = uri.rsplit("/", 1)[-1]
    output = subprocess.run(  # noqa: S603 - local test broker
        [
            "rabbitmqctl",
            "-q",
            "list_queues",
            "-p",
            urllib.parse.unquote(vhost),  # noqa: S607
            "name",
            "messages_unacknowledged",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for line in output.splitlines():
        parts = line.split()
        if parts and parts[0] == "identity.record_audit_event":
            return int(parts[1])
    return 0


def test_dead_letter_gauge(worker, worker_env):
    port = worker_env["EDUCRM_IDENTITY_WORKER_METRICS_PORT"]

    def scrape():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:  # noqa: S310 - local
            return reply.read().decode()

    line = 'educrm_identity_dead_letters{queue="identity.record_audit_event.dlq"} 0.0'
    testing.wait_for(lambda: line in scrape(), timeout=30)


def test_sigterm_stops_cleanly_and_quickly(worker, worker_env):
    testing.wait_for(
        lambda: queue_depth(worker_env["EDUCRM_AMQP_URI"], "identity.record_audit_event")[1] == 1,
        timeout=60,
    )
    assert worker.poll() is None, worker.log_path.read_text()[-3000:]
    worker.send_signal(signal.SIGTERM)
    # Graceful, not timed: exit 0 with nothing killed. (That stop() wakes the consumer and relay
    # loops instead of waiting out their intervals is shown in kit's tests/events/test_consumer.py
    # with hour-long intervals.)
    code = worker.wait(120)
    log = worker.log_path.read_text(errors="replace")
    assert code == 0, log[-3000:]
    assert "killing" not in log, log[-3000:]
    # Every log line of the worker is a JSON object (eventlet's deprecation warning aside).
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert records and all(r["part"] == "identity_worker" for r in records)
    assert any(r["message"].startswith("signal 15") for r in records)
