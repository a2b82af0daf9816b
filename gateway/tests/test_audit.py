"""One confirmed audit record per request, allowed or denied; no record, no response."""
from __future__ import annotations

import pytest
from fakes import assert_problem, wait_until
from gateway.audit import AuditPublisher
from kit.events import catalogue
from kit.events.envelope import parse_envelope

pytestmark = pytest.mark.anyio


async def test_every_request_has_one_valid_record(gw):
    # (method, path, headers, body, status, outcome, phase of the last record)
    cases = [
        ("GET", "/v1/me", gw.auth("u-alice"), None, 200, "allowed", "request"),
        ("GET", "/v1/users/u-bob", gw.auth("u-manager1"), None, 200, "allowed", "request"),
        ("GET", "/v1/users", {"Authorization": "Bearer nope"}, None, 401, "denied", "request"),
        ("GET", "/v1/audit-events", gw.auth("u-alice"), None, 403, "denied", "request"),
        # A write forwarded to identity: an intent first, then its outcome.
        ("POST", "/v1/auth/login", {}, {"username": "alice", "password": "bad"}, 401, "denied",
         "outcome"),
        ("GET", "/v1/nowhere", {}, None, 404, "denied", "request"),
        # Refused before anything was forwarded: one record.
        ("POST", "/v1/users", gw.auth("u-admin"), {"username": 1}, 422, "denied", "request"),
    ]
    for i, (method, path, headers, body, status, outcome, phase) in enumerate(cases):
        cid = f"audit-case-{i}"
        response = await gw.client.request(method, path, json=body,
                                           headers={**headers, "X-Correlation-Id": cid,
                                                    "User-Agent": "pytest-agent"})
        assert response.status_code == status, (path, response.text)
        expected = 2 if phase == "outcome" else 1
        await wait_until(lambda cid=cid, n=expected: len(gw.audit.by_correlation(cid)) == n)
        records = gw.audit.by_correlation(cid)
        record = records[-1]
        assert record["phase"] == phase
        if phase == "outcome":
            intent = records[0]
            assert (intent["phase"], intent["outcome"], intent["status_code"]) == (
                "intent", "pending", 0)
            assert record["intent_id"] == intent["id"]
            assert intent["correlation_id"] == record["correlation_id"]
        assert (record["method"], record["path"], record["status_code"], record["outcome"]) == (
            method, path, status, outcome)
        assert record["client_address"] == "203.0.113.7"
        assert record["user_agent"] == "pytest-agent"
        assert record["source"] == "gateway"
    records = {r["correlation_id"]: r for r in gw.audit.records if r["phase"] != "intent"}
    assert records["audit-case-0"]["actor_user_id"] == "u-alice"
    assert records["audit-case-0"]["action"] == "me.get"
    assert records["audit-case-1"]["target_type"] == "user"
    assert records["audit-case-1"]["target_id"] == "u-bob"
    assert records["audit-case-4"]["actor_username"] == "al***"  # a failed login: masked
    assert "bad" not in str(records["audit-case-4"])  # never the password
    # Envelopes are valid CloudEvents against the shared catalogue.
    for event in gw.audit.events:
        envelope = parse_envelope(event)
        assert envelope.type == "crm.gateway.audit.recorded.v1"
        catalogue.validate_envelope(envelope)
    # Nothing else was recorded twice (the one forwarded write has two records).
    assert len(gw.audit.records) == len(cases) + 1


async def test_broker_unreachable_means_503_and_nothing_forwarded(harness):
    broken = AuditPublisher("amqp://guest:guest@127.0.0.1:1/", timeout=0.5)
    async with harness(audit_publisher=broken) as gw:
        response = await gw.client.get("/v1/users", headers=gw.auth("u-alice"))
        assert_problem(response, 503, "audit-unavailable")
        create = await gw.client.post("/v1/users", headers=gw.auth("u-admin"), json={
            "username": "dave", "display_name": "Dave", "password": "long-enough-pw",
            "org_unit_id": "ou-north-bj-sales", "roles": ["sales"]})
        assert_problem(create, 503, "audit-unavailable")
        assert gw.fake.calls == []
        metrics = (await gw.client.get("/metrics")).text
        assert "educrm_gateway_audit_publish_failures_total 2.0" in metrics


async def test_unroutable_record_withholds_the_response(harness):
    # The exchange exists but no queue is bound: the broker returns the record (mandatory),
    # so the data must not be served.
    async with harness(bind_audit=False) as gw:
        response = await gw.client.get("/v1/users/u-bob", headers=gw.auth("u-manager1"))
        assert_problem(response, 503, "audit-unavailable")
        assert "bob@example.edu" not in response.text
        # Identity did answer (manager1 may read bob): the gateway withheld it.
        assert len(gw.fake.calls_to("GetUser")) == 1


async def test_real_exchange_name(harness):
    async with harness(exchange="gateway.events") as gw:
        cid = "real-exchange-check"
        response = await gw.client.get("/v1/me", headers={**gw.auth(), "X-Correlation-Id": cid})
        assert response.status_code == 200
        await wait_until(lambda: len(gw.audit.by_correlation(cid)) == 1)


async def test_concurrent_requests_share_one_confirmed_message(gw):
    import asyncio

    publisher = gw.app.state.runtime.publisher
    await gw.client.get("/v1/me", headers=gw.auth())  # connected and warm
    before = (publisher.messages_published, publisher.records_published)
    headers = gw.auth()
    responses = await asyncio.gather(*(
        gw.client.get("/v1/me", headers={**headers, "X-Correlation-Id": f"group-{i}"})
        for i in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    messages = publisher.messages_published - before[0]
    assert publisher.records_published - before[1] == 20
    assert messages < 20  # group commit: records of concurrent requests share messages
    for i in range(20):
        await wait_until(lambda i=i: len(gw.audit.by_correlation(f"group-{i}")) == 1)
    assert gw.audit.messages == messages + 1
    for event in gw.audit.events:  # every event of a batch is a valid CloudEvent of its own
        catalogue.validate_envelope(parse_envelope(event))
    assert len({e["id"] for e in gw.audit.events}) == len(gw.audit.events)


async def test_unconfirmed_batch_fails_every_waiting_request(harness):
    import asyncio

    # No queue bound: the broker returns the (mandatory) message; every request in it is 503.
    async with harness(bind_audit=False) as gw:
        headers = gw.auth("u-manager1")
        responses = await asyncio.gather(*(gw.client.get("/v1/users/u-bob", headers=headers)
                                           for _ in range(10)))
        for response in responses:
            assert_problem(response, 503, "audit-unavailable")
            assert "bob@example.edu" not in response.text
        assert gw.app.state.runtime.publisher.messages_published == 0


async def test_lone_request_is_flushed_at_once(harness):
    import asyncio

    from gateway.settings import GatewaySettings

    settings = GatewaySettings()
    # An hour's window: a lone request must not wait for it (nothing else is in flight), so
    # only an immediate flush answers within the wait below.
    async with harness() as probe:
        exchange = probe.settings.audit_exchange
        publisher = AuditPublisher(probe.settings.amqp_uri or settings.amqp_uri,
                                   exchange=exchange, timeout=30.0, batch_window=3600.0)
        async with harness(audit_publisher=publisher, exchange=exchange) as gw:
            for _ in range(2):  # the first one connects
                response = await asyncio.wait_for(
                    gw.client.get("/v1/me", headers=gw.auth()), timeout=60)
                assert response.status_code == 200
