"""What the worker does with finance's events (pure of nameko: takes a Database)."""
from __future__ import annotations

import datetime as dt

from kit.db import Database
from kit.events import Envelope, claim_event

from . import enrollments


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def on_order_paid_in_full(db: Database, event: Envelope, consumer: str | None = None) -> int:
    """Confirm the paid order's enrollments (enrollment.confirmed), or add a renewal's hours
    (enrollment.changed). The inbox claim and the effect commit together: a redelivery
    changes nothing. Returns how many enrollments were made or changed."""
    with db.session() as s:
        if not claim_event(s, event, consumer):
            return 0
        return len(enrollments.confirm_paid_order(s, event.data["order_id"],
                                                  _at(event.data["paid_at"])))
