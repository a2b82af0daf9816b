"""What else happens when a follow-up is recorded, in the recording transaction.

Other areas register a function here (the public pool: the customer's "last followed up
at"): `ON_RECORDED.append(touch_last_follow_up)`. Each is called with the session and the
new, flushed FollowUp row; raising aborts the recording.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from ..models import FollowUp

ON_RECORDED: list[Callable[[Session, FollowUp], None]] = []


def run_recorded(s: Session, follow_up: FollowUp) -> None:
    for hook in ON_RECORDED:
        hook(s, follow_up)
