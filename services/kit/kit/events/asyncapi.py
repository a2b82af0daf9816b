"""An AsyncAPI 3.0 document generated from the catalogue (`educrm-bus asyncapi`).

Partners read it to bind their own queues to our exchanges; it is generated, never edited.
"""
from __future__ import annotations

import copy
from typing import Any

from kit.events.catalogue import Registry
from kit.events.envelope import BATCH_CONTENT_TYPE, CONTENT_TYPE


def _key(event_type: str) -> str:
    return event_type.replace(".", "_")


ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0, structured JSON mode.",
    "required": ["specversion", "id", "type", "source", "time", "datacontenttype", "data"],
    "properties": {
        "specversion": {"const": "1.0"},
        "id": {"type": "string", "format": "uuid", "description": "Unique per event; the "
               "consumer's idempotency key."},
        "type": {"type": "string"},
        "source": {"type": "string", "description": "/educrm/<service>"},
        "time": {"type": "string", "format": "date-time"},
        "subject": {"type": "string"},
        "datacontenttype": {"const": "application/json"},
        "correlationid": {"type": "string", "description": "Extension: the request or "
                          "event this event came from."},
        "traceparent": {"type": "string", "description": "Extension: W3C trace context."},
    },
}


# Channels whose producer may group several events into one message (CloudEvents batched
# content mode); kit's consumer accepts both forms on every queue.
BATCHED_TYPES = frozenset({"crm.gateway.audit.recorded.v1"})


def _batch_message(key: str, event_type: str, single: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": f"{event_type} (batch)",
        "title": f"Batch of {event_type}",
        "summary": "CloudEvents batched content mode: a JSON array of structured events, each "
                   "with its own id (apply each once, by id) and this type. The producer "
                   "group-commits concurrent events into one persistent, confirmed message.",
        "contentType": BATCH_CONTENT_TYPE,
        "payload": {"type": "array", "minItems": 1,
                    "items": {"$ref": f"#/components/messages/{key}/payload"}},
        "bindings": single["bindings"],
    }


def build_document(registry: Registry, version: str = "1.0.0") -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for event in registry.event_types():
        key = _key(event.type)
        schema = copy.deepcopy(dict(event.schema))
        schema.pop("$schema", None)  # AsyncAPI schema objects are JSON Schema draft 07 based
        schemas[key] = schema
        payload = copy.deepcopy(ENVELOPE_SCHEMA)
        payload["properties"]["type"] = {"const": event.type}
        payload["properties"]["data"] = {"$ref": f"#/components/schemas/{key}"}
        messages[key] = {
            "name": event.type,
            "title": schema.get("title", event.type),
            "summary": event.description,
            "contentType": CONTENT_TYPE,
            "payload": payload,
            "examples": [{"name": "example", "payload": {
                "specversion": "1.0", "id": "00000000-0000-4000-8000-000000000000",
                "type": event.type, "source": f"/educrm/{event.producer}",
                "time": "2025-09-01T00:00:00Z", "datacontenttype": "application/json",
                "subject": event.subject or "", "data": dict(event.example)}}],
            "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": "0.3.0"}},
        }
        channel_messages = {key: {"$ref": f"#/components/messages/{key}"}}
        description = (f"Routing key `{event.type}` on exchange `{event.exchange}`. "
                       f"Subject: {event.subject or '-'}.")
        if event.type in BATCHED_TYPES:
            messages[f"{key}_batch"] = _batch_message(key, event.type, messages[key])
            channel_messages[f"{key}_batch"] = {"$ref": f"#/components/messages/{key}_batch"}
            description += (" May carry batches (`application/cloudevents-batch+json`, a JSON "
                            "array of these events) as well as single events.")
        channels[key] = {
            "address": event.type,
            "description": description,
            "messages": channel_messages,
            "bindings": {"amqp": {
                "is": "routingKey",
                "exchange": {"name": event.exchange, "type": "topic", "durable": True,
                             "autoDelete": False, "vhost": "/"},
                "bindingVersion": "0.3.0",
            }},
        }
        operations[f"publish_{key}"] = {
            "action": "send",
            "summary": f"{event.producer} publishes (transactional outbox, publisher confirms).",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{m}"} for m in channel_messages],
        }
    for queue, subscriptions in sorted(registry.queues().items()):
        for subscription in subscriptions:
            key = _key(subscription.event_type)
            if key not in channels:
                continue
            operations[_key(queue) if len(subscriptions) == 1 else f"{_key(queue)}__{key}"] = {
                "action": "receive",
                "summary": f"{subscription.service}.{subscription.handler} consumes from quorum "
                           f"queue `{queue}` (dead letters: `{queue}.dlq`).",
                "channel": {"$ref": f"#/channels/{key}"},
                "messages": [{"$ref": f"#/channels/{key}/messages/{m}"}
                             for m in channels[key]["messages"]],
                "bindings": {"amqp": {"ack": True, "bindingVersion": "0.3.0"}},
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "EduCRM event bus",
            "version": version,
            "description": "Every event EduCRM publishes. Exchanges `<service>.events` (topic, "
                           "durable), routing key = event type. Bind your own queue to "
                           "consume. Generated by `educrm-bus asyncapi` from "
                           "services/contracts/contracts/events/.",
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {"local": {"host": "127.0.0.1:5672", "protocol": "amqp",
                              "protocolVersion": "0-9-1"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
