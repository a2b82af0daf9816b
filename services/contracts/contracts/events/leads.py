"""Events produced by leads, and leads' subscriptions.

Owner: the leads engineers; each area adds its types below its own heading. Payloads carry
ids and business fields, never phone or ID-card numbers (partners bind to these exchanges).
"""
from .definitions import (
    ID,
    NULLABLE_ID,
    TEXT,
    TIMESTAMP,
    EventType,
    object_schema,
    register,
    subscribe,
)

# ---- customers ------------------------------------------------------------------------------

_STAGE = {"enum": ["lead", "prospect", "enrolled", "alumni"]}
_TEXTS = {"type": "array", "items": TEXT}
_OWNER = {
    "owner_id": NULLABLE_ID,
    "owner_department_id": NULLABLE_ID,
    "owner_region_id": NULLABLE_ID,
    "owner_channel_id": NULLABLE_ID,
}

register(EventType(
    type="crm.leads.customer.created.v1",
    description="A customer record was created (a new person; its creator owns it).",
    subject="the customer id",
    schema=object_schema("CustomerCreated", {
        "customer_id": ID,
        "name": TEXT,
        "stage": _STAGE,
        "roles": _TEXTS,
        "tags": _TEXTS,
        "source_channel_id": NULLABLE_ID,
        "campaign_id": NULLABLE_ID,
        **_OWNER,
        "created_by": TEXT,
        "created_at": TIMESTAMP,
    }, ["customer_id", "stage", "owner_id", "created_at"]),
    example={"customer_id": "c-42", "name": "张三", "stage": "lead", "roles": ["student"],
             "tags": ["vip"], "source_channel_id": "ch-7", "campaign_id": None,
             "owner_id": "u-1001", "owner_department_id": "dep-3", "owner_region_id": "reg-1",
             "owner_channel_id": None, "created_by": "u-1001",
             "created_at": "2025-09-01T08:00:00Z"},
))

register(EventType(
    type="crm.leads.customer.updated.v1",
    description="A customer's profile changed; `changed_fields` names what changed (personal "
                "numbers are named, never carried).",
    subject="the customer id",
    schema=object_schema("CustomerUpdated", {
        "customer_id": ID,
        "changed_fields": _TEXTS,
        "stage": _STAGE,
        "valid": {"type": "boolean"},
        "version": {"type": "integer", "minimum": 1},
        "updated_by": TEXT,
        "updated_at": TIMESTAMP,
    }, ["customer_id", "changed_fields", "stage", "valid", "version", "updated_at"]),
    example={"customer_id": "c-42", "changed_fields": ["stage", "phones"], "stage": "prospect",
             "valid": True, "version": 3, "updated_by": "u-1001",
             "updated_at": "2025-09-02T08:00:00Z"},
))

register(EventType(
    type="crm.leads.customer.merged.v1",
    description="Two records of one person were merged: `merged_id` is kept, marked merged "
                "into `survivor_id`, which took its phones, claims and history. Consumers "
                "holding `merged_id` should re-point to `survivor_id`.",
    subject="the survivor's customer id",
    schema=object_schema("CustomerMerged", {
        "survivor_id": ID,
        "merged_id": ID,
        "field_sources": {"type": "object", "additionalProperties": {
            "enum": ["survivor", "merged"]}},
        "merged_by": TEXT,
        "merged_at": TIMESTAMP,
    }, ["survivor_id", "merged_id", "merged_at"]),
    example={"survivor_id": "c-42", "merged_id": "c-43", "field_sources": {"company": "merged"},
             "merged_by": "u-2001", "merged_at": "2025-09-03T08:00:00Z"},
))

register(EventType(
    type="crm.leads.customer.owner_changed.v1",
    description="A customer changed hands: an approved claim, a manager's arbitration, or a "
                "handover when the owner left (`reason`).",
    subject="the customer id",
    schema=object_schema("CustomerOwnerChanged", {
        "customer_id": ID,
        "previous_owner_id": NULLABLE_ID,
        **_OWNER,
        "reason": {"enum": ["claim", "arbitration", "handover", "channel_rule",
                            "returned_to_pool", "pool_claim", "assignment"]},
        "protected_until": {"type": ["string", "null"], "format": "date-time"},
        "changed_by": TEXT,
        "changed_at": TIMESTAMP,
    }, ["customer_id", "previous_owner_id", "owner_id", "reason", "changed_at"]),
    example={"customer_id": "c-42", "previous_owner_id": "u-1001", "owner_id": "u-1002",
             "owner_department_id": "dep-3", "owner_region_id": "reg-1",
             "owner_channel_id": None, "reason": "handover", "protected_until": None,
             "changed_by": "system:handover", "changed_at": "2025-10-01T00:00:05Z"},
))

