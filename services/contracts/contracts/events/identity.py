"""Events produced by identity, and identity's own subscriptions.

Owner: the identity engineer may refine these schemas (add optional fields freely; a breaking
change is a new `.v2` type registered next to the old one).
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

register(EventType(
    type="crm.identity.user.created.v1",
    description="A user account was created.",
    subject="the user id",
    schema=object_schema("UserCreated", {
        "user_id": ID,
        "username": TEXT,
        "display_name": TEXT,
        "roles": {"type": "array", "items": TEXT},
        "org_unit_id": NULLABLE_ID,
        "department_id": NULLABLE_ID,
        "region_id": NULLABLE_ID,
        "created_at": TIMESTAMP,
    }, ["user_id", "username", "roles", "created_at"]),
    example={"user_id": "u-1001", "username": "zhang.wei", "display_name": "张伟",
             "roles": ["sales"], "org_unit_id": "ou-7", "department_id": "dep-3",
             "region_id": "reg-1", "created_at": "2025-09-01T08:00:00Z"},
))

register(EventType(
    type="crm.identity.user.frozen.v1",
    description="A user was frozen: all their tokens stop working. `automatic` is true when "
                "the gateway's rate-limit-then-freeze rule froze them.",
    subject="the user id",
    schema=object_schema("UserFrozen", {
        "user_id": ID,
        "username": TEXT,
        "reason": TEXT,
        "automatic": {"type": "boolean"},
        "frozen_by": NULLABLE_ID,
        "frozen_at": TIMESTAMP,
    }, ["user_id", "username", "reason", "automatic", "frozen_by", "frozen_at"]),
    example={"user_id": "u-1001", "username": "zhang.wei", "reason": "rate_limit.customer_reads",
             "automatic": True, "frozen_by": None, "frozen_at": "2025-09-01T09:30:00Z"},
))

register(EventType(
    type="crm.identity.user.freeze_withheld.v1",
    description="The gateway's read limit would have frozen a user automatically, but "
                "identity withheld the freeze because nobody active would be left able to "
                "unfreeze (the alert of an over-limit read that froze nobody).",
    subject="the user id",
    schema=object_schema("UserFreezeWithheld", {
        "user_id": ID,
        "username": TEXT,
        "reason": TEXT,
        "withheld_because": TEXT,
        "at": TIMESTAMP,
    }, ["user_id", "username", "reason", "withheld_because", "at"]),
    example={"user_id": "u-1", "username": "admin",
             "reason": "rate_limit.personal_data_reads: more than 1000 staff records in 60 s",
             "withheld_because": "no_other_active_unfreezer", "at": "2025-09-01T09:30:00Z"},
))

register(EventType(
    type="crm.identity.user.unfrozen.v1",
    description="An administrator (or an operator, `educrm-admin unfreeze`: `unfrozen_by` is "
                "then `operator:<os user>@<host>`) unfroze a user.",
    subject="the user id",
    schema=object_schema("UserUnfrozen", {
        "user_id": ID,
        "username": TEXT,
        "unfrozen_by": ID,
        "unfrozen_at": TIMESTAMP,
        "note": TEXT,
    }, ["user_id", "username", "unfrozen_by", "unfrozen_at"]),
    example={"user_id": "u-1001", "username": "zhang.wei", "unfrozen_by": "u-1",
             "unfrozen_at": "2025-09-01T10:00:00Z"},
))

register(EventType(
    type="crm.identity.user.left.v1",
    description="A user left the company; their customers and work are handed over to the "
                "successor (the handover trigger for leads and others).",
    subject="the user id",
    schema=object_schema("UserLeft", {
        "user_id": ID,
        "successor_user_id": NULLABLE_ID,
        "left_at": TIMESTAMP,
    }, ["user_id", "successor_user_id", "left_at"]),
    example={"user_id": "u-1001", "successor_user_id": "u-1002",
             "left_at": "2025-10-01T00:00:00Z"},
))

register(EventType(
    type="crm.identity.session.revoked.v1",
    description="A login session (refresh-token family) was revoked: logout, refresh-token "
                "reuse, or the user being frozen or leaving. Every access token carrying this "
                "session id (`sid`) must be refused from now on; after `expires_at` none of "
                "them verifies anyway, so deny lists may forget the session then.",
    subject="the session id",
    schema=object_schema("SessionRevoked", {
        "user_id": ID,
        "session_id": ID,
        "reason": {"type": "string", "minLength": 1, "maxLength": 64},
        "revoked_at": TIMESTAMP,
        "expires_at": TIMESTAMP,
    }, ["user_id", "session_id", "reason"]),
    example={"user_id": "u-1001", "session_id": "5c1d0e9a-0b7e-4f43-9d2a-1f7c3a9e8b21",
             "reason": "logout", "revoked_at": "2025-09-01T09:30:00Z",
             "expires_at": "2025-09-01T09:45:00Z"},
))

# identity's worker stores the gateway's audit records.
subscribe("identity", "record_audit_event", "crm.gateway.audit.recorded.v1")
