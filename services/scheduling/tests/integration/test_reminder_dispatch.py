"""The reminder timer's work (`dispatch_due_reminders`) against a migrated database: one
reminder event per (session, offset), written with its ReminderSent row; running it again, or
a second worker winning the race, sends nothing twice."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from kit import migrate, testing
from kit.db import Database
from scheduling import events, reminder_dispatch
from scheduling import models as m
from sqlalchemy import func, select, text

OFFSETS = (1440, 60)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, seed_published):
    factory = testing.sqlite_database if request.param == "sqlite" else testing.postgres_database
    with factory() as url:
        migrate.upgrade("scheduling", url)
        database = Database(url)
        seed_published(database)
        with database.session() as s:
            s.add(m.Placement(section_id="sec1", student_id="stu-1", enrollment_id="e-1"))
        yield database
        database.dispose()


def first_sessions(db, n=2) -> list[tuple[str, dt.datetime]]:
    with db.session() as s:
        rows = s.execute(select(m.ScheduledSession.id, m.ScheduledSession.starts_at)
                         .order_by(m.ScheduledSession.starts_at).limit(n)).all()
    return [(sid, at if at.tzinfo else at.replace(tzinfo=dt.UTC)) for sid, at in rows]


def reminder_events(db) -> list[dict]:
    with db.session() as s:
        payloads = s.execute(text("SELECT payload FROM outbox_events WHERE event_type = :t "
                                  "ORDER BY id"), {"t": events.SESSION_REMINDER_DUE}).scalars()
        return [json.loads(p)["data"] for p in payloads]


def sent(db) -> set[tuple[str, int]]:
    with db.session() as s:
        return set(s.execute(select(m.ReminderSent.session_id, m.ReminderSent.offset_minutes)))


def test_each_offset_is_sent_once(db):
    (first, starts), (second, second_starts) = first_sessions(db)
    assert second_starts - starts >= dt.timedelta(days=2)  # Monday/Wednesday lectures
    day_before = starts - dt.timedelta(hours=23)
    assert reminder_dispatch.dispatch_due_reminders(db, offsets=OFFSETS, now=day_before) == 1
    assert reminder_dispatch.dispatch_due_reminders(db, offsets=OFFSETS, now=day_before) == 0
    hour_before = starts - dt.timedelta(minutes=30)
    assert reminder_dispatch.dispatch_due_reminders(db, offsets=OFFSETS, now=hour_before) == 1
    assert reminder_dispatch.dispatch_due_reminders(db, offsets=OFFSETS, now=hour_before) == 0
    # once started, a session gets nothing more
    assert reminder_dispatch.dispatch_due_reminders(
        db, offsets=OFFSETS, now=starts + dt.timedelta(minutes=1)) == 0
    assert sent(db) == {(first, 1440), (first, 60)}
    data = reminder_events(db)
    assert [(d["session_id"], d["offset_minutes"]) for d in data] == [(first, 1440), (first, 60)]
    assert data[0]["student_ids"] == ["stu-1"] and data[0]["section_id"] == "sec1"
    assert data[0]["remind_at"] == events.iso(starts - dt.timedelta(minutes=1440))
    assert data[1]["remind_at"] == events.iso(starts - dt.timedelta(minutes=60))


def test_a_late_timer_sends_only_the_nearest_offset(db):
    (first, starts), _ = first_sessions(db)
    now = starts - dt.timedelta(minutes=30)  # the day-before moment passed unnoticed
    assert reminder_dispatch.dispatch_due_reminders(db, offsets=OFFSETS, now=now) == 1
    assert sent(db) == {(first, 1440), (first, 60)}  # 1440 recorded as skipped
    assert [d["offset_minutes"] for d in reminder_events(db)] == [60]
    assert reminder_dispatch.dispatch_due_reminders(db, offsets=OFFSETS, now=now) == 0


def test_a_concurrent_timer_that_got_there_first_wins(db, monkeypatch):
    """Two workers read the same due reminders; the one that commits its ReminderSent row
    first emits the event, the other's insert conflicts and it emits nothing."""
    (first, starts), _ = first_sessions(db)
    now = starts - dt.timedelta(hours=23)
    real = reminder_dispatch.due_reminders

    def due_then_other_worker_commits(*args, **kwargs):
        due = real(*args, **kwargs)
        with db.session() as s:  # the other worker's transaction
            s.add(m.ReminderSent(session_id=first, offset_minutes=1440))
        return due

    monkeypatch.setattr(reminder_dispatch, "due_reminders", due_then_other_worker_commits)
    assert reminder_dispatch.dispatch_due_reminders(db, offsets=OFFSETS, now=now) == 0
    assert reminder_events(db) == []
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.ReminderSent)) == 1
