"""The per-request Redis gate: one atomic script, one round trip per authenticated request.

In order it checks the user's freeze flag, the session denylist (logout), the general
per-user rate limit, and, for a read of one personal record, the sliding-window record count
that freezes the user the moment it overflows (personal_reads.py). Lists and exports count
their records after the service answered, with `count` (one script as well). Because the
check, the count and the setting of the flag happen in one script, exactly one request sees
"just frozen" however many run at once; every later request (any token of that user, any
replica) sees the flag.

Auto-pipelining: the scripts of requests that reach the gate in the same event-loop turn go
to Redis in one pipeline (one connection checkout, one write, one round trip); each script is
still atomic on its own and each request gets its own result or error. redis-py's per-command
overhead (pool lock, retry wrapper, packing) was the gateway's largest single cost under load.
A lone request goes out as a plain EVALSHA.
"""
from __future__ import annotations

import asyncio
import dataclasses
import enum
import itertools
import os
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from .personal_reads import COUNT_RECORDS_LUA, COUNT_SCRIPT, DataKind
from .redis_keys import RedisKeys

# KEYS: frozen flag, revoked session, user rate counter, reads zset, reads total, pending
# ARGV: rate limit, rate window ms, records (0: no personal data), max records, read window
# ms, member, user id
_GATE_SCRIPT = COUNT_RECORDS_LUA + """
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
local records = tonumber(ARGV[3])
if records > 0 and count_records(KEYS[4], KEYS[5], records, tonumber(ARGV[4]),
                                 tonumber(ARGV[5]), ARGV[6], KEYS[1], KEYS[6], ARGV[7]) then
  return {4, limit - n, ttl}
end
return {0, limit - n, ttl}
"""
_KEYS = 6


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
                 read_window_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self._script = redis.register_script(_GATE_SCRIPT)
        self._count_script = redis.register_script(COUNT_SCRIPT)
        # Keys of a (user, session, kind): built once, not six f-strings per request.
        self._key_cache: dict[tuple[str, str, DataKind], tuple[str, ...]] = {}
        self._rate_args = (rate_limit, rate_window_s * 1000)
        self._read_window_ms = read_window_s * 1000
        # Members of the read window must be unique across replicas and requests.
        self._member_prefix = f"{os.getpid()}-{os.urandom(4).hex()}-"
        self._sequence = itertools.count()
        self._pending: list[tuple[tuple[Any, ...], asyncio.Future[Any]]] = []
        self._flush_scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def check(self, user_id: str, session_id: str | None, *,
                    kind: DataKind = DataKind.STAFF, records: int = 0,
                    max_records: int = 0) -> GateResult:
        """Raises redis errors to the caller, who decides to fail closed. `records` > 0 counts
        that many personal records of `kind` against `max_records`."""
        session = session_id or "-"
        redis_keys = self._key_cache.get((user_id, session, kind))
        if redis_keys is None:
            keys = self._keys
            redis_keys = (keys.frozen(user_id), keys.revoked_session(session),
                          keys.user_rate(user_id), keys.personal_reads(user_id, kind.value),
                          keys.personal_reads_total(user_id, kind.value), keys.freeze_pending)
            if len(self._key_cache) >= 50_000:
                self._key_cache.clear()
            self._key_cache[(user_id, session, kind)] = redis_keys
        member = f"{self._member_prefix}{next(self._sequence)}"
        args = (*self._rate_args, records, max_records, self._read_window_ms, member, user_id)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append(((*redis_keys, *args), future))
        if not self._flush_scheduled:
            # After the current callbacks: requests of the same loop turn share the pipeline.
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        verdict, remaining, reset_ms = await future
        return GateResult(GateVerdict(int(verdict)), int(remaining), int(reset_ms))

    async def count(self, user_id: str, kind: DataKind, records: int,
                    max_records: int) -> GateVerdict:
        """Count the records a list or export is about to return: PASS, FROZEN (frozen in the
        meantime: nothing counted) or JUST_FROZEN (these records passed the limit)."""
        keys = self._keys
        member = f"{self._member_prefix}{next(self._sequence)}"
        verdict = await self._count_script(
            keys=[keys.frozen(user_id), keys.personal_reads(user_id, kind.value),
                  keys.personal_reads_total(user_id, kind.value), keys.freeze_pending],
            args=[records, max_records, self._read_window_ms, member, user_id])
        return GateVerdict(int(verdict))

    def _flush(self) -> None:
        self._flush_scheduled = False
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._run(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _evalsha(self, params: tuple[Any, ...]) -> Any:
        # EVALSHA straight through execute_command (what redis-py's Script object does,
        # minus its wrappers); the script is loaded on the first NOSCRIPT.
        try:
            return await self._redis.execute_command("EVALSHA", self._script.sha, _KEYS, *params)
        except NoScriptError:
            return await self._script(keys=params[:_KEYS], args=params[_KEYS:])

    async def _run(self, batch: list[tuple[tuple[Any, ...], asyncio.Future[Any]]]) -> None:
        try:
            if len(batch) == 1:
                results: list[Any] = [await self._evalsha(batch[0][0])]
            else:
                pipe = self._redis.pipeline(transaction=False)
                for params, _ in batch:
                    pipe.execute_command("EVALSHA", self._script.sha, _KEYS, *params)
                results = await pipe.execute(raise_on_error=False)
            for (params, future), result in zip(batch, results, strict=True):
                if isinstance(result, NoScriptError):  # script flushed: load it, run this one
                    result = await self._script(keys=params[:_KEYS], args=params[_KEYS:])
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
        except BaseException as error:  # noqa: BLE001 - every waiting request gets the error
            cancelled = isinstance(error, asyncio.CancelledError)
            for _, future in batch:
                if not future.done():
                    if cancelled:
                        future.cancel()
                    else:
                        future.set_exception(error)
            if cancelled:
                raise
