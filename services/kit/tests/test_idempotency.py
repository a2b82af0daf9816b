"""kit.idempotency.run_once on SQLite and PostgreSQL: replay, conflict, no key, a failing
command, expiry, and two concurrent requests under one new key held at a barrier after their
lookups, before either claimed the key, so they really overlap (exactly one effect survives)."""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from kit import testing
from kit.db import NAMING_CONVENTION, Database
from kit.errors import DomainError, FailedPrecondition, IdempotencyConflict, InvalidArgument
from kit.idempotency import (
    IDEMPOTENCY,
    JSON_CODEC,
    Codec,
    fingerprint,
    idempotency_table,
    purge_idempotency,
    run_once,
)
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, update

postgres_url = testing.postgres_database_fixture(scope="module", name="postgres_url")

METADATA = MetaData(naming_convention=NAMING_CONVENTION)
idempotency_table(METADATA)
EFFECTS = Table("effects", METADATA, Column("id", Integer, primary_key=True),
                Column("note", String(50), nullable=False))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'svc.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    database = Database(url)
    METADATA.drop_all(database.engine)
    METADATA.create_all(database.engine)
    yield database
    METADATA.drop_all(database.engine)
    database.dispose()


def effect(note: str, before=None):
    """A command: insert one effects row, answer with the row id and how many there are."""

    def apply(session):
        if before is not None:
            before()
        row_id = session.execute(EFFECTS.insert().values(note=note)).inserted_primary_key[0]
        count = session.scalar(select(func.count()).select_from(EFFECTS))
        return {"id": row_id, "note": note, "count": count}

    return apply


def count(db, table=EFFECTS) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(table))


def test_same_key_same_request_replays_without_running_again(db):
    first = run_once(db, "k-1", "make", fingerprint({"note": "a"}), effect("a"), JSON_CODEC)
    ran = []
    again = run_once(db, "k-1", "make", fingerprint({"note": "a"}),
                     effect("a", before=lambda: ran.append(1)), JSON_CODEC)
    assert again == first and ran == []
    assert count(db) == 1 and count(db, IDEMPOTENCY) == 1


def test_same_key_different_request_is_a_conflict(db):
    run_once(db, "k-2", "make", fingerprint({"note": "a"}), effect("a"), JSON_CODEC)
    with pytest.raises(IdempotencyConflict) as err:
        run_once(db, "k-2", "make", fingerprint({"note": "b"}), effect("b"), JSON_CODEC)
    assert err.value.reason == "idempotency_conflict"
    assert count(db) == 1


def test_the_key_is_per_operation(db):
    run_once(db, "k-3", "make", fingerprint({"note": "a"}), effect("a"), JSON_CODEC)
    run_once(db, "k-3", "other", fingerprint({"note": "a"}), effect("a"), JSON_CODEC)
    assert count(db) == 2 and count(db, IDEMPOTENCY) == 2


def test_without_a_key_every_call_runs_in_a_transaction(db):
    for key in ("", None):
        run_once(db, key, "make", fingerprint({}), effect("n"), JSON_CODEC)
    assert count(db) == 2 and count(db, IDEMPOTENCY) == 0
    with pytest.raises(FailedPrecondition):
        run_once(db, None, "make", fingerprint({}), failing("x"), JSON_CODEC)
    assert count(db) == 2  # rolled back


def failing(note: str):
    def apply(session):
        effect(note)(session)
        raise FailedPrecondition("no", reason="test.failed")

    return apply


def test_a_failing_command_stores_nothing_and_may_be_retried(db):
    with pytest.raises(DomainError):
        run_once(db, "k-4", "make", fingerprint({"note": "a"}), failing("a"), JSON_CODEC)
    assert count(db) == 0 and count(db, IDEMPOTENCY) == 0
    done = run_once(db, "k-4", "make", fingerprint({"note": "a"}), effect("a"), JSON_CODEC)
    assert done["count"] == 1 and count(db, IDEMPOTENCY) == 1


def test_decode_gets_the_session_to_load_rows(db):
    codec = Codec(encode=lambda r: str(r["id"]).encode(),
                  decode=lambda data, s: s.scalar(select(EFFECTS.c.note)
                                                  .where(EFFECTS.c.id == int(data))))
    run_once(db, "k-5", "make", fingerprint("a"), effect("a"), codec)
    with db.session() as s:
        s.execute(update(EFFECTS).values(note="renamed"))
    assert run_once(db, "k-5", "make", fingerprint("a"), effect("a"), codec) == "renamed"


def test_key_longer_than_the_column_is_invalid(db):
    with pytest.raises(InvalidArgument):
        run_once(db, "k" * 256, "make", fingerprint("a"), effect("a"), JSON_CODEC)
    assert count(db) == 0


