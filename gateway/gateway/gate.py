"""The per-request Redis gate: one atomic script, one round trip per authenticated request.

In order it checks the user's freeze flag, the session denylist (logout), the general
per-user rate limit, and, for reads of personal data, the sliding-window read counter that
freezes the user the moment it overflows. Because the check, the count and the setting of the
flag happen in one script, exactly one request sees "just frozen" however many run at once;
every later request (any token of that user, any replica) sees the flag.
"""
from __future__ import annotations

import dataclasses
import enum
import itertools
import os

from redis.asyncio import Redis

from .redis_keys import RedisKeys

# KEYS: frozen flag, revoked session, user rate counter, personal reads zset, pending freezes
# ARGV: rate limit, rate window ms, personal (0|1), max reads, read window ms, member, user id
_GATE_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return {1, 0, 0} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {2, 0, 0} end
local limit = tonumber(ARGV[1])
local n = redis.call('INCR', KEYS[3])
local ttl = redis.call('PTTL', KEYS[3])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
  ttl = tonumber(ARGV[2])
end
if n > limit then return {3, 0, ttl} end
if ARGV[3] == '1' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local window = tonumber(ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - window)
  redis.call('ZADD', KEYS[4], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[4], window)
  if redis.call('ZCARD', KEYS[4]) > tonumber(ARGV[4]) then
    redis.call('SET', KEYS[1], 'auto')
    redis.call('SADD', KEYS[5], ARGV[7])
    return {4, limit - n, ttl}
  end
end
return {0, limit - n, ttl}
"""


class GateVerdict(enum.IntEnum):
    PASS = 0
    FROZEN = 1
    SESSION_REVOKED = 2
    RATE_LIMITED = 3
    JUST_FROZEN = 4


@dataclasses.dataclass(frozen=True)
class GateResult:
    verdict: GateVerdict
    remaining: int
    reset_ms: int


class RequestGate:
    def __init__(self, redis: Redis, keys: RedisKeys, *, rate_limit: int, rate_window_s: int,
                 max_reads: int, read_window_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self._script = redis.register_script(_GATE_SCRIPT)
        self._rate_args = (rate_limit, rate_window_s * 1000)
        self._read_args = (max_reads, read_window_s * 1000)
        # Members of the read window must be unique across replicas and requests.
        self._member_prefix = f"{os.getpid()}-{os.urandom(4).hex()}-"
        self._sequence = itertools.count()

    async def check(self, user_id: str, session_id: str | None, *, personal: bool) -> GateResult:
        """Raises redis errors to the caller, who decides to fail closed."""
        keys = self._keys
        member = f"{self._member_prefix}{next(self._sequence)}"
        verdict, remaining, reset_ms = await self._script(
            keys=[keys.frozen(user_id), keys.revoked_session(session_id or "-"),
                  keys.user_rate(user_id), keys.personal_reads(user_id), keys.freeze_pending],
            args=[*self._rate_args, "1" if personal else "0", *self._read_args, member,
                  user_id])
        return GateResult(GateVerdict(int(verdict)), int(remaining), int(reset_ms))
