"""How much of an order can be refunded (pure).

    unit price      = ceil(price / lesson hours)            whole fen, rounded UP
    consumed value  = min(price, consumed hours × unit price)
    refundable      = max(0, paid − refunded before − consumed value)

Rounding is in the institution's favour: the unit price is rounded up, so the consumed value
is never less than the hours' exact share of the price, and the refund never more. An order
without lesson hours has nothing to consume (consumed value 0). Example: price 1 000 000 fen
for 30 hours → unit price 33 334 fen; 7 hours consumed → 233 338 fen consumed; paid in full
→ 766 662 fen refundable.
"""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Quote:
    paid_fen: int
    refunded_before_fen: int
    consumed_hours: int
    unit_price_fen: int
    consumed_value_fen: int
    refundable_fen: int


def unit_price(price_fen: int, lesson_hours: int) -> int:
    if lesson_hours <= 0:
        return 0
    return -(-price_fen // lesson_hours)


def quote(*, price_fen: int, lesson_hours: int, paid_fen: int, refunded_before_fen: int,
          consumed_hours: int) -> Quote:
    for name, value in (("price_fen", price_fen), ("lesson_hours", lesson_hours),
                        ("paid_fen", paid_fen), ("refunded_before_fen", refunded_before_fen),
                        ("consumed_hours", consumed_hours)):
        if type(value) is not int or value < 0:
            raise ValueError(f"{name} must be a non-negative integer")
    unit = unit_price(price_fen, lesson_hours)
    value = min(price_fen, consumed_hours * unit)
    return Quote(paid_fen, refunded_before_fen, consumed_hours, unit, value,
                 max(0, paid_fen - refunded_before_fen - value))
