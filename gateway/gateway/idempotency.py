"""Idempotency-Key on writes: the same key with the same request replays the first response;
with a different request it is a 422 problem; while the first is still running, 409.

The key is also forwarded to the service (metadata `idempotency-key`), which deduplicates the
effect itself; the cache here makes retries cheap and gives the client the same bytes back.
Keys are per user, so one user's key can never replay another user's response.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.exceptions import RedisError

from . import problems
from .redis_keys import RedisKeys

HEADER = "Idempotency-Key"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
PENDING_TTL_SECONDS = 60


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _VALID_KEY.match(key):
        raise problems.Problem(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                               "Idempotency-Key must be 1-255 visible ASCII characters.",
                               "Idempotency-Key 必须为 1 到 255 个可见 ASCII 字符。")
    return key


def fingerprint(method: str, path: str, payload: Any) -> str:
    canonical = json.dumps([method, path, payload], sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, redis: Redis, keys: RedisKeys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl_seconds

    async def run(self, user_id: str, key: str | None, print_: str,
                  handler: Callable[[], Awaitable[tuple[int, Any]]]) -> JSONResponse:
        """Run `handler` (returning status, JSON body) at most once per key."""
        if key is None:
            status, body = await handler()
            return JSONResponse(body, status_code=status)
        redis_key = self._keys.idempotency(user_id, key)
        try:
            claimed = await self._redis.set(
                redis_key, json.dumps({"state": "pending", "fp": print_}),
                nx=True, ex=PENDING_TTL_SECONDS)
            if not claimed:
                return self._replay(await self._redis.get(redis_key), print_)
        except RedisError:
            raise problems.dependency_unavailable("The idempotency store", "幂等存储") from None
        try:
            status, body = await handler()
        except BaseException:
            # A failed attempt may be retried with the same key.
            await self._redis.delete(redis_key)
            raise
        await self._redis.set(redis_key, json.dumps(
            {"state": "done", "fp": print_, "status": status, "body": body}), ex=self._ttl)
        return JSONResponse(body, status_code=status)

    @staticmethod
    def _replay(raw: bytes | str | None, print_: str) -> JSONResponse:
        if raw is None:
            raise problems.Problem(409, "idempotency-request-in-progress", "Request in progress",
                                   "A request with this Idempotency-Key is still running.",
                                   "使用该 Idempotency-Key 的请求仍在处理中。")
        stored = json.loads(raw)
        if stored["fp"] != print_:
            raise problems.Problem(
                422, "idempotency-key-reused", "Idempotency-Key reused",
                "This Idempotency-Key was used with a different request.",
                "该 Idempotency-Key 已用于另一个不同的请求。")
        if stored["state"] != "done":
            raise problems.Problem(409, "idempotency-request-in-progress", "Request in progress",
                                   "A request with this Idempotency-Key is still running.",
                                   "使用该 Idempotency-Key 的请求仍在处理中。")
        return JSONResponse(stored["body"], status_code=stored["status"],
                            headers={"Idempotent-Replayed": "true"})
