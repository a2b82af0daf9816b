"""What the bus tests do to and read from the demo service's database."""
from kit.events import add_event
from kit.events.outbox import OUTBOX
from sqlalchemy import func, select

from busdemo.catalogue import WIDGET_MADE
from busdemo.models import AppliedWidget

QUEUE = "busdemo.apply_widget"


def produce(db, first, count):
    with db.session() as s:
        return [add_event(s, WIDGET_MADE, f"w-{n}", {"n": n}).id
                for n in range(first, first + count)]


def applied(db):
    """(rows, distinct event ids) in the demo's domain table."""
    with db.session() as s:
        return s.execute(select(func.count(), func.count(AppliedWidget.event_id.distinct()))).one()


def unpublished(db):
    with db.session() as s:
        return s.execute(select(func.count()).where(OUTBOX.c.published_at.is_(None))).scalar()
