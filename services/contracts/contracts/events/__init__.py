"""Every EduCRM event type with its JSON Schema, and every consumer's subscription.

One module per service: a type is declared in its producer's module, a subscription in its
consumer's module.
"""
from . import enrollment, finance, gateway, identity, scheduling  # noqa: F401  (declarations)
from .definitions import (
    EVENT_TYPES,
    SUBSCRIPTIONS,
    TYPE_PATTERN,
    EventType,
    Subscription,
    exchange_name,
    object_schema,
    producer_of,
    queue_name,
)

__all__ = ["EVENT_TYPES", "SUBSCRIPTIONS", "TYPE_PATTERN", "EventType", "Subscription",
           "exchange_name", "object_schema", "producer_of", "queue_name"]
