"""The leads database: one declarative Base (base.py) and one models module per area.

An area adds its module here (`from .exchange import CustomerImportReport
from .follow_ups import FollowUp, FollowUpPlan, FollowUpPlanHistory, FollowUpType
from .public_pool import AssignmentRule, PoolPolicyRow, PoolSweepRun
from .sales_targets import RecordedSale, SalesAttainment, SalesTarget, SalesTargetSplit

__all__ = ["IDEMPOTENCY", "INBOX", "OUTBOX", "AssignmentRule", "Base", "Claim", "Customer",
           "CustomerHistory", "CustomerImportReport", "CustomerPhone", "CustomerSearchTerm",
           "CustomerTag", "FollowUp", "FollowUpPlan", "FollowUpPlanHistory", "FollowUpType",
           "PoolPolicyRow", "PoolSweepRun", "RecordedSale", "SalesAttainment", "SalesTarget",
           "SalesTargetSplit", "StaffMember", "new_id", "utcnow"]
