"""EduCRM's event bus: envelope, catalogue, outbox, inbox, consumer, relay, topology.

What a service uses:

    from kit.events import add_event, claim_event, outbox_table, inbox_table   # api + worker
    from kit.events import event_consumer, OutboxRelay, nameko_config, run_worker  # worker

The nameko-dependent names load lazily so the (unpatched) gRPC api process that only writes
to the outbox never imports nameko.
"""
from __future__ import annotations

from typing import Any

from kit.events.catalogue import (
    REGISTRY,
    EventType,
    EventValidationError,
    UnknownEventType,
    register,
    subscribe,
)
from kit.events.envelope import (
    BATCH_CONTENT_TYPE,
    Envelope,
    EnvelopeError,
    batch_body,
    make_envelope,
    parse_envelope,
    parse_events,
)
from kit.events.inbox import claim_event, claim_events, inbox_table
from kit.events.outbox import add_event, outbox_table

_LAZY = {
    "event_consumer": "kit.events.consumer",
    "EventConsumer": "kit.events.consumer",
    "OutboxRelay": "kit.events.relay",
    "RelayLoop": "kit.events.relay",
    "nameko_config": "kit.events.worker",
    "run_worker": "kit.events.worker",
}

__all__ = [
    "BATCH_CONTENT_TYPE", "REGISTRY", "Envelope", "EnvelopeError", "EventType",
    "EventValidationError", "batch_body", "parse_events",
    "UnknownEventType", "add_event", "claim_event", "claim_events", "inbox_table", "make_envelope",
    "outbox_table", "parse_envelope", "register", "subscribe", *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kit.events' has no attribute {name!r}")
