"""Revenue attributed to the sources that brought a customer: the marketing activity
(customers.campaign_id) and the channel (customers.source_channel_id).

Finance owns the money; leads keeps a read model (attributed_revenue) that finance's payment
events will feed. `attribute_payment` is what that consumer calls, once per payment, in the
transaction of its inbox claim: a payment id already attributed adds nothing, a refund is a
payment with a negative amount.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import exc, update
from sqlalchemy.orm import Session

from ..models import Customer, utcnow
from ..models.network import AttributedPayment, AttributedRevenue


@dataclasses.dataclass(frozen=True)
class Attribution:
    payment_id: str
    activity_id: str | None
    channel_id: str | None
    amount_fen: int
    applied: bool         # False: this payment was attributed before (nothing added)


def _add(s: Session, kind: str, source_id: str, amount_fen: int, now: dt.datetime) -> None:
    """One atomic increment (concurrent payments of one source never lose each other)."""
    added = update(AttributedRevenue).where(
        AttributedRevenue.source_kind == kind, AttributedRevenue.source_id == source_id
    ).values(attributed_revenue_fen=AttributedRevenue.attributed_revenue_fen + amount_fen,
             payments=AttributedRevenue.payments + 1, updated_at=now)
    if s.execute(added.execution_options(synchronize_session=False)).rowcount:
        return
    try:
        with s.begin_nested():
            s.add(AttributedRevenue(source_kind=kind, source_id=source_id,
                                    attributed_revenue_fen=amount_fen, payments=1,
                                    updated_at=now))
            s.flush()
    except exc.IntegrityError:   # a concurrent first payment created the row meanwhile
        s.execute(added.execution_options(synchronize_session=False))


def attribute_payment(s: Session, *, payment_id: str, customer_id: str, amount_fen: int,
                      paid_at: dt.datetime) -> Attribution:
    """Attribute one payment (integer fen; negative for a refund) of `customer_id` to the
    activity and channel that brought the customer. Idempotent by `payment_id`. A customer
    leads does not know (or merged away) is followed to the record that survives; unknown
    customers attribute to nothing but the payment is still remembered."""
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise TypeError("amount_fen is integer fen")
    if s.get(AttributedPayment, payment_id) is not None:
        previous = s.get(AttributedPayment, payment_id)
        return Attribution(payment_id, previous.activity_id, previous.channel_id,
                           previous.amount_fen, False)
    customer = s.get(Customer, customer_id)
    for _ in range(10):  # a merged record points to its survivor
        if customer is None or not customer.merged_into_id:
            break
        customer = s.get(Customer, customer.merged_into_id)
    activity_id = customer.campaign_id if customer is not None else None
    channel_id = customer.source_channel_id if customer is not None else None
    now = utcnow()
    s.add(AttributedPayment(payment_id=payment_id, customer_id=customer_id,
                            activity_id=activity_id, channel_id=channel_id,
                            amount_fen=amount_fen, paid_at=paid_at, recorded_at=now))
    s.flush()   # the payment id is the key: a concurrent duplicate fails here
    if activity_id:
        _add(s, "activity", activity_id, amount_fen, now)
    if channel_id:
        _add(s, "channel", channel_id, amount_fen, now)
    s.flush()
    return Attribution(payment_id, activity_id, channel_id, amount_fen, True)
