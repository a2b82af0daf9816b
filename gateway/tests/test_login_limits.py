"""Logins a branch office can live with: only failed attempts count, per (account, address)
and per account, with growing lockouts; the client address comes from a proxy's header only
when that proxy is trusted. (Against the real identity: tests/e2e/test_lockout_e2e.py.)"""
from __future__ import annotations

import asyncio
import uuid

import pytest
from fakes import assert_problem, wait_until
from gateway.metrics import GatewayMetrics
from gateway.problems import Problem
from gateway.rate_limits import LoginLimiter, LoginPolicy
from gateway.redis_keys import RedisKeys
from redis.asyncio import Redis

pytestmark = pytest.mark.anyio

REDIS_URL = "redis://127.0.0.1:6379/0"


def login(gw, username: str, password: str, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return gw.client.post("/v1/auth/login", json={"username": username, "password": password},
                          headers=headers)


async def test_successes_never_count(harness):
    async with harness(login_free_failures_per_account_address=3,
                       login_free_failures_per_account=3, login_max_failures_per_address=3) as gw:
        for _ in range(30):  # one NAT address, one account, thirty logins: all fine
            assert (await login(gw, "alice", "alice-pass")).status_code == 200


async def test_failures_lock_out_with_growing_delays(harness):
    async with harness(login_free_failures_per_account_address=3,
                       login_lockout_base_seconds=30) as gw:
        for _ in range(3):
            assert_problem(await login(gw, "alice", "wrong"), 401, "invalid-credentials")
        locked = await login(gw, "alice", "alice-pass")  # the right password must wait too
        assert_problem(locked, 429, "rate-limited")
        assert locked.headers["ratelimit-policy"].startswith('"login-account-address";q=3;')
        assert 1 <= int(locked.headers["retry-after"]) <= 30
        assert len(gw.fake.calls_to("Login")) == 3  # the locked-out attempt never reached it
        # The next lockout of this (account, address) is twice as long.
        pair = gw.app.state.runtime.keys.login_account_address("alice", "203.0.113.7")
        await gw.redis.hset(pair, "until", 0)  # as if the 30 s had passed
        assert_problem(await login(gw, "alice", "wrong"), 401)
        again = await login(gw, "alice", "alice-pass")
        assert_problem(again, 429)
        assert 30 < int(again.headers["retry-after"]) <= 60


async def test_a_success_clears_its_account_and_address(harness):
    async with harness(login_free_failures_per_account_address=3) as gw:
        for _ in range(2):
            assert (await login(gw, "alice", "wrong")).status_code == 401
        assert (await login(gw, "alice", "alice-pass")).status_code == 200
        for _ in range(2):  # two more mistakes are still free
            assert (await login(gw, "alice", "wrong")).status_code == 401
        assert (await login(gw, "alice", "alice-pass")).status_code == 200


async def test_failed_usernames_are_masked_in_the_audit_record(gw):
    typed = "alice-pass-typed-in-the-wrong-field"
    failed = await login(gw, typed, "x")
    assert failed.status_code == 401
    ok = await login(gw, "bob", "bob-pass")
    assert ok.status_code == 200
    # A login is a write: an intent record (before the name is known to be an account, so
    # masked) and then its outcome record. Compare the outcomes.
    def outcomes() -> dict[str, dict]:
        return {r["correlation_id"]: r for r in gw.audit.records if r.get("phase") == "outcome"}

    await wait_until(lambda: len(outcomes()) >= 2)
    by_id = outcomes()
    assert by_id[failed.headers["x-correlation-id"]]["actor_username"] == "al***"
    assert typed not in str(gw.audit.events)
    assert by_id[ok.headers["x-correlation-id"]]["actor_username"] == "bob"


async def test_forwarded_headers_are_ignored_from_an_untrusted_peer(harness):
    async with harness(login_free_failures_per_account_address=2) as gw:
        # The test client's peer (203.0.113.7) is no configured proxy: every attempt is
        # attributed to it, whatever address the header claims.
        for i in range(2):
            assert (await login(gw, "alice", "wrong", f"198.51.100.{i}")).status_code == 401
        assert_problem(await login(gw, "alice", "alice-pass", "198.51.100.99"), 429)
        assert {c.request.client_address for c in gw.fake.calls_to("Login")} == {"203.0.113.7"}


async def test_a_trusted_proxy_names_the_client(harness):
    async with harness(trusted_proxies=("203.0.113.0/24",),
                       login_free_failures_per_account_address=2,
                       login_free_failures_per_account=30) as gw:
        for _ in range(2):
            assert (await login(gw, "alice", "wrong", "198.51.100.1")).status_code == 401
        assert_problem(await login(gw, "alice", "alice-pass", "198.51.100.1"), 429)
        # The owner, elsewhere: the per-account count (2 of 30) does not stop them.
        assert (await login(gw, "alice", "alice-pass", "198.51.100.2")).status_code == 200
        # A client-chosen X-Forwarded-For entry left of the proxy's own is not believed.
        forged = await login(gw, "alice", "alice-pass", "10.9.9.9, 198.51.100.1")
        assert_problem(forged, 429)
        addresses = [c.request.client_address for c in gw.fake.calls_to("Login")]
        assert addresses == ["198.51.100.1", "198.51.100.1", "198.51.100.2"]


async def test_ten_thousand_guesses_from_many_addresses_stay_throttled():
    """A distributed guesser: 10 000 wrong passwords for one account, each from its own
    address, 100 at a time. Driven against the limiter itself (10 000 HTTP logins would test
    nothing more); identity's answer is always "wrong password"."""
    redis = Redis.from_url(REDIS_URL)
    keys = RedisKeys(f"test:login:{uuid.uuid4().hex[:8]}:")
    # Lockouts of an hour and more: none can run out while the test runs, however slowly.
    policy = LoginPolicy(free_per_account_address=10, free_per_account=30,
                         lockout_base_seconds=3600, lockout_max_seconds=86400)
    limiter = LoginLimiter(redis, keys, policy, GatewayMetrics())
    reached_identity = 0

    async def guess(i: int) -> None:
        nonlocal reached_identity
        address = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        try:
            await limiter.check("victim", address)
        except Problem as problem:
            assert problem.status == 429
            return
        reached_identity += 1
        await limiter.failed(address)

    try:
        for batch in range(100):
            await asyncio.gather(*(guess(batch * 100 + i) for i in range(100)))
        # 30 free failures (the check counts atomically, so concurrent guesses cannot slip
        # past it), then the first lockout, an hour, which cannot end during the test.
        assert reached_identity == 30, reached_identity
        # The owner, from an address of their own, waits too: the price of a distributed
        # attack (their lockout is minutes, doubling, never permanent).
        with pytest.raises(Problem) as locked:
            await limiter.check("victim", "192.0.2.44")
        assert locked.value.status == 429
        # Another account is untouched.
        await limiter.check("someone-else", "10.0.0.1")
    finally:
        found = [k async for k in redis.scan_iter(match=f"{keys.prefix}*")]
        if found:
            await redis.delete(*found)
        await redis.aclose()
