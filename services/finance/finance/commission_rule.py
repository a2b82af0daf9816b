"""Which commission ratios apply to a sale, and how much each earns (pure).

An order carries the ratios enrollment's catalogue had in force when it was placed
(order.placed `commission_ratios`: role, channel tier or null, basis points). For each role
the ratio of the order's own channel tier applies; a ratio without a tier applies to every
tier, and only when the role has none for the order's tier. A ratio of another tier never
applies. The amount is price × ratio_bp / 10000 in whole fen, rounded down (in the
institution's favour).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

BASIS_POINTS = 10_000


@dataclasses.dataclass(frozen=True)
class Applicable:
    role: str
    channel_tier: str | None
    ratio_bp: int
    person_id: str | None


def applicable(ratios: Iterable[Mapping[str, Any]], channel_tier: str | None) -> list[Applicable]:
    by_role: dict[str, Applicable] = {}
    for r in ratios:
        tier = r.get("channel_tier")
        if tier is not None and tier != channel_tier:
            continue
        found = Applicable(r["role"], tier, int(r["ratio_bp"]), r.get("person_id"))
        current = by_role.get(found.role)
        # the tier's own ratio beats the any-tier one; the first of equals stands
        if current is None or (current.channel_tier is None and tier is not None):
            by_role[found.role] = found
    return sorted(by_role.values(), key=lambda a: a.role)


def amount(price_fen: int, ratio_bp: int) -> int:
    if price_fen < 0 or not 0 <= ratio_bp <= BASIS_POINTS:
        raise ValueError("price is non-negative and a ratio is 0..10000 basis points")
    return price_fen * ratio_bp // BASIS_POINTS


def reversal(accrued_fen: int, reversed_before_fen: int, refund_fen: int, paid_fen: int, *,
             full_refund: bool) -> int:
    """How much of an accrual a refund takes back: the refunded share of the sale, rounded up
    (in the institution's favour), never more than what is left of the accrual; all of it
    on a full refund."""
    left = accrued_fen - reversed_before_fen
    if full_refund or paid_fen <= 0:
        return max(left, 0)
    share = -(-accrued_fen * refund_fen // paid_fen)  # ceil
    return max(min(share, left), 0)
