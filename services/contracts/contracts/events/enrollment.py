"""Events produced by enrollment. Owner: the enrollment engineer may refine the schemas."""
from .definitions import ID, NULLABLE_ID, TIMESTAMP, EventType, object_schema, register

register(EventType(
    type="crm.enrollment.enrollment.confirmed.v1",
    description="An enrollment (开单) was confirmed: the student is to be placed in a class.",
    subject="the enrollment id",
    schema=object_schema("EnrollmentConfirmed", {
        "enrollment_id": ID,
        "customer_id": ID,
        "course_id": ID,
        "stage_id": NULLABLE_ID,
        "term_id": NULLABLE_ID,
        "class_id": NULLABLE_ID,
        "campus_id": NULLABLE_ID,
        "registration_kind": {"enum": ["new", "retrain", "trial"]},
        "lesson_minutes": {"type": "integer", "minimum": 0},
        "starts_on": {"type": ["string", "null"], "format": "date"},
        "confirmed_at": TIMESTAMP,
    }, ["enrollment_id", "customer_id", "course_id", "confirmed_at"]),
    example={"enrollment_id": "e-9", "customer_id": "c-42", "course_id": "course-pm",
             "stage_id": "stage-1", "term_id": "term-2025-09", "class_id": None,
             "campus_id": "campus-sh", "registration_kind": "new", "lesson_minutes": 2400,
             "starts_on": "2025-09-15", "confirmed_at": "2025-09-01T11:00:00Z"},
))

