"""Identity's public signing keys (JWKS), fetched over gRPC and cached by kid.

kit.access_token.KeySet fetches synchronously; in asyncio we fetch ahead instead: an unknown
kid triggers one awaited refresh (at most every `min_refresh_interval` seconds, so forged kids
cannot make us hammer identity), then verification runs on the cached document. Every
`max_age` seconds a background task re-reads the set, so a key identity retired stops
verifying within minutes without a restart (docs/key-rotation.md).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable

import grpc
import jwt
from kit.access_token import KeySet

from .problems import dependency_unavailable

log = logging.getLogger(__name__)


class JwksCache:
    def __init__(self, fetch: Callable[[], Awaitable[str]], *, min_refresh_interval: float = 10.0,
                 max_age: float | None = None):
        self._fetch = fetch
        self._interval = min_refresh_interval
        self._max_age = max_age
        self._kids: frozenset[str] = frozenset()
        self._keyset = KeySet(lambda: {"keys": []})
        self._document: dict | None = None
        self._last_refresh = float("-inf")
        # Only refreshes for unknown kids are throttled: the periodic re-read must not use up
        # their budget, or a token of a just-rotated key waits for the next periodic read.
        self._last_unknown_refresh = float("-inf")
        self._lock = asyncio.Lock()
        self._refresher: asyncio.Task | None = None
        self.generation = 0  # bumped when the keys change; verified-token caches key on it

    async def refresh(self) -> None:
        document = json.loads(await self._fetch())
        self._last_refresh = time.monotonic()
        if document == self._document:
            return  # unchanged: keep the verified-token cache
        kids = frozenset(k["kid"] for k in document.get("keys", []))
        self._keyset = KeySet(lambda: document)
        self._kids = kids
        self._document = document
        self.generation += 1

    # -- periodic re-read: a key removed from identity's set stops verifying ------------
    def start(self) -> None:
        if self._max_age:
            self._refresher = asyncio.create_task(self._refresh_forever(), name="jwks-refresh")

    async def stop(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher

    async def _refresh_forever(self) -> None:
        assert self._max_age
        while True:
            await asyncio.sleep(self._max_age)
            try:
                async with self._lock:
                    await self.refresh()
            except (grpc.aio.AioRpcError, ValueError, KeyError) as error:
                # Keep the keys we have: identity briefly down must not refuse every token.
                log.warning("signing keys not re-read: %r", error)

    async def keyset_for(self, token: str) -> KeySet:
        """The KeySet to verify `token` with, refreshed first if its kid is new to us."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return self._keyset  # verification will reject it
        if kid in self._kids:
            return self._keyset
        async with self._lock:
            due = time.monotonic() - self._last_unknown_refresh >= self._interval
            if kid not in self._kids and (due or not self._kids):
                self._last_unknown_refresh = time.monotonic()
                try:
                    await self.refresh()
                except (grpc.aio.AioRpcError, ValueError, KeyError):
                    self._last_refresh = time.monotonic()
        if not self._kids:
            # Without identity's keys nobody can be verified: that is an outage, not a 401.
            raise dependency_unavailable("The identity service", "身份服务")
        return self._keyset
