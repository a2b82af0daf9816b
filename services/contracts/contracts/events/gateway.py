"""Events produced by the gateway (it has no database: it publishes audit records durably).

Owner: the gateway engineer may refine the schema.
"""
from .definitions import ID, NULLABLE_ID, TEXT, TIMESTAMP, EventType, object_schema, register

register(EventType(
    type="crm.gateway.audit.recorded.v1",
    description="The gateway's audit records, allowed or denied: who, what, when, where, "
                "outcome. A read (or a write refused before anything was forwarded) has one "
                "record (`phase` `request` or absent). A write that is forwarded to a service "
                "has two, linked by `correlation_id` and `intent_id`: the `intent`, confirmed "
                "before anything is forwarded (`outcome` `pending`, `status_code` 0), and the "
                "`outcome` once the answer is known. Stored and served by identity.",
    subject="the audit record id",
    schema=object_schema("AuditRecorded", {
        "id": ID,
        "occurred_at": TIMESTAMP,
        "actor_user_id": NULLABLE_ID,
        "actor_username": {"type": ["string", "null"]},
        "action": TEXT,
        "method": {"type": "string", "maxLength": 16},
        "path": TEXT,
        "target_type": {"type": ["string", "null"]},
        "target_id": NULLABLE_ID,
        "outcome": {"enum": ["allowed", "denied", "failed", "pending"]},
        "status_code": {"type": "integer", "minimum": 0, "maximum": 599,
                        "description": "The HTTP status; 0 in an intent (no answer yet)."},
        "client_address": {"type": ["string", "null"]},
        "user_agent": {"type": ["string", "null"]},
        "correlation_id": {"type": ["string", "null"]},
        "detail": {"type": "object"},
        "source": TEXT,
        "phase": {"enum": ["request", "intent", "outcome"],
                  "description": "request: the only record of its request (absent in records "
                                 "older than this field); intent/outcome: the two records of "
                                 "a forwarded write."},
        "intent_id": {**NULLABLE_ID, "description": "In an outcome: the id of its intent."},
    }, ["id", "occurred_at", "actor_user_id", "action", "method", "path", "outcome",
        "status_code", "source"]),
    example={"id": "0192f3a4-7c1e-7000-8000-000000000001", "occurred_at": "2025-09-01T09:29:59Z",
             "actor_user_id": "u-1001", "actor_username": "zhang.wei", "action": "customer.read",
             "method": "GET", "path": "/v1/customers/c-42", "target_type": "customer",
             "target_id": "c-42", "outcome": "allowed", "status_code": 200,
             "client_address": "10.0.0.8", "user_agent": "Mozilla/5.0",
             "correlation_id": "c0ffee", "detail": {}, "source": "gateway"},
))
