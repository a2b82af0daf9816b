"""What an event contract is: its type name, JSON Schema, example and consumers.

Plain data, no validation library: partners and every service read the same definitions, and
the kit (kit.events.catalogue) builds its validating registry from them. A producer's module
(identity.py, scheduling.py, ...) declares its types with `register` and each consumer's
subscriptions with `subscribe`; importing `contracts.events` loads them all.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# crm.<service>.<aggregate>.<past_verb>.v<N>
TYPE_PATTERN = re.compile(
    r"^crm\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.v([1-9][0-9]*)$")


def producer_of(event_type: str) -> str:
    """The service part of an event type: crm.identity.user.frozen.v1 -> identity."""
    match = TYPE_PATTERN.match(event_type)
    if not match:
        raise ValueError(
            f"event type {event_type!r} is not crm.<service>.<aggregate>.<verb>.v<N>")
    return match.group(1)


def exchange_name(service: str) -> str:
    """nameko's own naming for a service's events exchange (topic, durable)."""
    return f"{service}.events"


def queue_name(service: str, handler: str) -> str:
    return f"{service}.{handler}"


@dataclasses.dataclass(frozen=True)
class Subscription:
    """A consumer: one handler of one service, fed by its own queue `<service>.<handler>`."""

    service: str
    handler: str
    event_type: str

    @property
    def queue(self) -> str:
        return queue_name(self.service, self.handler)


@dataclasses.dataclass(frozen=True)
class EventType:
    type: str
    description: str
    schema: Mapping[str, Any]
    example: Mapping[str, Any]
    subject: str = ""  # what the CloudEvents `subject` holds, e.g. "the user id"

    @property
    def producer(self) -> str:
        return producer_of(self.type)

    @property
    def exchange(self) -> str:
        return exchange_name(self.producer)

    @property
    def routing_key(self) -> str:
        return self.type


# Everything declared by the modules of this package, in declaration order.
EVENT_TYPES: list[EventType] = []
SUBSCRIPTIONS: list[Subscription] = []


def register(event: EventType) -> EventType:
    producer_of(event.type)  # format check
    EVENT_TYPES.append(event)
    return event


def subscribe(service: str, handler: str, *event_types: str) -> list[Subscription]:
    added = [Subscription(service, handler, event_type) for event_type in event_types]
    SUBSCRIPTIONS.extend(added)
    return added


def object_schema(title: str, properties: Mapping[str, Any], required: Iterable[str],
                  description: str = "") -> dict[str, Any]:
    """A data schema; extra properties are allowed so optional fields can be added within a
    version without breaking older consumers."""
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": title,
        "type": "object",
        "properties": dict(properties),
        "required": list(required),
        "additionalProperties": True,
    }
    if description:
        schema["description"] = description
    return schema


# Reusable property schemas.
UUID = {"type": "string", "format": "uuid"}
ID = {"type": "string", "minLength": 1, "maxLength": 64}
TIMESTAMP = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
TEXT = {"type": "string"}
NULLABLE_ID = {"type": ["string", "null"], "maxLength": 64}
