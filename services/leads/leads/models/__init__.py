"""The leads database: one declarative Base (base.py) and one models module per area.

An area adds its module here (`from .follow_ups import *`-style import of its classes) so
that `Base.metadata`, which Alembic's env.py reads, holds every table, and gives its tables
their own migration revision (`0002_follow_ups`, ...) after the head it finds.
"""
from .base import IDEMPOTENCY, INBOX, OUTBOX, Base, new_id, utcnow
from .customers import (
    Claim,
    Customer,
    CustomerHistory,
    CustomerPhone,
    CustomerSearchTerm,
    CustomerTag,
    StaffMember,
)
from .network import *  # noqa: F403  (the network area: channels, referrals, activities, ...)

__all__ = ["IDEMPOTENCY", "INBOX", "OUTBOX", "Base", "Claim", "Customer", "CustomerHistory",
           "CustomerPhone", "CustomerSearchTerm", "CustomerTag", "StaffMember", "new_id",
           "utcnow"]
