"""How the leads areas plug into each other, in one place: api.py and worker.py import this
module, so every process runs with the same wiring.

- a recorded follow-up moves the customer's public-pool clock (last followed up at);
- a claim that makes its claimant the owner respects the public pool's cap per person;
- a merged customer's follow-ups and plans move to the surviving record;
- a leaving user's customers, open follow-up plans, sales-target shares and network work
  (service requests, ...) are handed over (each area's handover module adds its step to
  leads.handover.STEPS when imported).
"""
from __future__ import annotations

from .customers import claims as customer_claims
from .customers import handover as _customers_handover  # noqa: F401  (its step)
from .customers import records as customer_records
from .follow_ups import customer_merge as follow_ups_merge
from .follow_ups import handover as _plans_handover  # noqa: F401  (its step)
from .follow_ups import hooks as follow_up_hooks
from .network import handover as _network_handover  # noqa: F401  (its step)
from .public_pool import activity as pool_activity
from .public_pool import holding as pool_holding
from .sales_targets import handover as _targets_handover  # noqa: F401  (its step)
from .settings import load


def _pool_clock(session, follow_up) -> None:
    pool_activity.record_follow_up(session, follow_up)


if _pool_clock not in follow_up_hooks.ON_RECORDED:
    follow_up_hooks.ON_RECORDED.append(_pool_clock)

if follow_ups_merge.move_to_survivor not in customer_records.MERGE_STEPS:
    customer_records.MERGE_STEPS.append(follow_ups_merge.move_to_survivor)


def _within_cap(session, caller) -> None:
    pool_holding.ensure_can_hold(session, caller.user_id, caller.roles, load())


if _within_cap not in customer_claims.BEFORE_TAKING:
    customer_claims.BEFORE_TAKING.append(_within_cap)