_CLAIM = {
    "claim_id": ID,
    "customer_id": ID,
    "claimant_id": ID,
    "channel_id": NULLABLE_ID,
}
_CLAIM_EXAMPLE = {"claim_id": "cl-5", "customer_id": "c-42", "claimant_id": "u-1002",
                  "channel_id": None}

register(EventType(
    type="crm.leads.claim.requested.v1",
    description="An ownership claim (报备) on a customer another holds under protection waits "
                "for a manager's arbitration.",
    subject="the customer id",
    schema=object_schema("ClaimRequested", {
        **_CLAIM, "current_owner_id": NULLABLE_ID, "requested_at": TIMESTAMP,
    }, ["claim_id", "customer_id", "claimant_id", "requested_at"]),
    example={**_CLAIM_EXAMPLE, "current_owner_id": "u-1001",
             "requested_at": "2025-09-04T08:00:00Z"},
))

register(EventType(
    type="crm.leads.claim.approved.v1",
    description="An ownership claim was approved (at once by the rules, or by a manager): the "
                "claimant owns the customer until `protected_until`.",
    subject="the customer id",
    schema=object_schema("ClaimApproved", {
        **_CLAIM, "decided_by": TEXT, "protected_until": TIMESTAMP, "decided_at": TIMESTAMP,
    }, ["claim_id", "customer_id", "claimant_id", "decided_by", "protected_until",
        "decided_at"]),
    example={**_CLAIM_EXAMPLE, "decided_by": "u-2001",
             "protected_until": "2025-10-04T08:00:00Z", "decided_at": "2025-09-04T09:00:00Z"},
))

register(EventType(
    type="crm.leads.claim.rejected.v1",
    description="An ownership claim was rejected (by the rules or by a manager).",
    subject="the customer id",
    schema=object_schema("ClaimRejected", {
        **_CLAIM, "decided_by": TEXT, "decision_note": TEXT, "decided_at": TIMESTAMP,
    }, ["claim_id", "customer_id", "claimant_id", "decided_by", "decided_at"]),
    example={**_CLAIM_EXAMPLE, "decided_by": "u-2001", "decision_note": "已有跟进",
             "decided_at": "2025-09-04T09:00:00Z"},
))

# Leads' read model of staff (for handovers) and the handover itself.
subscribe("leads", "record_staff_member", "crm.identity.user.created.v1")
subscribe("leads", "hand_over", "crm.identity.user.left.v1")

# ---- public pool (公海) and assignment --------------------------------------------------------

_POOL_RULE = {"enum": ["no_follow_up", "no_deal"]}
_HOLDER = {
    "owner_id": ID,
    "owner_department_id": NULLABLE_ID,
    "owner_region_id": NULLABLE_ID,
}

register(EventType(
    type="crm.leads.customer.pool_warning.v1",
    description="A held customer returns to the public pool at `due_at` unless its owner "
                "follows up (or closes a deal): sent `warning_days` before, once per customer "
                "per period of the rule.",
    subject="the customer id",
    schema=object_schema("CustomerPoolWarning", {
        "customer_id": ID, **_HOLDER, "rule": _POOL_RULE, "due_at": TIMESTAMP,
        "warned_at": TIMESTAMP,
    }, ["customer_id", "owner_id", "rule", "due_at", "warned_at"]),
    example={"customer_id": "c-42", "owner_id": "u-1001", "owner_department_id": "dep-3",
             "owner_region_id": "reg-1", "rule": "no_follow_up",
             "due_at": "2025-10-01T08:00:00Z", "warned_at": "2025-09-28T08:00:00Z"},
))

