"""Authentication of every protected request: verify the Bearer access token locally, then
pass the Redis gate (freeze flag, logout denylist, per-user rate limit, personal-read
counter) in one round trip.

Every failure is a problem document: 401 for any token defect (algorithm `none`, algorithm
confusion, expired, no `exp`, wrong audience/issuer, refresh token as access token, bad
signature) and for a logged-out session; 403 `account-frozen` for a frozen user; 429 over
the per-user limit; 503 when Redis cannot be asked (fail closed).
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any

from fastapi import Request
from kit.access_token import verify_access_token
from kit.caller import Caller
from kit.errors import Unauthenticated
from redis.exceptions import RedisError

from . import problems
from .context import RequestContext, request_context
from .freeze import Freezer
from .gate import GateVerdict, RequestGate
from .keys import JwksCache
from .metrics import GatewayMetrics
from .rate_limits import LimitState

MAX_TOKEN_LENGTH = 8192


@dataclasses.dataclass(frozen=True)
class Authenticated:
    token: str
    claims: dict[str, Any]
    caller: Caller


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        raise problems.unauthenticated()
    return token


class Authenticator:
    def __init__(self, jwks: JwksCache, gate: RequestGate, freezer: Freezer,
                 metrics: GatewayMetrics, *, rate_limit: int, rate_window_s: int,
                 leeway: int = 5, cache_size: int = 20_000) -> None:
        self._jwks = jwks
        self._gate = gate
        self._freezer = freezer
        self._metrics = metrics
        self._rate = (rate_limit, rate_window_s)
        self._leeway = leeway
        # Verified tokens (exact bytes, signature included) -> claims. A hit skips the
        # Ed25519 check only; expiry is re-checked on every use, and a JWKS refresh (key
        # rotation or removal) empties it.
        self._verified: dict[str, dict[str, Any]] = {}
        self._verified_generation = -1
        self._cache_size = cache_size

    async def verify(self, token: str) -> dict[str, Any]:
        if self._verified_generation != self._jwks.generation:
            self._verified.clear()
            self._verified_generation = self._jwks.generation
        claims = self._verified.get(token)
        if claims is not None:
            if claims["exp"] + self._leeway > time.time():
                return claims
            del self._verified[token]
            raise problems.unauthenticated("The access token has expired.", "访问令牌已过期。",
                                           reason="token-expired")
        keyset = await self._jwks.keyset_for(token)
        try:
            claims = verify_access_token(token, keyset, leeway=self._leeway)
        except Unauthenticated as error:
            if error.reason == "token.expired":
                raise problems.unauthenticated("The access token has expired.", "访问令牌已过期。",
                                               reason="token-expired") from None
            raise problems.unauthenticated("The access token is invalid.", "访问令牌无效。",
                                           reason="token-invalid") from None
        if len(self._verified) >= self._cache_size:
            self._verified.clear()
        self._verified[token] = claims
        return claims

    async def authenticate(self, request: Request, *, personal: bool) -> Authenticated:
        ctx = request_context(request)
        token = bearer_token(request)
        claims = await self.verify(token)
        try:
            caller = Caller.from_claims(claims)
        except (KeyError, ValueError, TypeError):
            raise problems.unauthenticated("The access token is invalid.", "访问令牌无效。",
                                           reason="token-invalid") from None
        ctx.user_id, ctx.username = caller.user_id, caller.username
        try:
            result = await self._gate.check(caller.user_id, caller.session_id, personal=personal)
        except RedisError:
            raise problems.rate_limiter_unavailable() from None
        limit = LimitState("user", self._rate[0], self._rate[1], result.remaining,
                           result.reset_ms)
        match result.verdict:
            case GateVerdict.PASS:
                ctx.response_headers.update(limit.headers())
                return Authenticated(token, claims, caller)
            case GateVerdict.FROZEN:
                raise problems.account_frozen()
            case GateVerdict.SESSION_REVOKED:
                raise problems.unauthenticated("This session has been logged out.",
                                               "该会话已退出登录。", reason="session-revoked")
            case GateVerdict.RATE_LIMITED:
                self._metrics.rate_limited.labels("user").inc()
                raise limit.exceeded()
            case GateVerdict.JUST_FROZEN:
                await self._on_just_frozen(ctx, caller)
                raise problems.account_frozen()
        raise problems.internal_error()

    async def _on_just_frozen(self, ctx: RequestContext, caller: Caller) -> None:
        recorded = await self._freezer.record_automatic_freeze(caller.user_id, ctx.correlation_id)
        ctx.detail["auto_freeze"] = True
        ctx.extra_audit.append({
            "action": "security.auto_freeze", "target_type": "user",
            "target_id": caller.user_id, "outcome": "denied", "status_code": 403,
            "detail": {"decision": "freeze", "automatic": True,
                       "identity_recorded": recorded},
        })


def require_right(auth: Authenticated, right: str) -> None:
    """Gateway-side action check (services check again): the right, or the admin role."""
    if not (auth.caller.can(right) or auth.caller.has_role("admin")):
        raise problems.forbidden()
