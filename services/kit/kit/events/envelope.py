"""The CloudEvents 1.0 envelope every EduCRM event travels in (structured JSON mode).

One JSON object carries the context attributes and the payload (`data`), so partners can read
an event with any CloudEvents SDK and nothing hides in AMQP headers. EduCRM adds two extension
attributes: `correlationid` (the work the event came from) and, when known, `traceparent`.

Batched content mode (`application/cloudevents-batch+json`): one AMQP message whose body is a
JSON array of structured events, each with its own id and type. A producer that must confirm
many events at once (the gateway's audit records, group-committed) uses it; kit's consumer
accepts both forms (`parse_events`) and applies each event of a batch through the inbox.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from contracts.events.definitions import producer_of as contract_producer_of

from kit.caller import correlation_id as correlation_id_var

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
DATA_CONTENT_TYPE = "application/json"

# crm.<service>.<aggregate>.<past_verb>.v<N>; aggregate and verb may contain '_' (reminder_due).

_REQUIRED = ("specversion", "id", "type", "source", "time", "datacontenttype", "data")


class EnvelopeError(ValueError):
    """A message body that is not a valid EduCRM CloudEvent (never retried: dead-lettered)."""


def producer_of(event_type: str) -> str:
    """The service part of an event type: crm.identity.user.frozen.v1 -> identity."""
    try:
        return contract_producer_of(event_type)
    except ValueError as error:
        raise EnvelopeError(str(error)) from None


def source_of(service: str) -> str:
    return f"/educrm/{service}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclasses.dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    source: str
    time: str
    subject: str | None
    data: dict[str, Any]
    correlationid: str | None = None
    traceparent: str | None = None
    specversion: str = SPECVERSION
    datacontenttype: str = DATA_CONTENT_TYPE

    def to_dict(self) -> dict[str, Any]:
        document = {
            "specversion": self.specversion,
            "id": self.id,
            "type": self.type,
            "source": self.source,
            "time": self.time,
            "datacontenttype": self.datacontenttype,
            "data": self.data,
        }
        # CloudEvents: optional attributes are omitted rather than null.
        for key in ("subject", "correlationid", "traceparent"):
            value = getattr(self, key)
            if value is not None:
                document[key] = value
        return document

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def make_envelope(event_type: str, subject: str | None, data: Mapping[str, Any], *,
                  event_id: str | None = None, time: str | None = None,
                  correlation_id: str | None = None, traceparent: str | None = None) -> Envelope:
    """A new envelope; the correlation id defaults to the work in hand (kit.caller)."""
    service = producer_of(event_type)
    return Envelope(
        id=event_id or str(uuid.uuid4()),
        type=event_type,
        source=source_of(service),
        time=time or _now(),
        subject=subject,
        data=dict(data),
        correlationid=correlation_id if correlation_id is not None else correlation_id_var.get(),
        traceparent=traceparent,
    )


def _loads(body: bytes | bytearray | str) -> Any:
    """JSON from a message body: orjson (several times faster on a consumer's hot path), and
    the standard library for what orjson refuses but JSON allows (integers beyond 64 bits),
    so the verdict and the error message stay the standard library's."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


def parse_envelope(body: bytes | str | Mapping[str, Any]) -> Envelope:
    """Parse a structured-mode CloudEvent; raise EnvelopeError on anything malformed."""
    try:
        document = _loads(body) if isinstance(body, (bytes, bytearray, str)) else dict(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EnvelopeError(f"body is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise EnvelopeError("body is not a JSON object")
    missing = [k for k in _REQUIRED if k not in document]
    if missing:
        raise EnvelopeError(f"missing CloudEvents attributes: {', '.join(missing)}")
    if document["specversion"] != SPECVERSION:
        raise EnvelopeError(f"unsupported specversion {document['specversion']!r}")
    if not isinstance(document["data"], dict):
        raise EnvelopeError("data must be a JSON object")
    for key in ("id", "type", "source", "time"):
        if not isinstance(document[key], str) or not document[key]:
            raise EnvelopeError(f"{key} must be a non-empty string")
    producer_of(document["type"])
    return Envelope(
        id=document["id"], type=document["type"], source=document["source"],
        time=document["time"], subject=document.get("subject"), data=document["data"],
        correlationid=document.get("correlationid"), traceparent=document.get("traceparent"),
        specversion=document["specversion"], datacontenttype=document["datacontenttype"],
    )


def batch_body(events: Iterable[Envelope | bytes]) -> bytes:
    """One batched-mode body (a JSON array) from envelopes or their structured JSON bytes."""
    parts = [e if isinstance(e, (bytes, bytearray)) else e.to_json().encode() for e in events]
    if not parts:
        raise EnvelopeError("a batch holds at least one event")
    return b"[" + b",".join(parts) + b"]"


def parse_events(body: bytes | str | Mapping[str, Any] | list[Any]) -> list[Envelope]:
    """The events of a message body: one structured event, or a batch (a JSON array of
    structured events). Raise EnvelopeError if the body or any event in it is malformed."""
    if isinstance(body, (bytes, bytearray, str)):
        try:
            document = _loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EnvelopeError(f"body is not JSON: {exc}") from None
    else:
        document = body
    if isinstance(document, list):
        if not document:
            raise EnvelopeError("empty batch")
        events = []
        for index, item in enumerate(document):
            if not isinstance(item, dict):
                raise EnvelopeError(f"batch item {index} is not a JSON object")
            try:
                events.append(parse_envelope(item))
            except EnvelopeError as exc:
                raise EnvelopeError(f"batch item {index}: {exc}") from None
        ids = [e.id for e in events]
        if len(set(ids)) != len(ids):
            raise EnvelopeError("duplicate event ids in a batch")
        return events
    return [parse_envelope(document)]
