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
            reset = re.fullmatch(rf'"user";r={remaining};t=(\d+)', ok.headers["ratelimit"])
            assert reset and 1 <= int(reset[1]) <= 60, ok.headers["ratelimit"]
            assert ok.headers["ratelimit-policy"] == '"user";q=3;w=60'
        limited = await gw.client.get("/v1/me", headers=gw.auth("u-alice"))
        assert_problem(limited, 429, "rate-limited")
        reset = re.fullmatch(r'"user";r=0;t=(\d+)', limited.headers["ratelimit"])
        assert reset and 1 <= int(reset[1]) <= 60, limited.headers["ratelimit"]
        assert limited.headers["retry-after"] == reset[1]  # the same wait, in both headers
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
        retry_after = limited.headers["retry-after"]
        assert 1 <= int(retry_after) <= 300
        assert limited.headers["ratelimit-policy"] == '"login-account";q=2;w=300'
        assert limited.headers["ratelimit"] == f'"login-account";r=0;t={retry_after}'
        assert body["detail_zh"] == f"请求过于频繁，请在 {retry_after} 秒后重试。"
        assert len(gw.fake.calls_to("Login")) == 2  # the limited attempt never reached identity
        # Same address, other accounts: the address limit (4) trips next.
        assert (await gw.client.post("/v1/auth/login", json={"username": "bob",
                                     "password": "bob-pass"})).status_code == 200
        limited = await gw.client.post("/v1/auth/login",
                                       json={"username": "admin", "password": "admin-pass"})
        assert_problem(limited, 429, "rate-limited")
        assert limited.headers["ratelimit-policy"] == '"login-address";q=4;w=300'