register(EventType(
    type="crm.leads.customer.returned_to_pool.v1",
    description="A held customer went back to the public pool by a rule (no follow-up for N "
                "days, or no deal within M days of the claim); the owner was cleared (an "
                "owner_changed event with reason `returned_to_pool` comes with it).",
    subject="the customer id",
    schema=object_schema("CustomerReturnedToPool", {
        "customer_id": ID, "previous_owner_id": ID, "pool_department_id": NULLABLE_ID,
        "pool_region_id": NULLABLE_ID, "rule": _POOL_RULE, "returned_at": TIMESTAMP,
    }, ["customer_id", "previous_owner_id", "rule", "returned_at"]),
    example={"customer_id": "c-42", "previous_owner_id": "u-1001",
             "pool_department_id": "dep-3", "pool_region_id": "reg-1", "rule": "no_deal",
             "returned_at": "2025-10-01T08:00:00Z"},
))

register(EventType(
    type="crm.leads.customer.claimed_from_pool.v1",
    description="Someone took a customer from the public pool; they own it until "
                "`protected_until` (an owner_changed event with reason `pool_claim` comes "
                "with it).",
    subject="the customer id",
    schema=object_schema("CustomerClaimedFromPool", {
        "customer_id": ID, **_HOLDER, "protected_until": TIMESTAMP, "claimed_at": TIMESTAMP,
    }, ["customer_id", "owner_id", "protected_until", "claimed_at"]),
    example={"customer_id": "c-42", "owner_id": "u-1002", "owner_department_id": "dep-3",
             "owner_region_id": "reg-1", "protected_until": "2025-11-01T08:00:00Z",
             "claimed_at": "2025-10-02T08:00:00Z"},
))

register(EventType(
    type="crm.leads.customer.assigned.v1",
    description="An unowned customer was assigned by an assignment rule (`strategy`: "
                "round_robin or least_load); an owner_changed event with reason `assignment` "
                "comes with it.",
    subject="the customer id",
    schema=object_schema("CustomerAssigned", {
        "customer_id": ID, **_HOLDER, "rule_id": ID,
        "strategy": {"enum": ["round_robin", "least_load"]}, "assigned_by": TEXT,
        "assigned_at": TIMESTAMP,
    }, ["customer_id", "owner_id", "rule_id", "strategy", "assigned_at"]),
    example={"customer_id": "c-42", "owner_id": "u-1003", "owner_department_id": "dep-3",
             "owner_region_id": "reg-1", "rule_id": "r-1", "strategy": "round_robin",
             "assigned_by": "u-admin", "assigned_at": "2025-10-02T08:00:00Z"},
))

# ---- follow-ups and follow-up plans ---------------------------------------------------------
# Ids, types and times only: no free text (a note may hold a phone number), no personal data.

_FOLLOW_UP_TYPE = {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}$"}
_PLAN = {
    "plan_id": ID,
    "customer_id": ID,
    "owner_id": NULLABLE_ID,
    "owner_department_id": NULLABLE_ID,
    "owner_region_id": NULLABLE_ID,
    "type": _FOLLOW_UP_TYPE,
    "due_at": TIMESTAMP,
}
_PLAN_EXAMPLE = {"plan_id": "p-7", "customer_id": "c-42", "owner_id": "u-1001",
                 "owner_department_id": "dep-3", "owner_region_id": "reg-1", "type": "call",
                 "due_at": "2025-09-05T02:00:00Z"}

register(EventType(
    type="crm.leads.follow_up.recorded.v1",
    description="A contact with a customer was recorded (a call, visit, message, email, "
                "pre-class talk, in-class record or a custom type); `plan_id` names the plan "
                "it completed, if any. The content is not carried.",
    subject="the customer id",
    schema=object_schema("FollowUpRecorded", {
        "follow_up_id": ID,
        "customer_id": ID,
        "type": _FOLLOW_UP_TYPE,
        "occurred_at": TIMESTAMP,
        "recorded_by": ID,
        "recorder_department_id": NULLABLE_ID,
        "recorder_region_id": NULLABLE_ID,
        "plan_id": NULLABLE_ID,
        "recorded_at": TIMESTAMP,
    }, ["follow_up_id", "customer_id", "type", "occurred_at", "recorded_by", "recorded_at"]),
    example={"follow_up_id": "f-9", "customer_id": "c-42", "type": "call",
             "occurred_at": "2025-09-05T02:10:00Z", "recorded_by": "u-1001",
             "recorder_department_id": "dep-3", "recorder_region_id": "reg-1",
             "plan_id": "p-7", "recorded_at": "2025-09-05T02:12:00Z"},
))

