"""How the leads areas plug into each other, in one place: api.py and worker.py import this
module, so every process runs with the same wiring.

- a recorded follow-up moves the customer's public-pool clock (last followed up at);
- a leaving user's customers, open follow-up plans and sales-target shares are handed over
  (each area's handover module adds its step to leads.handover.STEPS when imported).
"""
from __future__ import annotations

from .customers import handover as _customers_handover  # noqa: F401  (its step)
from .follow_ups import handover as _plans_handover  # noqa: F401  (its step)
from .follow_ups import hooks as follow_up_hooks
from .public_pool import activity as pool_activity
from .sales_targets import handover as _targets_handover  # noqa: F401  (its step)


def _pool_clock(session, follow_up) -> None:
    pool_activity.record_follow_up(session, follow_up)


if _pool_clock not in follow_up_hooks.ON_RECORDED:
    follow_up_hooks.ON_RECORDED.append(_pool_clock)
