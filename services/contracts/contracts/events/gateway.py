"""Events produced by the gateway (it has no database: it publishes audit records durably).

Owner: the gateway engineer may refine the schema.
"""
from .definitions import ID, NULLABLE_ID, TEXT, TIMESTAMP, EventType, object_schema, register

register(EventType(
    type="crm.gateway.audit.recorded.v1",
    description="One audit record per gateway request, allowed or denied: who, what, when, "
                "where, outcome. Stored and served by identity.",
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
        "outcome": {"enum": ["allowed", "denied", "failed"]},
        "status_code": {"type": "integer", "minimum": 100, "maximum": 599},
        "client_address": {"type": ["string", "null"]},
        "user_agent": {"type": ["string", "null"]},
        "correlation_id": {"type": ["string", "null"]},
        "detail": {"type": "object"},
        "source": TEXT,
    }, ["id", "occurred_at", "actor_user_id", "action", "method", "path", "outcome",
        "status_code", "source"]),
    example={"id": "0192f3a4-7c1e-7000-8000-000000000001", "occurred_at": "2025-09-01T09:29:59Z",
             "actor_user_id": "u-1001", "actor_username": "zhang.wei", "action": "customer.read",
             "method": "GET", "path": "/v1/customers/c-42", "target_type": "customer",
             "target_id": "c-42", "outcome": "allowed", "status_code": 200,
             "client_address": "10.0.0.8", "user_agent": "Mozilla/5.0",
             "correlation_id": "c0ffee", "detail": {}, "source": "gateway"},
))
