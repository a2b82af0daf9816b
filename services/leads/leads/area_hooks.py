"""How the leads areas plug into each other, in one place: api.py and worker.py import this
module, so every process runs with the same wiring.

- a recorded follow-up moves the customer's public-pool clock (last followed up at).
"""
from __future__ import annotations

from .follow_ups import hooks as follow_up_hooks
from .public_pool import activity as pool_activity


def _pool_clock(session, follow_up) -> None:
    pool_activity.record_follow_up(session, follow_up)


if _pool_clock not in follow_up_hooks.ON_RECORDED:
    follow_up_hooks.ON_RECORDED.append(_pool_clock)
