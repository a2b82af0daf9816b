"""The validating registry of event types: the contracts' definitions plus a JSON Schema
validator per type, and the lookups the bus tooling needs (queues, producers)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema
import jsonschema_rs
from contracts.events.definitions import EventType, Subscription
from jsonschema import Draft202012Validator

from kit.events.envelope import Envelope, EnvelopeError, producer_of


class UnknownEventType(LookupError):
    pass


# jsonschema's messages quote the offending value ("'13812345678' is not of type 'integer'"),
# which may be personal data bound for a log line: say which rule failed, never the value.
# These keywords' messages name properties of the schema or the event, not values.
_NAME_ONLY_KEYWORDS = frozenset({"required", "additionalProperties", "dependentRequired"})
_MAX_RULE_CHARS = 120


def _describe(error: jsonschema.ValidationError) -> str:
    if error.validator in _NAME_ONLY_KEYWORDS:
        return error.message
    rule = repr(error.validator_value)
    if len(rule) > _MAX_RULE_CHARS:
        rule = rule[:_MAX_RULE_CHARS] + "…"
    return f"value does not satisfy {error.validator}: {rule}"


class EventValidationError(ValueError):
    """Event data that does not match its registered schema."""


class Registry:
    def __init__(self) -> None:
        self._types: dict[str, EventType] = {}
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, jsonschema_rs.Draft202012Validator] = {}
        self._subscriptions: list[Subscription] = []

    # -- registration -------------------------------------------------------------------
    def register(self, event: EventType) -> EventType:
        producer_of(event.type)  # format check
        if event.type in self._types and self._types[event.type] != event:
            raise ValueError(f"event type {event.type} registered twice with different content")
        Draft202012Validator.check_schema(event.schema)
        self._types[event.type] = event
        self._validators[event.type] = Draft202012Validator(
            event.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        # The compiled Rust validator answers "valid?" ~80x faster than jsonschema (measured
        # 5 us vs 400 us per gateway audit record); jsonschema stays the judge of anything the
        # fast one refuses, so the verdict and the (masked) messages are jsonschema's.
        self._fast[event.type] = jsonschema_rs.Draft202012Validator(
            event.schema, validate_formats=True)
        return event

    def subscribe(self, service: str, handler: str, *event_types: str) -> list[Subscription]:
        added = []
        for event_type in event_types:
            subscription = Subscription(service, handler, event_type)
            if subscription not in self._subscriptions:
                self._subscriptions.append(subscription)
            added.append(subscription)
        return added

    # -- lookup -------------------------------------------------------------------------
    def get(self, event_type: str) -> EventType:
        try:
            return self._types[event_type]
        except KeyError:
            raise UnknownEventType(
                f"event type {event_type!r} is not in the catalogue (contracts/events/)"
            ) from None

    def event_types(self) -> list[EventType]:
        return sorted(self._types.values(), key=lambda e: e.type)

    def subscriptions(self, *, service: str | None = None,
                      event_type: str | None = None) -> list[Subscription]:
        return [s for s in self._subscriptions
                if (service is None or s.service == service)
                and (event_type is None or s.event_type == event_type)]

    def queues(self) -> dict[str, list[Subscription]]:
        """Every consumer queue with the subscriptions bound to it."""
        result: dict[str, list[Subscription]] = {}
        for s in self._subscriptions:
            result.setdefault(s.queue, []).append(s)
        return result

    def producers(self) -> list[str]:
        return sorted({e.producer for e in self._types.values()})

    # -- validation ---------------------------------------------------------------------
    def validate_data(self, event_type: str, data: Mapping[str, Any]) -> None:
        validator = self._validators.get(event_type)
        if validator is None:
            raise UnknownEventType(f"event type {event_type!r} is not in the catalogue")
        try:
            if self._fast[event_type].is_valid(data):
                return
        except (ValueError, TypeError):  # a Python value JSON has no type for: ask jsonschema
            pass
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            detail = "; ".join(
                f"{'/'.join(map(str, e.absolute_path)) or '<data>'}: {_describe(e)}"
                for e in errors)
            raise EventValidationError(f"{event_type}: {detail}")

    def validate_envelope(self, envelope: Envelope) -> None:
        """Consumer-side check: the envelope's data matches the registered schema."""
        try:
            self.validate_data(envelope.type, envelope.data)
        except (UnknownEventType, EventValidationError) as exc:
            raise EnvelopeError(str(exc)) from None

    def problems(self) -> list[str]:
        """Contract check of the catalogue itself (used by tests and `educrm-bus check`)."""
        found = []
        for event in self._types.values():
            try:
                Draft202012Validator.check_schema(event.schema)
            except jsonschema.SchemaError as exc:
                found.append(f"{event.type}: invalid schema: {exc.message}")
                continue
            try:
                self.validate_data(event.type, event.example)
            except EventValidationError as exc:
                found.append(f"example does not validate: {exc}")
            if not event.description:
                found.append(f"{event.type}: no description")
        for s in self._subscriptions:
            if s.event_type not in self._types:
                found.append(f"{s.service}.{s.handler} consumes unregistered {s.event_type}")
        return found


def load_contracts(registry: Registry) -> Registry:
    """Register every event type and subscription the contracts package declares."""
    from contracts import events

    for event in events.EVENT_TYPES:
        registry.register(event)
    for subscription in events.SUBSCRIPTIONS:
        registry.subscribe(subscription.service, subscription.handler, subscription.event_type)
    return registry


REGISTRY = load_contracts(Registry())
register = REGISTRY.register
subscribe = REGISTRY.subscribe
