"""The event catalogue: every EduCRM event type, its JSON Schema, producer and consumers.

The types and subscriptions are declared in the contracts package (contracts/events/, one
module per producing service); `REGISTRY` holds them with their validators. `register` and
`subscribe` add more at run time (test fixtures declare their own demo events).
"""
from contracts.events.definitions import (
    EventType,
    Subscription,
    exchange_name,
    object_schema,
    queue_name,
)

from ._registry import (
    REGISTRY,
    EventValidationError,
    Registry,
    UnknownEventType,
    register,
    subscribe,
)

get = REGISTRY.get
validate_data = REGISTRY.validate_data
validate_envelope = REGISTRY.validate_envelope

__all__ = [
    "REGISTRY", "EventType", "EventValidationError", "Registry", "Subscription",
    "UnknownEventType", "exchange_name", "object_schema", "queue_name", "register",
    "subscribe", "get", "validate_data", "validate_envelope",
]
