"""Inbox: a redelivered event is a no-op; a concurrent duplicate loses the race cleanly."""
import threading

import pytest
from kit.events import claim_event, make_envelope
from kit.events.context import current_consumer
from sqlalchemy import text

LEFT = {"user_id": "u-1", "successor_user_id": "u-2", "left_at": "2025-10-01T00:00:00Z"}


def apply(db, event, consumer="leads.hand_over"):
    """A handler: its effect and the inbox row in one transaction."""
    with db.session() as s:
        if not claim_event(s, event, consumer):
            return False
        s.execute(text("INSERT INTO widgets (name) VALUES (:n)"), {"n": event.id})
        return True


def widget_count(db):
    with db.session() as s:
        return s.execute(text("SELECT count(*) FROM widgets")).scalar()


def test_redelivery_is_noop(db):
    event = make_envelope("crm.identity.user.left.v1", "u-1", LEFT)
    assert apply(db, event) is True
    assert apply(db, event) is False
    assert widget_count(db) == 1
    # Another consumer of the same event applies it independently.
    assert apply(db, event, consumer="notify.on_user_left") is True
    assert widget_count(db) == 2


def test_failed_handler_leaves_no_claim(db):
    event = make_envelope("crm.identity.user.left.v1", "u-1", LEFT)
    with pytest.raises(RuntimeError):
        with db.session() as s:
            assert claim_event(s, event, "leads.hand_over")
            raise RuntimeError("handler failed: the redelivery must apply it")
    assert apply(db, event) is True


def test_consumer_defaults_to_current_entrypoint(db):
    event = make_envelope("crm.identity.user.left.v1", "u-1", LEFT)
    token = current_consumer.set("leads.hand_over")
    try:
        assert apply(db, event, consumer=None) is True
    finally:
        current_consumer.reset(token)
    assert apply(db, event, consumer="leads.hand_over") is False
    with db.session() as s, pytest.raises(RuntimeError):
        claim_event(s, event)


def test_concurrent_duplicates_apply_once(db):
    event = make_envelope("crm.identity.user.left.v1", "u-1", LEFT)
    results, barrier = [], threading.Barrier(4, timeout=20)

    def deliver():
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            results.append("barrier broken: the deliveries did not start together")
            return
        results.append(apply(db, event))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False, False, False, True]
    assert widget_count(db) == 1
