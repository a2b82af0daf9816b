"""Outbox rows commit with the domain change and vanish with its rollback (SQLite and PG)."""
import json

import pytest
from kit.events import EventValidationError, UnknownEventType, add_event
from kit.events.outbox import OUTBOX, outbox_committed
from sqlalchemy import select, text

LEFT = {"user_id": "u-1", "successor_user_id": "u-2", "left_at": "2025-10-01T00:00:00Z"}


def outbox_rows(db):
    with db.session() as s:
        return s.execute(select(OUTBOX).order_by(OUTBOX.c.id)).all()


def test_row_commits_with_domain_change(db):
    outbox_committed.clear()
    with db.session() as s:
        s.execute(text("INSERT INTO widgets (id, name) VALUES (1, 'w')"))
        envelope = add_event(s, "crm.identity.user.left.v1", "u-1", LEFT)
    assert outbox_committed.is_set()  # the in-process relay is woken at commit
    [row] = outbox_rows(db)
    assert row.event_id == envelope.id
    assert row.exchange == "identity.events"
    assert row.routing_key == "crm.identity.user.left.v1"
    assert row.published_at is None
    assert json.loads(row.payload)["data"] == LEFT


def test_nothing_on_rollback(db):
    outbox_committed.clear()
    with pytest.raises(RuntimeError):
        with db.session() as s:
            s.execute(text("INSERT INTO widgets (id, name) VALUES (2, 'w')"))
            add_event(s, "crm.identity.user.left.v1", "u-1", LEFT)
            raise RuntimeError("domain failure after the event was added")
    assert outbox_rows(db) == []
    with db.session() as s:
        assert s.execute(text("SELECT count(*) FROM widgets")).scalar() == 0
    assert not outbox_committed.is_set()


def test_invalid_data_is_refused_before_insert(db):
    with db.session() as s:
        with pytest.raises(EventValidationError):
            add_event(s, "crm.identity.user.left.v1", "u-1", {"user_id": "u-1"})
        with pytest.raises(UnknownEventType):
            add_event(s, "crm.identity.user.vanished.v1", "u-1", {})
    assert outbox_rows(db) == []


def test_rows_keep_insertion_order(db):
    with db.session() as s:
        ids = [add_event(s, "crm.identity.user.left.v1", f"u-{i}", LEFT).id for i in range(5)]
    assert [r.event_id for r in outbox_rows(db)] == ids
