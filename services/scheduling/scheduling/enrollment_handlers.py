"""What the worker does with enrollment's events (pure of nameko: takes a Database)."""
from __future__ import annotations

from kit.db import Database
from kit.events import Envelope, claim_event

from . import models as m
from . import placing


def on_enrollment_confirmed(db: Database, event: Envelope) -> None:
    """Place the student of a confirmed enrollment (placement.made / placement.failed).
    The inbox claim and the placement commit together: a redelivery changes nothing."""
    data = event.data
    with db.session() as s:
        if not claim_event(s, event):
            return
        # enrollment's campus is identity's org unit (our campus id); its term is used only
        # when scheduling knows a term of that id
        campus_id = data.get("campus_id") or ""
        term_id = data.get("term_id") or ""
        placing.place(s, placing.PlacementRequest(
            student_id=data["customer_id"], course_id=data["course_id"],
            campus_id=campus_id if campus_id and s.get(m.Campus, campus_id) else "",
            term_id=term_id if term_id and s.get(m.Term, term_id) else "",
            enrollment_id=data["enrollment_id"]))
