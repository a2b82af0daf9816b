import datetime as dt

from scheduling.reminders import UpcomingSession, due_reminders

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def at(hours):
    return NOW + dt.timedelta(hours=hours)


def test_reminders_fire_once_per_offset():
    sessions = [UpcomingSession("far", at(30)), UpcomingSession("day", at(20)),
                UpcomingSession("soon", at(0.5)), UpcomingSession("past", at(-1))]
    due = due_reminders(sessions, NOW, (1440, 60), already_sent={("soon", 1440)})
    assert [(r.session_id, r.offset_minutes) for r in due] == [("soon", 60), ("day", 1440)]
    again = due_reminders(sessions, NOW, (1440, 60),
                          already_sent={("soon", 1440), ("soon", 60), ("day", 1440)})
    assert again == []


def test_late_session_sends_only_the_nearest_reminder():
    due = due_reminders([UpcomingSession("late", at(0.25))], NOW, (1440, 60), already_sent=())
    assert len(due) == 1
    assert due[0].offset_minutes == 60 and due[0].skipped_offsets == (1440,)
