"""Plain rate limits: 429 problems with IETF RateLimit headers and Retry-After (logins:
test_login_limits.py)."""
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
