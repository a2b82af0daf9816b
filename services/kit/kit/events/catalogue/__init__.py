"""The event catalogue: every EduCRM event type, its JSON Schema, producer and consumers.

One registry (`REGISTRY`), organised per producing service: add a type in the producer's
module, a subscription in the consumer's module. Importing this package loads them all.
"""
from . import enrollment, gateway, identity, scheduling  # noqa: F401,E402  (registration)
from ._registry import (
    REGISTRY,
    EventType,
    EventValidationError,
    Registry,
    Subscription,
    UnknownEventType,
    exchange_name,
    object_schema,
    queue_name,
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
