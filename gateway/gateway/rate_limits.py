"""Plain rate limits (429) and their IETF RateLimit headers.

Every authenticated request is limited per user inside the per-request gate (gate.py), in
the same round trip as the freeze check. Logins count failed attempts only, with growing
lockouts (LoginLimiter below); each is one atomic script in Redis.
Headers follow draft-ietf-httpapi-ratelimit-headers:
`RateLimit-Policy: "user";q=600;w=60` and `RateLimit: "user";r=12;t=34`.
"""
from __future__ import annotations

import dataclasses
import math

from redis.asyncio import Redis
from redis.exceptions import RedisError

from . import problems
from .metrics import GatewayMetrics
from .redis_keys import RedisKeys


@dataclasses.dataclass(frozen=True)
class LimitState:
    policy: str
    limit: int
    window_seconds: int
    remaining: int
    reset_ms: int

    @property
    def reset_seconds(self) -> int:
        return max(1, math.ceil(self.reset_ms / 1000))

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Policy": f'"{self.policy}";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"{self.policy}";r={max(0, self.remaining)};t={self.reset_seconds}',
        }

    def exceeded(self) -> problems.Problem:
        return problems.rate_limited(self.reset_seconds, self.headers())


# KEYS: (account, address) failures, account failures, address failures.
# ARGV: free failures per pair, per account, lockout base ms, lockout max ms, failure
# window ms, max failures per address.
# Returns {which, wait ms}: which = 0 (go ahead), 1 (pair locked), 2 (account locked),
# 3 (address over its failure limit).
# The attempt is counted as a failure here, before identity is asked, so that concurrent
# guesses cannot all slip in before the first failure is counted; `release` takes it back
# when identity did not say "wrong password".
_LOGIN_CHECK_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local which, wait = 0, 0
for i = 1, 2 do
  local lock = tonumber(redis.call('HGET', KEYS[i], 'until') or '0')
  if lock - now > wait then which, wait = i, lock - now end
end
if wait > 0 then return {which, wait} end
local spray = tonumber(redis.call('GET', KEYS[3]) or '0')
if spray >= tonumber(ARGV[6]) then return {3, math.max(redis.call('PTTL', KEYS[3]), 1)} end
local base, max, window = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
for i = 1, 2 do
  local free = tonumber(ARGV[i])
  local n = redis.call('HINCRBY', KEYS[i], 'n', 1)
  local ttl = window
  if n >= free then
    local delay = math.min(base * 2 ^ math.min(n - free, 40), max)
    redis.call('HSET', KEYS[i], 'until', now + delay)
    ttl = window + delay
  end
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return {0, 0}
"""

# KEYS: (account, address) failures, account failures. ARGV: succeeded (1|0), free failures
# per pair, per account. Takes back the failure counted by the check; a success also forgets
# the (account, address) failures.
_LOGIN_RELEASE_SCRIPT = """
for i = 1, 2 do
  if i == 1 and ARGV[1] == '1' then
    redis.call('DEL', KEYS[1])
  elseif redis.call('EXISTS', KEYS[i]) == 1 then
    local n = redis.call('HINCRBY', KEYS[i], 'n', -1)
    if n <= 0 then
      redis.call('DEL', KEYS[i])
    elseif n < tonumber(ARGV[i + 1]) then
      redis.call('HDEL', KEYS[i], 'until')
    end
  end
end
return 1
"""

# KEYS: address failures. ARGV: window ms.
_LOGIN_FAILED_SCRIPT = """
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
"""


@dataclasses.dataclass(frozen=True)
class LoginPolicy:
    free_per_account_address: int = 10
    free_per_account: int = 30
    lockout_base_seconds: int = 30
    lockout_max_seconds: int = 3600
    failure_window_seconds: int = 900
    max_failures_per_address: int = 200


class LoginLimiter:
    """Brute force against logins, without locking out a branch behind one NAT address.

    Only failed attempts count: per (account, address) and per account from any address.
    After `free_*` failures each further attempt waits a lockout that doubles (base, 2×base,
    … up to the maximum), so a guesser gets a handful of tries an hour while a colleague who
    mistyped waits seconds. A distributed guesser is held by the per-account count (the
    owner waits too: that is the price), a password sprayer by the per-address count.
    Usage: `check` before asking identity, then exactly one of `failed` (wrong credentials)
    or `release` (anything else; `succeeded=True` for a login that worked).
    """

    def __init__(self, redis: Redis, keys: RedisKeys, policy: LoginPolicy,
                 metrics: GatewayMetrics) -> None:
        self._redis = redis
        self._keys = keys
        self._policy = policy
        self._check = redis.register_script(_LOGIN_CHECK_SCRIPT)
        self._release = redis.register_script(_LOGIN_RELEASE_SCRIPT)
        self._failed = redis.register_script(_LOGIN_FAILED_SCRIPT)
        self._metrics = metrics
        p = policy
        self._check_args = [p.free_per_account_address, p.free_per_account,
                            p.lockout_base_seconds * 1000, p.lockout_max_seconds * 1000,
                            p.failure_window_seconds * 1000, p.max_failures_per_address]
        self._policies = {
            1: ("login-account-address", p.free_per_account_address),
            2: ("login-account", p.free_per_account),
            3: ("login-address", p.max_failures_per_address),
        }

    def _pair_keys(self, username: str, client_address: str) -> list[str]:
        return [self._keys.login_account_address(username, client_address),
                self._keys.login_account(username)]

    async def check(self, username: str, client_address: str) -> None:
        """Raise 429 while this account (from here or anywhere) or this address is locked
        out; otherwise count the attempt as a failure until `release` says otherwise."""
        try:
            which, wait_ms = await self._check(
                keys=[*self._pair_keys(username, client_address),
                      self._keys.login_address(client_address)],
                args=self._check_args)
        except RedisError:
            # Fail closed: without the counter, brute force would be unlimited.
            raise problems.rate_limiter_unavailable() from None
        if int(which) == 0:
            return
        policy, limit = self._policies[int(which)]
        self._metrics.rate_limited.labels(policy).inc()
        raise LimitState(policy, limit, self._policy.failure_window_seconds, 0,
                         int(wait_ms)).exceeded()

    async def failed(self, client_address: str) -> None:
        """Identity said the credentials are wrong (the attempt stays counted)."""
        try:
            await self._failed(keys=[self._keys.login_address(client_address)],
                               args=[self._policy.failure_window_seconds * 1000])
        except RedisError:
            pass  # the per-account counts already hold this failure

    async def release(self, username: str, client_address: str, *, succeeded: bool) -> None:
        """The attempt was not a wrong password: take it back (a success also clears the
        failures of this account from this address)."""
        try:
            await self._release(keys=self._pair_keys(username, client_address),
                                args=["1" if succeeded else "0",
                                      self._policy.free_per_account_address,
                                      self._policy.free_per_account])
        except RedisError:
            pass  # an over-count, never an under-count: it expires with the window
