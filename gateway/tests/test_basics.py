"""Login, me, users, org units, audit-events queries, health and OpenAPI through HTTP."""
from __future__ import annotations

import pytest
from fakes import assert_problem

pytestmark = pytest.mark.anyio


async def test_login_me_and_users(real_gw, real_identity):
    # Against the real identity process: tokens, data scope, paging and masking are its own.
    gw, ids, units = real_gw, real_identity.user_ids, real_identity.org_unit_ids
    pair = await gw.login("manager1")
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 900  # noqa: S105
    headers = {"Authorization": f"Bearer {pair['access_token']}"}

    me = await gw.client.get("/v1/me", headers=headers)
    assert me.status_code == 200, me.text
    assert me.json() == {
        "user": {"id": ids["manager1"], "username": "manager1"},
        "roles": ["department_manager"], "rights": ["export", "approve.level1"],
        "org_unit_id": units["north-bj-sales"], "department_id": units["north-bj-sales"],
        "region_id": units["north"], "data_scope": "department"}
    limit, window = gw.settings.user_rate_limit, gw.settings.user_rate_window_seconds
    assert me.headers["ratelimit-policy"] == f'"user";q={limit};w={window}'
    assert me.headers["ratelimit"].startswith(f'"user";r={limit - 1};t=')

    # A department manager pages through their department; phones are masked for them.
    first = await gw.client.get("/v1/users", params={"limit": 2}, headers=headers)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [u["username"] for u in page["items"]] == ["alice", "bob"] and page["next_cursor"]
    assert [u["phone"] for u in page["items"]] == ["138****0006", "138****0007"]
    second = await gw.client.get("/v1/users", params={"limit": 2, "cursor": page["next_cursor"]},
                                 headers=headers)
    assert [u["username"] for u in second.json()["items"]] == ["frosty", "manager1"]
    assert second.json()["next_cursor"] is None

    one = await gw.client.get(f"/v1/users/{ids['bob']}", headers=headers)
    assert one.status_code == 200, one.text
    assert (one.json()["username"], one.json()["phone"]) == ("bob", "138****0007")
    # Out of their scope and missing look the same.
    assert_problem(await gw.client.get(f"/v1/users/{ids['sales3']}", headers=headers), 404,
                   "user-not-found")
    assert_problem(await gw.client.get("/v1/users/u-nobody", headers=headers), 404,
                   "user-not-found")


async def test_metadata_is_forwarded(gw):
    token = gw.token("u-manager1")
    response = await gw.client.get("/v1/users/u-bob", headers={
        "Authorization": f"Bearer {token}", "X-Correlation-Id": "corr-123"})
    assert response.status_code == 200, response.text
    assert response.headers["x-correlation-id"] == "corr-123"
    call = gw.fake.calls_to("GetUser")[-1]
    assert call.metadata["authorization"] == f"Bearer {token}"
    assert call.metadata["x-correlation-id"] == "corr-123"
    assert call.metadata["x-client-address"] == "203.0.113.7"


async def test_login_failures_look_the_same(real_gw):
    gw = real_gw
    bodies = []
    for username, password in (("nobody", "x"), ("alice", "x"), ("frosty", "x")):
        response = await gw.client.post("/v1/auth/login",
                                        json={"username": username, "password": password})
        body = assert_problem(response, 401, "invalid-credentials")
        body.pop("correlation_id")
        bodies.append(body)
    assert bodies[0] == bodies[1] == bodies[2]


async def test_frozen_user_login_is_403(real_gw):
    response = await real_gw.client.post("/v1/auth/login",
                                         json={"username": "frosty", "password": "frosty-pass"})
    assert_problem(response, 403, "account-frozen")


async def test_refresh(real_gw):
    gw = real_gw
    pair = await gw.login("bob")
    response = await gw.client.post("/v1/auth/refresh",
                                    json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["refresh_token"] != pair["refresh_token"]
    me = await gw.client.get("/v1/me", headers={
        "Authorization": f"Bearer {rotated['access_token']}"})
    assert me.json()["user"]["username"] == "bob"
    again = await gw.client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_problem(again, 401, "invalid-refresh-token")
    # The replay ended the session: the rotated refresh token is dead too.
    after = await gw.client.post("/v1/auth/refresh",
                                 json={"refresh_token": rotated["refresh_token"]})
    assert_problem(after, 401, "invalid-refresh-token")


async def test_org_units_and_audit_events(gw):
    units = await gw.client.get("/v1/org-units", headers=gw.auth("u-alice"))
    assert units.status_code == 200, units.text
    # Identity orders them by kind (as text), then name.
    assert [(u["kind"], u["code"]) for u in units.json()["items"]] == [
        ("branch", "north-bj"), ("branch", "south-gz"), ("company", "hq"),
        ("department", "north-bj-sales"), ("department", "south-gz-sales"),
        ("region", "north"), ("region", "south")]
    assert_problem(await gw.client.get("/v1/audit-events", headers=gw.auth("u-alice")), 403,
                   "forbidden")
    events = await gw.client.get("/v1/audit-events", headers=gw.auth("u-admin"), params={
        "user": "u-alice", "action": "users.list", "outcome": "allowed",
        "since": "2025-01-01T00:00:00Z", "until": "2030-01-01T00:00:00+08:00"})
    assert events.status_code == 200, events.text
    request = gw.fake.calls_to("ListAuditEvents")[-1].request
    assert request.actor_user_id == "u-alice" and request.outcome == "allowed"
    assert request.since.seconds == 1735689600  # 2025-01-01T00:00:00Z
    assert request.until.seconds == 1893456000 - 8 * 3600  # 2030-01-01T00:00:00+08:00


async def test_create_user_with_idempotency_key(gw):
    body = {"username": "carol", "display_name": "Carol", "password": "long-enough-pw",
            "org_unit_id": "ou-north-bj-sales", "roles": ["sales"]}
    headers = {**gw.auth("u-admin"), "Idempotency-Key": "create-carol-1"}
    first = await gw.client.post("/v1/users", json=body, headers=headers)
    assert first.status_code == 201, first.text
    created = first.json()
    assert (created["username"], created["data_scope"], created["rights"], created["status"]) == (
        "carol", "own", [], "active")
    assert (created["department_id"], created["region_id"]) == ("ou-north-bj-sales", "ou-north")
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
    # Every dependency is listed; scheduling and leads (none running here) are optional by
    # default.
    checks = ready.json()["checks"]
    assert set(checks) == {"redis", "rabbitmq", "identity", "scheduling", "leads"}
    # (scheduling's and leads' answers depend on what listens on their default ports)
    assert (checks["redis"], checks["rabbitmq"], checks["identity"]) == (True, True, True)
    assert ready.json()["required"]["scheduling"] is False
    assert ready.json()["required"]["leads"] is False
    await gw.client.get("/v1/me", headers=gw.auth())
    metrics = (await gw.client.get("/metrics")).text
    assert 'educrm_gateway_http_requests_total{method="GET",route="/v1/me",status="200"}' in metrics
    lines = metrics.splitlines()
    assert "educrm_gateway_freezes_total 0.0" in lines
    assert "educrm_gateway_audit_publish_failures_total 0.0" in lines
    # /healthz and /readyz are not audited: one record (of /v1/me) in one message so far.
    assert "educrm_gateway_audit_records_per_message_count 1.0" in lines
    assert "educrm_gateway_audit_publish_duration_seconds_count 1.0" in lines
    spec = (await gw.client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    assert "/v1/users/{user_id}/unfreeze" in spec["paths"]
    assert (await gw.client.get("/docs")).status_code == 200