register(EventType(
    type="crm.leads.follow_up_plan.created.v1",
    description="A contact with a customer was planned for `owner_id` by `created_by`.",
    subject="the customer id",
    schema=object_schema("FollowUpPlanCreated", {
        **_PLAN, "created_by": ID, "created_at": TIMESTAMP,
    }, ["plan_id", "customer_id", "owner_id", "type", "due_at", "created_by", "created_at"]),
    example={**_PLAN_EXAMPLE, "created_by": "u-1001", "created_at": "2025-09-04T08:00:00Z"},
))

register(EventType(
    type="crm.leads.follow_up_plan.due.v1",
    description="A planned contact is due: emitted once per plan when its due time comes "
                "(notify reminds its owner).",
    subject="the customer id",
    schema=object_schema("FollowUpPlanDue", {**_PLAN, "noticed_at": TIMESTAMP},
                         ["plan_id", "customer_id", "owner_id", "type", "due_at",
                          "noticed_at"]),
    example={**_PLAN_EXAMPLE, "noticed_at": "2025-09-05T02:00:30Z"},
))

register(EventType(
    type="crm.leads.follow_up_plan.completed.v1",
    description="A plan was completed by recording its follow-up (`follow_up_id`).",
    subject="the customer id",
    schema=object_schema("FollowUpPlanCompleted", {
        **_PLAN, "follow_up_id": ID, "completed_by": ID, "completed_at": TIMESTAMP,
    }, ["plan_id", "customer_id", "owner_id", "follow_up_id", "completed_by", "completed_at"]),
    example={**_PLAN_EXAMPLE, "follow_up_id": "f-9", "completed_by": "u-1001",
             "completed_at": "2025-09-05T02:12:00Z"},
))

register(EventType(
    type="crm.leads.follow_up_plan.delegated.v1",
    description="A plan changed owner: delegated to a teammate, or handed over when its owner "
                "left (`reason`).",
    subject="the customer id",
    schema=object_schema("FollowUpPlanDelegated", {
        **_PLAN, "previous_owner_id": NULLABLE_ID,
        "reason": {"enum": ["delegate", "handover"]},
        "changed_by": TEXT, "changed_at": TIMESTAMP,
    }, ["plan_id", "customer_id", "owner_id", "previous_owner_id", "reason", "changed_at"]),
    example={**_PLAN_EXAMPLE, "previous_owner_id": "u-1002", "reason": "delegate",
             "changed_by": "u-1002", "changed_at": "2025-09-04T09:00:00Z"},
))

register(EventType(
    type="crm.leads.follow_up_plan.cancelled.v1",
    description="A plan was cancelled.",
    subject="the customer id",
    schema=object_schema("FollowUpPlanCancelled", {
        **_PLAN, "cancelled_by": ID, "cancelled_at": TIMESTAMP,
    }, ["plan_id", "customer_id", "cancelled_by", "cancelled_at"]),
    example={**_PLAN_EXAMPLE, "cancelled_by": "u-1001",
             "cancelled_at": "2025-09-04T10:00:00Z"},
))

register(EventType(
    type="crm.leads.follow_up_plan.merged.v1",
    description="Several open plans on one customer became one: `merged_plan_ids` are closed "
                "(status merged) and `plan_id` keeps who asked for each.",
    subject="the customer id",
    schema=object_schema("FollowUpPlanMerged", {
        **_PLAN, "merged_plan_ids": {"type": "array", "items": ID, "minItems": 1},
        "merged_by": ID, "merged_at": TIMESTAMP,
    }, ["plan_id", "customer_id", "merged_plan_ids", "merged_by", "merged_at"]),
    example={**_PLAN_EXAMPLE, "merged_plan_ids": ["p-8"], "merged_by": "u-2001",
             "merged_at": "2025-09-04T11:00:00Z"},
))
