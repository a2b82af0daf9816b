"""Rate-limit-then-freeze: concurrent bursts freeze exactly once; only an admin unfreezes.
(Counting records rather than requests, per role and kind: test_read_limits.py.)"""
from __future__ import annotations

import asyncio
import uuid

import pytest
from fakes import INTERNAL_TOKEN, assert_problem, wait_until
from kit.grpc_client import RETRY_POLICY
from redis.asyncio import Redis

pytestmark = pytest.mark.anyio

MAX_READS = 10


async def test_parallel_burst_freezes_exactly_once(harness):
    async with harness(freeze_max_reads=MAX_READS, user_rate_limit=10_000) as gw:
        tokens = [gw.token("u-alice") for _ in range(4)]  # several sessions of one user
        paths = ["/v1/users/u-alice", "/v1/users/u-alice"]  # one record each: herself
        requests = [gw.client.get(paths[i % 2],
                                  headers={"Authorization": f"Bearer {tokens[i % 4]}"})
                    for i in range(60)]
        responses = await asyncio.gather(*requests)
        statuses = sorted(r.status_code for r in responses)
        odd = [r.text for r in responses if r.status_code not in (200, 403)]
        assert not odd, odd
        # The gateway forwards exactly MAX_READS reads. Identity refuses those of them still
        # in flight when the freeze lands (as the real service does): they are 403 too.
        forwarded = gw.fake.calls_to("ListUsers") + gw.fake.calls_to("GetUser")
        assert len(forwarded) == MAX_READS
        late = gw.fake.refusals.count(("u-alice", "user.frozen"))
        assert gw.fake.refusals == [("u-alice", "user.frozen")] * late
        assert statuses.count(200) == MAX_READS - late, statuses
        assert statuses.count(403) == 60 - MAX_READS + late, statuses
        for response in responses:
            if response.status_code == 403:
                assert_problem(response, 403, "account-frozen")

        freeze_calls = gw.fake.calls_to("FreezeUser")
        assert len(freeze_calls) == 1
        call = freeze_calls[0]
        assert call.request.user_id == "u-alice" and call.request.automatic
        assert call.metadata["x-educrm-internal-token"] == INTERNAL_TOKEN

        # Every request audited; exactly one record of the freeze decision.
        await wait_until(lambda: len(gw.audit.records) >= 61)
        decisions = [r for r in gw.audit.records if r["action"] == "security.auto_freeze"]
        assert len(decisions) == 1 and decisions[0]["target_id"] == "u-alice"
        assert len([r for r in gw.audit.records if r["action"] != "security.auto_freeze"]) == 60

        metrics = (await gw.client.get("/metrics")).text
        assert "educrm_gateway_freezes_total 1.0" in metrics

        # Any token of alice (even a new one, even /v1/me) is refused; bob is unaffected.
        assert_problem(await gw.client.get("/v1/me", headers=gw.auth("u-alice")), 403,
                       "account-frozen")
        assert (await gw.client.get("/v1/users/u-bob",
                                    headers=gw.auth("u-bob"))).status_code == 200

        # alice cannot unfreeze herself (she is frozen; and bob lacks the right).
        assert_problem(await gw.client.post("/v1/users/u-alice/unfreeze",
                                            headers=gw.auth("u-bob")), 403, "forbidden")
        unfreeze = await gw.client.post("/v1/users/u-alice/unfreeze", headers=gw.auth("u-admin"),
                                        json={"reason": "checked with her manager"})
        assert unfreeze.status_code == 200, unfreeze.text
        assert len(gw.fake.calls_to("UnfreezeUser")) == 1
        # Identity ended her sessions when it froze her: the tokens of before stay dead after
        # the unfreeze (as the real service does, see test_identity_contract); she logs in
        # again.
        for token in tokens:
            stale = await gw.client.get("/v1/users",
                                        headers={"Authorization": f"Bearer {token}"})
            assert_problem(stale, 401, "session-revoked")
        fresh = await gw.login_auth("alice")
        assert (await gw.client.get("/v1/users", headers=fresh)).status_code == 200


