"""The leads database: one declarative Base (base.py) and one models module per area.

An area adds its module here (an import of its classes) so that `Base.metadata`, which
Alembic's env.py reads, holds every table, and gives its tables their own migration revision
(`0002_follow_ups`, ...) after the head it finds.
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
from .exchange import CustomerImportReport
from .follow_ups import FollowUp, FollowUpPlan, FollowUpPlanHistory, FollowUpType
from .public_pool import AssignmentRule, PoolPolicyRow, PoolSweepRun
from .sales_targets import RecordedSale, SalesAttainment, SalesTarget, SalesTargetSplit

__all__ = ["IDEMPOTENCY", "INBOX", "OUTBOX", "AssignmentRule", "Base", "Claim", "Customer",
           "CustomerHistory", "CustomerImportReport", "CustomerPhone", "CustomerSearchTerm",
           "CustomerTag", "FollowUp", "FollowUpPlan", "FollowUpPlanHistory", "FollowUpType",
           "PoolPolicyRow", "PoolSweepRun", "RecordedSale", "SalesAttainment", "SalesTarget",
           "SalesTargetSplit", "StaffMember", "new_id", "utcnow"]
