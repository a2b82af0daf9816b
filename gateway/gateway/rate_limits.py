"""Plain rate limits (429) and their IETF RateLimit headers.

Fixed windows in Redis (INCR + PEXPIRE, atomic in a script). Logins are limited per account
and per client address against brute force; every authenticated request is limited per user
inside the per-request gate (gate.py), in the same round trip as the freeze check.
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

# KEYS: one counter per limit. ARGV: window_ms, then one limit per key.
# Returns for each key: count, pttl.
_COUNT_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out
"""


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


class LoginLimiter:
    def __init__(self, redis: Redis, keys: RedisKeys, *, per_account: int, per_address: int,
                 window_seconds: int, metrics: GatewayMetrics) -> None:
        self._redis = redis
        self._keys = keys
        self._per_account = per_account
        self._per_address = per_address
        self._window = window_seconds
        self._script = redis.register_script(_COUNT_SCRIPT)
        self._metrics = metrics

    async def check(self, username: str, client_address: str) -> dict[str, str]:
        """Count one attempt; raise 429 when over either limit; return headers to send."""
        try:
            counts = await self._script(
                keys=[self._keys.login_account(username), self._keys.login_address(client_address)],
                args=[self._window * 1000])
        except RedisError:
            # Fail closed: without the counter, brute force would be unlimited.
            raise problems.rate_limiter_unavailable() from None
        account = LimitState("login-account", self._per_account, self._window,
                             self._per_account - int(counts[0]), int(counts[1]))
        address = LimitState("login-address", self._per_address, self._window,
                             self._per_address - int(counts[2]), int(counts[3]))
        for state in (account, address):
            if state.remaining < 0:
                self._metrics.rate_limited.labels(state.policy).inc()
                raise state.exceeded()
        tighter = account if account.remaining <= address.remaining else address
        return tighter.headers()
