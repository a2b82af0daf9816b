"""Login, me, users, org units, audit-events queries, health and OpenAPI through HTTP."""
from __future__ import annotations

import pytest
from gateway.testing import assert_problem

pytestmark = pytest.mark.anyio


async def test_login_me_and_users(gw):
    response = await gw.client.post("/v1/auth/login",
                                    json={"username": "alice", "password": "alice-pass"})
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 900  # noqa: S105
    headers = {"Authorization": f"Bearer {pair['access_token']}"}

    me = await gw.client.get("/v1/me", headers=headers)
    assert me.status_code == 200, me.text
    assert me.json()["user"] == {"id": "u-alice", "username": "alice"}
    assert me.json()["data_scope"] == "own"
    assert "RateLimit" in me.headers and "RateLimit-Policy" in me.headers

    first = await gw.client.get("/v1/users", params={"limit": 2}, headers=headers)
    assert first.status_code == 200, first.text
    page = first.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    second = await gw.client.get("/v1/users", params={"limit": 2, "cursor": page["next_cursor"]},
                                 headers=headers)
    assert second.json()["next_cursor"] is None

    one = await gw.client.get("/v1/users/u-bob", headers=headers)
    assert one.status_code == 200 and one.json()["username"] == "bob"
    assert_problem(await gw.client.get("/v1/users/u-nobody", headers=headers), 404)


async def test_metadata_is_forwarded(gw):
    token = gw.token("u-alice")
    response = await gw.client.get("/v1/users/u-bob", headers={
        "Authorization": f"Bearer {token}", "X-Correlation-Id": "corr-123"})
    assert response.headers["x-correlation-id"] == "corr-123"
    call = gw.fake.calls_to("GetUser")[-1]
    assert call.metadata["authorization"] == f"Bearer {token}"
    assert call.metadata["x-correlation-id"] == "corr-123"
    assert call.metadata["x-client-address"] == "203.0.113.7"


async def test_login_failures_look_the_same(gw):
    unknown = await gw.client.post("/v1/auth/login", json={"username": "nobody", "password": "x"})
    wrong = await gw.client.post("/v1/auth/login", json={"username": "alice", "password": "x"})
    a, b = assert_problem(unknown, 401, "invalid-credentials"), assert_problem(wrong, 401)
    a.pop("correlation_id"), b.pop("correlation_id")
    assert a == b


async def test_frozen_user_login_is_403(gw):
    response = await gw.client.post("/v1/auth/login",
                                    json={"username": "frosty", "password": "frosty-pass"})
    assert_problem(response, 403, "account-frozen")


async def test_refresh(gw):
    pair = (await gw.client.post("/v1/auth/login",
                                 json={"username": "bob", "password": "bob-pass"})).json()
    response = await gw.client.post("/v1/auth/refresh",
                                    json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 200 and response.json()["access_token"]
    again = await gw.client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_problem(again, 401, "invalid-refresh-token")


async def test_org_units_and_audit_events(gw):
    units = await gw.client.get("/v1/org-units", headers=gw.auth("u-alice"))
    assert units.status_code == 200 and units.json()["items"][0]["kind"] == "company"
    assert_problem(await gw.client.get("/v1/audit-events", headers=gw.auth("u-alice")), 403,
                   "forbidden")
    events = await gw.client.get("/v1/audit-events", headers=gw.auth("u-admin"), params={
        "user": "u-alice", "action": "users.list", "outcome": "allowed",
        "since": "2025-01-01T00:00:00Z", "until": "2030-01-01T00:00:00+08:00"})
    assert events.status_code == 200, events.text
    request = gw.fake.calls_to("ListAuditEvents")[-1].request
    assert request.actor_user_id == "u-alice" and request.outcome == "allowed"
    assert request.since.seconds > 0 and request.until.seconds > request.since.seconds


async def test_create_user_with_idempotency_key(gw):
    body = {"username": "carol", "display_name": "Carol", "password": "long-enough-pw",
            "org_unit_id": "ou-branch-1", "roles": ["sales"]}
    headers = {**gw.auth("u-admin"), "Idempotency-Key": "create-carol-1"}
    first = await gw.client.post("/v1/users", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await gw.client.post("/v1/users", json=body, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert len(gw.fake.calls_to("CreateUser")) == 1
    assert gw.fake.calls_to("CreateUser")[0].metadata["idempotency-key"] == "create-carol-1"
    other = await gw.client.post("/v1/users", json={**body, "display_name": "Other"},
                                 headers=headers)
    assert_problem(other, 422, "idempotency-key-reused")
    assert_problem(await gw.client.post("/v1/users", json=body, headers=gw.auth("u-alice")), 403)


async def test_health_ready_metrics_openapi(gw):
    assert (await gw.client.get("/healthz")).json() == {"status": "ok"}
    ready = await gw.client.get("/readyz")
    assert ready.status_code == 200, ready.text
    # Every dependency is listed; scheduling (none running here) is optional by default.
    checks = ready.json()["checks"]
    assert set(checks) == {"redis", "rabbitmq", "identity", "scheduling"}
    assert checks["redis"] and checks["rabbitmq"] and checks["identity"]
    assert ready.json()["required"]["scheduling"] is False
    await gw.client.get("/v1/me", headers=gw.auth())
    metrics = (await gw.client.get("/metrics")).text
    assert 'educrm_gateway_http_requests_total{method="GET",route="/v1/me",status="200"}' in metrics
    assert "educrm_gateway_freezes_total" in metrics
    assert "educrm_gateway_audit_publish_failures_total" in metrics
    assert "educrm_gateway_audit_records_per_message_count" in metrics
    assert "educrm_gateway_audit_publish_duration_seconds_count" in metrics
    spec = (await gw.client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    assert "/v1/users/{user_id}/unfreeze" in spec["paths"]
    assert (await gw.client.get("/docs")).status_code == 200
