import json
import uuid

import pytest
from kit.caller import correlation_id
from kit.events.envelope import EnvelopeError, make_envelope, parse_envelope, producer_of


def test_make_envelope_is_structured_cloudevent_with_correlation_id():
    token = correlation_id.set("corr-1")
    try:
        envelope = make_envelope("crm.identity.user.left.v1", "u-1",
                                 {"user_id": "u-1", "successor_user_id": None,
                                  "left_at": "2025-01-01T00:00:00Z"})
    finally:
        correlation_id.reset(token)
    document = json.loads(envelope.to_json())
    assert document["specversion"] == "1.0"
    uuid.UUID(document["id"])
    assert document["source"] == "/educrm/identity"
    assert document["subject"] == "u-1"
    assert document["datacontenttype"] == "application/json"
    assert document["correlationid"] == "corr-1"
    assert document["time"].endswith("Z")
    assert "traceparent" not in document  # optional attributes are omitted, not null
    assert parse_envelope(envelope.to_json()) == envelope


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"specversion":"1.0"}',
    json.dumps({"specversion": "0.3", "id": "1", "type": "crm.a.b.c.v1", "source": "/x",
                "time": "t", "datacontenttype": "application/json", "data": {}}),
    json.dumps({"specversion": "1.0", "id": "1", "type": "nonsense", "source": "/x",
                "time": "t", "datacontenttype": "application/json", "data": {}}),
])
def test_parse_rejects_malformed(body):
    with pytest.raises(EnvelopeError):
        parse_envelope(body)


@pytest.mark.parametrize("event_type, service", [
    ("crm.scheduling.session.reminder_due.v1", "scheduling"),
    ("crm.gateway.audit.recorded.v12", "gateway"),
])
def test_type_format(event_type, service):
    assert producer_of(event_type) == service


@pytest.mark.parametrize("bad", ["crm.identity.user.frozen", "crm.identity.user.frozen.v0",
                                 "crm.Identity.user.frozen.v1", "identity.user.frozen.v1"])
def test_type_format_rejected(bad):
    with pytest.raises(EnvelopeError):
        producer_of(bad)


def test_batch_body_round_trips_each_event():
    from kit.events.envelope import batch_body, parse_events

    events = [make_envelope("crm.identity.user.frozen.v1", f"u-{i}", {"i": i},
                            correlation_id="c") for i in range(3)]
    parsed = parse_events(batch_body(events))
    assert [e.id for e in parsed] == [e.id for e in events]
    assert parse_events(events[0].to_json())[0] == events[0]  # a single event is a list of one
    for bad in (b"[]", b"[1]", b'[{"specversion": "1.0"}]',
                batch_body([events[0], events[0]])):
        with pytest.raises(EnvelopeError):
            parse_events(bad)