async def test_freeze_call_failure_is_retried_and_flag_stays(harness):
    # Identity stays UNAVAILABLE through every attempt the channel's retry policy makes.
    attempts = RETRY_POLICY["maxAttempts"]
    async with harness(freeze_max_reads=2) as gw:
        gw.fake.fail_freeze = attempts
        for _ in range(2):
            assert (await gw.client.get("/v1/users/u-bob",
                                        headers=gw.auth("u-bob"))).status_code == 200
        assert_problem(await gw.client.get("/v1/users/u-bob", headers=gw.auth("u-bob")), 403,
                       "account-frozen")
        assert len(gw.fake.calls_to("FreezeUser")) == attempts  # all failed
        pending = f"{gw.settings.redis_prefix}freeze:pending"
        assert await gw.redis.sismember(pending, "u-bob")
        # The sweeper's retry (called directly here instead of waiting for its timer).
        assert await gw.app.state.runtime.freezer.retry_pending_once() == 0
        assert len(gw.fake.calls_to("FreezeUser")) == attempts + 1
        assert not await gw.redis.sismember(pending, "u-bob")
        assert_problem(await gw.client.get("/v1/me", headers=gw.auth("u-bob")), 403,
                       "account-frozen")


async def test_admin_freeze_stops_tokens_at_once(gw):
    token = gw.auth("u-bob")
    assert (await gw.client.get("/v1/me", headers=token)).status_code == 200
    response = await gw.client.post("/v1/users/u-bob/freeze", headers=gw.auth("u-admin"),
                                    json={"reason": "left the company"})
    assert response.status_code == 200, response.text
    assert not gw.fake.calls_to("FreezeUser")[0].request.automatic
    assert_problem(await gw.client.get("/v1/me", headers=token), 403, "account-frozen")


async def test_redis_down_fails_closed(harness):
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    async with harness(redis=dead) as gw:
        for path in ("/v1/users", "/v1/users/u-bob"):
            assert_problem(await gw.client.get(path, headers=gw.auth("u-alice")), 503,
                           "rate-limiter-unavailable")
        assert gw.fake.calls_to("ListUsers") == [] and gw.fake.calls_to("GetUser") == []
        ready = await gw.client.get("/readyz")
        assert_problem(ready, 503, "not-ready")
        assert ready.json()["checks"]["redis"] is False


async def test_tokens_after_an_unfreeze_need_a_new_login(real_gw, real_identity):
    # Against the real identity: an account of this test's own (seeded ones stay as they are).
    gw = real_gw
    admin = await gw.login_auth("admin")
    username = f"t{uuid.uuid4().hex[:10]}"
    created = await gw.client.post("/v1/users", headers=admin, json={
        "username": username, "display_name": "Temp", "password": "Passw0rd-long",
        "roles": ["sales"], "org_unit_id": real_identity.org_unit_ids["south-gz-sales"]})
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    pair = await gw.login(username, "Passw0rd-long")
    token = {"Authorization": f"Bearer {pair['access_token']}"}
    assert (await gw.client.get(f"/v1/users/{user_id}", headers=token)).status_code == 200

    frozen = await gw.client.post(f"/v1/users/{user_id}/freeze", headers=admin,
                                  json={"reason": "checking"})
    assert frozen.status_code == 200, frozen.text
    assert (frozen.json()["status"], frozen.json()["frozen_reason"]) == ("frozen", "checking")
    assert_problem(await gw.client.get("/v1/me", headers=token), 403, "account-frozen")
    login = await gw.client.post("/v1/auth/login",
                                 json={"username": username, "password": "Passw0rd-long"})
    assert_problem(login, 403, "account-frozen")

    thawed = await gw.client.post(f"/v1/users/{user_id}/unfreeze", headers=admin,
                                  json={"reason": "checked"})
    assert thawed.status_code == 200, thawed.text
    assert (thawed.json()["status"], thawed.json()["frozen_reason"]) == ("active", "")
    # The freeze ended the user's sessions in identity: the old token and refresh token stay
    # refused after the unfreeze, and a new login works.
    assert_problem(await gw.client.get(f"/v1/users/{user_id}", headers=token), 401,
                   "session-revoked")
    refresh = await gw.client.post("/v1/auth/refresh",
                                   json={"refresh_token": pair["refresh_token"]})
    assert_problem(refresh, 401, "invalid-refresh-token")
    fresh = await gw.login_auth(username, "Passw0rd-long")
    # (gateway's own /v1/me answers from the token; a read crosses to identity)
    assert (await gw.client.get(f"/v1/users/{user_id}", headers=fresh)).status_code == 200