def _race(db, calls, monkeypatch):
    """Run the commands concurrently; each is held at a barrier just before it claims its key,
    i.e. after all looked the key up and found nothing, before any wrote anything. A broken
    barrier (a call never got there) fails the test instead of running them one by one."""
    import kit.idempotency as idempotency

    barrier = threading.Barrier(len(calls), timeout=20)
    original = idempotency._claim
    held = []

    def claim(*args, **kwargs):
        held.append(1)
        barrier.wait()  # BrokenBarrierError propagates: the call fails, and so does the test
        return original(*args, **kwargs)

    monkeypatch.setattr(idempotency, "_claim", claim)
    outcomes = []
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run_once, db, key, "make", fp, effect(note), JSON_CODEC)
                   for key, fp, note in calls]
        for future in futures:
            try:
                outcomes.append(("ok", future.result()))
            except DomainError as exc:
                outcomes.append(("error", exc))
    monkeypatch.undo()
    assert len(held) == len(calls) and not barrier.broken  # a real overlap
    return outcomes


def test_concurrent_same_key_same_request_applies_once(db, monkeypatch):
    fp = fingerprint({"note": "race"})
    outcomes = _race(db, [("race-1", fp, "race"), ("race-1", fp, "race")], monkeypatch)
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert outcomes[0][1] == outcomes[1][1]  # the loser answers with the winner's result
    assert count(db) == 1 and count(db, IDEMPOTENCY) == 1


def test_concurrent_same_key_different_requests_one_wins(db, monkeypatch):
    outcomes = _race(db, [("race-2", fingerprint("a"), "a"), ("race-2", fingerprint("b"), "b")],
                     monkeypatch)
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, IdempotencyConflict)
    winner = next(value for kind, value in outcomes if kind == "ok")
    with db.session() as s:
        assert s.scalars(select(EFFECTS.c.note)).all() == [winner["note"]]  # loser rolled back


def unique_note(note: str):
    """A command whose domain check reads the other request's committed row (like a username
    check): a request that ran it after the winner committed would answer "taken"."""

    def apply(session):
        if session.scalar(select(EFFECTS.c.id).where(EFFECTS.c.note == note)) is not None:
            raise FailedPrecondition("note taken", reason="test.note_taken")
        return effect(note)(session)

    return apply


def test_concurrent_same_key_never_answers_from_the_effects_check(db, monkeypatch):
    """The flake of identity's CreateUser race: the loser must not run the command (and trip
    over the winner's row) but wait for the key and replay the winner's result."""
    import kit.idempotency as idempotency

    barrier = threading.Barrier(2, timeout=20)
    original = idempotency._claim
    order = []

    def claim(session, *args, **kwargs):
        barrier.wait()
        claimed = original(session, *args, **kwargs)
        order.append(claimed)
        return claimed

    monkeypatch.setattr(idempotency, "_claim", claim)
    fp = fingerprint({"note": "unique"})
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(run_once, db, "race-4", "make", fp, unique_note("unique"),
                               JSON_CODEC) for _ in range(2)]
        results = [f.result() for f in futures]
    monkeypatch.undo()
    assert sorted(order) == [False, True]  # both claimed; the second found the first's row
    assert results[0] == results[1] and count(db) == 1


def test_concurrent_different_keys_both_apply(db, monkeypatch):
    outcomes = _race(db, [("race-3a", fingerprint("a"), "a"), ("race-3b", fingerprint("a"), "a")],
                     monkeypatch)
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert count(db) == 2 and count(db, IDEMPOTENCY) == 2


def test_purge_forgets_old_results(db):
    run_once(db, "old", "make", fingerprint("a"), effect("a"), JSON_CODEC)
    run_once(db, "new", "make", fingerprint("a"), effect("a"), JSON_CODEC)
    with db.session() as s:
        s.execute(update(IDEMPOTENCY).where(IDEMPOTENCY.c.key == "old").values(
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=8)))
    with db.session() as s:
        assert purge_idempotency(s, dt.timedelta(days=7)) == 1
    with db.session() as s:
        assert s.scalars(select(IDEMPOTENCY.c.key)).all() == ["new"]
    # forgotten: the old key runs again
    run_once(db, "old", "make", fingerprint("a"), effect("a"), JSON_CODEC)
    assert count(db) == 3


def test_the_relay_housekeeping_purges_idempotency_keys(db):
    from kit.events import inbox_table, outbox_table
    from kit.events.relay import RelayLoop

    bus = MetaData(naming_convention=NAMING_CONVENTION)
    outbox_table(bus)
    inbox_table(bus)
    bus.create_all(db.engine)
    try:
        run_once(db, "old", "make", fingerprint("a"), effect("a"), JSON_CODEC)
        with db.session() as s:
            s.execute(update(IDEMPOTENCY).values(
                created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)))
        run_once(db, "new", "make", fingerprint("a"), effect("a"), JSON_CODEC)
        relay = RelayLoop(db, testing.AMQP_BASE_URI, "kitdemo", dead_letter_queues=[])
        assert relay.purge(older_than=3600) == (0, 0)  # (outbox, inbox); never connects
        with db.session() as s:
            assert s.scalars(select(IDEMPOTENCY.c.key)).all() == ["new"]
    finally:
        bus.drop_all(db.engine)
