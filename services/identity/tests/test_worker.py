"""The worker's audit consumer (nameko worker_factory, eventlet session) and the plain
consumer function it calls (inbox: once per event)."""
from __future__ import annotations

import uuid

import pytest
from identity.audit_consumer import (
    AUDIT_RECORDED,
    CONSUMER,
    apply_gateway_audit,
    apply_gateway_audit_batch,
)
from identity.models import AuditEvent
from kit import testing
from kit.db import Database
from kit.events import make_envelope
from kit.migrate import upgrade
from sqlalchemy import func, select

pytestmark = pytest.mark.eventlet


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request):
    factory = testing.sqlite_database if request.param == "sqlite" else testing.postgres_database
    with factory() as url:
        upgrade("identity", url)
        database = Database(url)
        yield database
        database.dispose()


def gateway_record(**overrides):
    data = {"id": str(uuid.uuid4()), "occurred_at": "2025-09-01T09:29:59Z",
            "actor_user_id": "u-1001", "actor_username": "sales1", "action": "customer.read",
            "method": "GET", "path": "/v1/customers/c-42", "target_type": "customer",
            "target_id": "c-42", "outcome": "allowed", "status_code": 200,
            "client_address": "10.0.0.8", "user_agent": "Mozilla/5.0",
            "correlation_id": "c0ffee", "detail": {"rows": 1}, "source": "gateway"}
    data.update(overrides)
    return make_envelope(AUDIT_RECORDED, data["id"], data)


def count(db):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def test_consumer_stores_once(db):
    event = gateway_record()
    assert apply_gateway_audit(db, event, CONSUMER) is True
    assert apply_gateway_audit(db, event, CONSUMER) is False       # redelivery
    # same record re-sent under a new event id
    again = make_envelope(AUDIT_RECORDED, event.subject, event.data)
    assert apply_gateway_audit(db, again, CONSUMER) is False
    assert count(db) == 1
    with db.session() as s:
        row = s.scalar(select(AuditEvent))
        assert row.source == "gateway" and row.detail == {"rows": 1}
        assert row.outcome == "allowed" and row.path == "/v1/customers/c-42"


def test_a_batch_is_stored_whole_and_exactly_once(db):
    """One delivery of the gateway's batched message: every record once, in one go; a
    redelivery of the batch stores nothing; a batch mixing new events with already applied
    ones and a record re-sent under a new event id stores only the new records."""
    events = [gateway_record(target_id=f"c-{n}") for n in range(50)]
    assert apply_gateway_audit_batch(db, events, CONSUMER) == 50
    assert apply_gateway_audit_batch(db, events, CONSUMER) == 0      # redelivery
    resent = make_envelope(AUDIT_RECORDED, events[0].subject, events[0].data)
    fresh = [gateway_record(target_id="c-new-1"), gateway_record(target_id="c-new-2")]
    assert apply_gateway_audit_batch(db, [events[1], resent, *fresh, fresh[0]], CONSUMER) == 2
    assert count(db) == 52
    with db.session() as s:
        targets = set(s.scalars(select(AuditEvent.target_id)))
    assert targets == {f"c-{n}" for n in range(50)} | {"c-new-1", "c-new-2"}


def test_a_failing_batch_stores_nothing(db):
    """All or nothing: a batch with one record the database refuses leaves no row and no
    inbox claim behind, so the consumer's retry of the whole message applies it all."""
    good = gateway_record(target_id="c-1")
    bad = gateway_record(action="x" * 500)  # longer than the column: refused by PostgreSQL
    if db.is_sqlite:  # SQLite does not enforce lengths: a NOT NULL column does it there
        bad.data["action"] = None
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
        apply_gateway_audit_batch(db, [good, bad], CONSUMER)
    assert count(db) == 0
    assert apply_gateway_audit_batch(db, [good], CONSUMER) == 1


def test_worker_entrypoint_with_worker_factory(db):
    from identity.worker import IdentityWorker
    from nameko.testing.services import worker_factory

    worker = worker_factory(IdentityWorker, db=db)
    event = gateway_record(outcome="denied", status_code=403)
    worker.record_audit_event(event)
    worker.record_audit_event(event)
    assert count(db) == 1


def test_intent_and_outcome_are_stored_linked_and_queryable(db):
    from identity import audit

    intent = gateway_record(method="POST", path="/v1/users", action="users.create",
                            outcome="pending", status_code=0, phase="intent",
                            correlation_id="write-1", detail={"idempotency_key": True})
    outcome = gateway_record(method="POST", path="/v1/users", action="users.create",
                             outcome="allowed", status_code=201, phase="outcome",
                             correlation_id="write-1", target_id="u-new",
                             intent_id=intent.data["id"])
    older = gateway_record(correlation_id="read-1")  # a record from before `phase`
    for event in (intent, outcome, older):
        assert apply_gateway_audit(db, event, CONSUMER) is True
    with db.session() as s:
        rows, _ = audit.list_events(s, audit.AuditQuery(correlation_id="write-1"), 10, "")
        assert sorted((r.phase, r.status_code) for r in rows) == [("intent", 0),
                                                                   ("outcome", 201)]
        stored = {r.phase: r for r in rows}
        assert stored["outcome"].detail["intent_id"] == stored["intent"].id
        assert stored["outcome"].target_id == "u-new"
        intents, _ = audit.list_events(s, audit.AuditQuery(phase="intent"), 10, "")
        assert [r.id for r in intents] == [intent.data["id"]]
        reads, _ = audit.list_events(s, audit.AuditQuery(correlation_id="read-1"), 10, "")
        assert [r.phase for r in reads] == ["request"]
