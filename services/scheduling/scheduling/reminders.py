"""Which class-start reminders are due: for every session not yet started, the offsets
(minutes before start) whose moment has come and whose reminder was not sent. When several
are due at once (the worker was down, or the session was scheduled late) only the one
closest to the start is sent; the earlier ones are recorded as skipped so they never fire."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable


@dataclasses.dataclass(frozen=True)
class UpcomingSession:
    session_id: str
    starts_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class DueReminder:
    session_id: str
    offset_minutes: int
    starts_at: dt.datetime
    skipped_offsets: tuple[int, ...] = ()


def due_reminders(sessions: Iterable[UpcomingSession], now: dt.datetime,
                  offsets_minutes: Collection[int],
                  already_sent: Collection[tuple[str, int]]) -> list[DueReminder]:
    sent = set(already_sent)
    out: list[DueReminder] = []
    for s in sessions:
        if s.starts_at <= now:
            continue
        due = sorted(o for o in set(offsets_minutes)
                     if (s.session_id, o) not in sent
                     and s.starts_at - dt.timedelta(minutes=o) <= now)
        if due:
            out.append(DueReminder(s.session_id, due[0], s.starts_at, tuple(due[1:])))
    return sorted(out, key=lambda r: (r.starts_at, r.session_id))
