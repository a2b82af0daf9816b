"""Events produced by scheduling, and scheduling's subscriptions.

Owner: the scheduling engineer. Times are UTC RFC 3339; `day` is the ISO weekday (1 = Monday)
and `period` the campus's 1-based period of the day.
"""
from .definitions import (
    DATE,
    ID,
    NULLABLE_ID,
    TEXT,
    TIMESTAMP,
    EventType,
    object_schema,
    register,
    subscribe,
)

_SESSION = {
    "session_id": ID,
    "section_id": ID,
    "course_id": NULLABLE_ID,
    "campus_id": NULLABLE_ID,
    "term_id": NULLABLE_ID,
    "timetable_id": NULLABLE_ID,
    "lecture_number": {"type": "integer", "minimum": 1},
    "date": DATE,
    "day": {"type": "integer", "minimum": 1, "maximum": 7},
    "period": {"type": "integer", "minimum": 1},
    "room_id": NULLABLE_ID,
    "teacher_id": NULLABLE_ID,
    # who actually teaches when the scheduled teacher is replaced for this session
    "substitute_teacher_id": NULLABLE_ID,
    "starts_at": TIMESTAMP,
    "ends_at": TIMESTAMP,
}
_SESSION_EXAMPLE = {"session_id": "s-1", "section_id": "sec-1", "course_id": "course-pm",
                    "campus_id": "campus-sh", "term_id": "term-2025-09", "timetable_id": "tt-1",
                    "lecture_number": 1, "date": "2025-09-15", "day": 1, "period": 1,
                    "room_id": "room-301", "teacher_id": "t-5", "substitute_teacher_id": None,
                    "starts_at": "2025-09-15T01:00:00Z", "ends_at": "2025-09-15T03:00:00Z"}
_SESSION_BEFORE = {
    "type": ["object", "null"],
    "description": "the session as it was before the change",
    "properties": {k: v for k, v in _SESSION.items() if k != "session_id"},
}

register(EventType(
    type="crm.scheduling.session.scheduled.v1",
    description="A class session was put on the timetable (a timetable version was published).",
    subject="the session id",
    schema=object_schema("SessionScheduled", _SESSION,
                         ["session_id", "section_id", "starts_at", "ends_at"]),
    example=_SESSION_EXAMPLE,
))

register(EventType(
    type="crm.scheduling.session.changed.v1",
    description="A scheduled session changed (time, room, teacher, substitute) or was cancelled; "
                "carries the new state, the state `before` and the names of the changed fields.",
    subject="the session id",
    schema=object_schema("SessionChanged", {
        **_SESSION,
        "before": _SESSION_BEFORE,
        "changed_fields": {"type": "array", "items": TEXT},
        "cancelled": {"type": "boolean"},
        "reason": TEXT,
    }, ["session_id", "section_id", "starts_at", "ends_at", "changed_fields", "cancelled"]),
    example={**_SESSION_EXAMPLE, "changed_fields": ["room_id"], "cancelled": False,
             "before": {**{k: v for k, v in _SESSION_EXAMPLE.items() if k != "session_id"},
                        "room_id": "room-302"},
             "reason": "room maintenance"},
))

register(EventType(
    type="crm.scheduling.session.reminder_due.v1",
    description="A session starts soon (offset_minutes before its start); notify reminds its "
                "students and teacher. Emitted once per session and offset.",
    subject="the session id",
    schema=object_schema("SessionReminderDue", {
        **_SESSION,
        "student_ids": {"type": "array", "items": ID},
        "remind_at": TIMESTAMP,
        "offset_minutes": {"type": "integer", "minimum": 0},
    }, ["session_id", "section_id", "starts_at", "ends_at", "student_ids"]),
    example={**_SESSION_EXAMPLE, "student_ids": ["c-42"], "remind_at": "2025-09-14T01:00:00Z",
             "offset_minutes": 1440},
))

register(EventType(
    type="crm.scheduling.timetable.published.v1",
    description="A solved timetable for a campus and term was published (superseding the "
                "previous published version, if any).",
    subject="the timetable id",
    schema=object_schema("TimetablePublished", {
        "timetable_id": ID,
        "campus_id": ID,
        "term_id": NULLABLE_ID,
        "version": {"type": "integer", "minimum": 1},
        "superseded_timetable_id": NULLABLE_ID,
        "lecture_count": {"type": "integer", "minimum": 0},
        "session_count": {"type": "integer", "minimum": 0},
        "published_at": TIMESTAMP,
    }, ["timetable_id", "campus_id", "session_count", "published_at"]),
    example={"timetable_id": "tt-1", "campus_id": "campus-sh", "term_id": "term-2025-09",
             "version": 1, "superseded_timetable_id": None, "lecture_count": 12,
             "session_count": 120, "published_at": "2025-09-10T12:00:00Z"},
))

register(EventType(
    type="crm.scheduling.placement.made.v1",
    description="A student of a confirmed enrollment was placed in a class section.",
    subject="the enrollment id",
    schema=object_schema("PlacementMade", {
        "enrollment_id": ID,
        "customer_id": ID,
        "section_id": ID,
        "course_id": NULLABLE_ID,
        "campus_id": NULLABLE_ID,
        "term_id": NULLABLE_ID,
        "placed_at": TIMESTAMP,
    }, ["enrollment_id", "customer_id", "section_id", "placed_at"]),
    example={"enrollment_id": "e-9", "customer_id": "c-42", "section_id": "sec-1",
             "course_id": "course-pm", "campus_id": "campus-sh", "term_id": "term-2025-09",
             "placed_at": "2025-09-01T11:00:02Z"},
))

_REJECTION = {
    "type": "object",
    "properties": {
        "section_id": TEXT,
        "reason": {"enum": ["full", "clash", "not_published", "no_section"]},
        "message": TEXT,
        "message_zh": TEXT,
    },
    "required": ["reason", "message"],
}

register(EventType(
    type="crm.scheduling.placement.failed.v1",
    description="A student of a confirmed enrollment could not be placed. `reason` is the "
                "overall reason (no_section, full, clash, not_published); `rejections` says why "
                "each section of the course did not fit.",
    subject="the enrollment id",
    schema=object_schema("PlacementFailed", {
        "enrollment_id": ID,
        "customer_id": ID,
        "course_id": NULLABLE_ID,
        "campus_id": NULLABLE_ID,
        "term_id": NULLABLE_ID,
        "reason": TEXT,
        "rejections": {"type": "array", "items": _REJECTION},
        "failed_at": TIMESTAMP,
    }, ["enrollment_id", "customer_id", "reason", "failed_at"]),
    example={"enrollment_id": "e-9", "customer_id": "c-42", "course_id": "course-pm",
             "reason": "full", "rejections": [
                 {"section_id": "sec-1", "reason": "full", "message": "PM A is full (30 seats)",
                  "message_zh": "PM A 已满 (30 座)"}],
             "failed_at": "2025-09-01T11:00:02Z"},
))

subscribe("scheduling", "place_student", "crm.enrollment.enrollment.confirmed.v1")
