"""The demo's own tables: its domain table plus the kit's outbox and inbox."""
from kit.db import make_base
from kit.events import inbox_table, outbox_table
from sqlalchemy import Column, Integer, String

Base = make_base()
outbox_table(Base.metadata)
inbox_table(Base.metadata)


class AppliedWidget(Base):
    """One row per application of an event; deliberately NOT unique on event_id, so a
    duplicate application would show up as a second row."""

    __tablename__ = "applied_widgets"
    id = Column(Integer, primary_key=True)
    event_id = Column(String(64), nullable=False)
    n = Column(Integer, nullable=False)
