"""Contract tests of the catalogue itself."""
import pytest
import yaml
from kit.events import catalogue
from kit.events.asyncapi import build_document
from kit.events.catalogue import REGISTRY, EventValidationError, UnknownEventType

REQUIRED_TYPES = {
    "crm.identity.user.created.v1", "crm.identity.user.frozen.v1",
    "crm.identity.user.unfrozen.v1", "crm.identity.user.left.v1",
    "crm.gateway.audit.recorded.v1",
    "crm.scheduling.session.scheduled.v1", "crm.scheduling.session.changed.v1",
    "crm.scheduling.session.reminder_due.v1", "crm.scheduling.timetable.published.v1",
    "crm.scheduling.placement.made.v1", "crm.scheduling.placement.failed.v1",
    "crm.enrollment.enrollment.confirmed.v1",
}


def test_catalogue_has_no_problems():
    # Every schema is valid JSON Schema, every example validates, every consumer references
    # a registered type.
    assert REGISTRY.problems() == []


def test_required_types_registered():
    assert REQUIRED_TYPES <= {e.type for e in REGISTRY.event_types()}


@pytest.mark.parametrize("event", REGISTRY.event_types(), ids=lambda e: e.type)
def test_each_type(event):
    assert event.exchange == f"{event.producer}.events"
    assert event.routing_key == event.type
    REGISTRY.validate_data(event.type, event.example)
    for field in event.schema.get("required", []):
        broken = {k: v for k, v in event.example.items() if k != field}
        with pytest.raises(EventValidationError):
            REGISTRY.validate_data(event.type, broken)


def test_frozen_schema_fields():
    frozen = catalogue.get("crm.identity.user.frozen.v1").schema
    assert set(frozen["required"]) == {"user_id", "username", "reason", "automatic",
                                       "frozen_by", "frozen_at"}
    with pytest.raises(EventValidationError, match="automatic"):
        REGISTRY.validate_data("crm.identity.user.frozen.v1", {
            "user_id": "u", "username": "n", "reason": "r", "automatic": "yes",
            "frozen_by": None, "frozen_at": "2025-01-01T00:00:00Z"})


def test_audit_outcome_enum():
    example = dict(catalogue.get("crm.gateway.audit.recorded.v1").example)
    example["outcome"] = "maybe"
    with pytest.raises(EventValidationError):
        REGISTRY.validate_data("crm.gateway.audit.recorded.v1", example)


def test_declared_consumers():
    queues = REGISTRY.queues()
    assert [s.event_type for s in queues["identity.record_audit_event"]] == [
        "crm.gateway.audit.recorded.v1"]
    assert [s.event_type for s in queues["scheduling.place_student"]] == [
        "crm.enrollment.enrollment.confirmed.v1"]


def test_unknown_type():
    with pytest.raises(UnknownEventType):
        REGISTRY.validate_data("crm.nobody.thing.happened.v1", {})


def test_asyncapi_document():
    document = build_document(REGISTRY)
    assert document["asyncapi"].startswith("3.")
    # Every type has a channel, a message with the envelope + data schema, and a send op.
    for event in REGISTRY.event_types():
        key = event.type.replace(".", "_")
        channel = document["channels"][key]
        assert channel["address"] == event.type
        assert channel["bindings"]["amqp"]["exchange"]["name"] == event.exchange
        message = document["components"]["messages"][key]
        assert message["payload"]["properties"]["data"] == {"$ref": f"#/components/schemas/{key}"}
        assert document["operations"][f"publish_{key}"]["action"] == "send"
    assert document["operations"]["identity_record_audit_event"]["action"] == "receive"
    yaml.safe_load(yaml.safe_dump(document, allow_unicode=True))  # serialisable


def test_fast_validator_never_changes_the_verdict():
    """The compiled fast validator only answers "valid"; whatever it refuses is judged by
    jsonschema, so its stricter formats never refuse an event jsonschema accepts."""
    registry = catalogue.Registry()
    registry.register(catalogue.EventType(
        type="crm.kitfast.thing.done.v1", description="Test-only.",
        schema=catalogue.object_schema("ThingDone", {
            "id": {"type": "string", "format": "uuid"},
            "at": {"type": "string", "format": "date-time"}}, ["id", "at"]),
        example={"id": "0f121a25-9cf3-40a8-9fcc-8871f52a275f", "at": "2026-11-29T19:31:21Z"}))
    good_id = "0f121a25-9cf3-40a8-9fcc-8871f52a275f"
    registry.validate_data("crm.kitfast.thing.done.v1", {"id": good_id, "at": "2026-11-29T19:31Z"})
    # the Rust validator refuses a space-separated time, jsonschema (the judge) accepts it
    registry.validate_data("crm.kitfast.thing.done.v1", {"id": good_id, "at": "2026-11-29 19:31"})
    with pytest.raises(EventValidationError) as refused:
        registry.validate_data("crm.kitfast.thing.done.v1", {"id": "13812345678", "at": "x"})
    assert "13812345678" not in str(refused.value)  # the value is never quoted
    assert "id: value does not satisfy format: 'uuid'" in str(refused.value)
