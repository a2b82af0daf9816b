"""The sales form (销售形式) of a customer, derived from where the customer came from, since
a customer record has no field of its own for it:

- `channel`: a channel brought the customer (source channel, or a channel holds them);
- `conference`: a marketing activity did (campaign: open class, conference marketing 会议营销);
- `campus`: the customer walked into a campus (tagged with one of CAMPUS_TAGS);
- `phone`: everything else: a seller's own lead, worked by telephone (电话销售).

The first rule that applies wins, in that order. One SQL expression, so statistics group by
it in the database.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, exists

from ..models import Customer, CustomerTag

FORMS = ("phone", "conference", "campus", "channel")
CAMPUS_TAGS = ("campus", "walk_in", "walk-in", "到访", "校区到访", "上门")


def expression() -> ColumnElement[str]:
    walked_in = exists().where(and_(CustomerTag.customer_id == Customer.id,
                                    CustomerTag.tag.in_(CAMPUS_TAGS)))
    return case(
        (Customer.source_channel_id.is_not(None), "channel"),
        (Customer.owner_channel_id.is_not(None), "channel"),
        (Customer.campaign_id.is_not(None), "conference"),
        (walked_in, "campus"),
        else_="phone")
