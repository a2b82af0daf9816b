"""Plain rate limits: 429 problems with IETF RateLimit headers and Retry-After."""
from __future__ import annotations

import re

import pytest
from fakes import assert_problem

pytestmark = pytest.mark.anyio


async def test_per_user_limit(harness):
    async with harness(user_rate_limit=3, user_rate_window_seconds=60) as gw:
        for remaining in (2, 1, 0):
            ok = await gw.client.get("/v1/me", headers=gw.auth("u-alice"))
            assert ok.status_code == 200
            assert ok.headers["ratelimit"] == f'"user";r={remaining};t=60' or \
                ok.headers["ratelimit"].startswith(f'"user";r={remaining};')
            assert ok.headers["ratelimit-policy"] == '"user";q=3;w=60'
        limited = await gw.client.get("/v1/me", headers=gw.auth("u-alice"))
        assert_problem(limited, 429, "rate-limited")
        assert re.fullmatch(r'"user";r=0;t=\d+', limited.headers["ratelimit"])
        assert int(limited.headers["retry-after"]) >= 1
        # Another user has their own budget.
        assert (await gw.client.get("/v1/me", headers=gw.auth("u-bob"))).status_code == 200


async def test_login_limit_per_account_and_per_address(harness):
    async with harness(login_max_per_account=2, login_max_per_address=4) as gw:
        for _ in range(2):
            response = await gw.client.post("/v1/auth/login",
                                            json={"username": "alice", "password": "nope"})
            assert response.status_code == 401
        limited = await gw.client.post("/v1/auth/login",
                                       json={"username": "alice", "password": "alice-pass"})
        body = assert_problem(limited, 429, "rate-limited")
        assert "retry-after" in limited.headers and "ratelimit-policy" in limited.headers
        assert limited.headers["ratelimit-policy"].startswith('"login-account";q=2;')
        assert "detail_zh" in body
        assert len(gw.fake.calls_to("Login")) == 2  # the limited attempt never reached identity
        # Same address, other accounts: the address limit (4) trips next.
        assert (await gw.client.post("/v1/auth/login", json={"username": "bob",
                                     "password": "bob-pass"})).status_code == 200
        limited = await gw.client.post("/v1/auth/login",
                                       json={"username": "admin", "password": "admin-pass"})
        assert_problem(limited, 429)
        assert limited.headers["ratelimit-policy"].startswith('"login-address";q=4;')
