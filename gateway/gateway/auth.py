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
from kit.revocations import DenyList
from redis.exceptions import RedisError

from . import problems
from .context import RequestContext, request_context
from .freeze import FreezeOutcome, Freezer
from .gate import GateVerdict, RequestGate
from .keys import JwksCache
from .metrics import GatewayMetrics
from .personal_reads import DataKind, ReadLimits
from .rate_limits import LimitState

MAX_TOKEN_LENGTH = 8192


@dataclasses.dataclass(slots=True)
class Authenticated:
    """The verified caller, and (so that a route needs one dependency, not three) the
    request's context and the app's runtime."""
    token: str
    claims: dict[str, Any]
    caller: Caller
    ctx: RequestContext
    rt: Any = None  # GatewayRuntime (set by the dependency; typed loosely to avoid a cycle)


def bearer_token(request: Request) -> str:
    header = ""
    for key, value in request.scope["headers"]:  # no Headers object on the hot path
        if key == b"authorization":
            header = value.decode("latin-1")
            break
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        raise problems.unauthenticated()
    return token


class Authenticator:
    def __init__(self, jwks: JwksCache, gate: RequestGate, freezer: Freezer,
                 metrics: GatewayMetrics, *, read_limits: ReadLimits, rate_limit: int,
                 rate_window_s: int, leeway: int = 5, cache_size: int = 20_000,
                 deny_list: DenyList | None = None) -> None:
        self._jwks = jwks
        # identity's revocations held in memory (revocations.py): refuses a frozen user or a
        # revoked session even when Redis lost its flags.
        self._deny_list = deny_list
        self._gate = gate
        self._freezer = freezer
        self._read_limits = read_limits
        self._metrics = metrics
        self._rate = (rate_limit, rate_window_s)
        self._leeway = leeway
        # Verified tokens (exact bytes, signature included) -> (claims, Caller). A hit skips
        # the Ed25519 check and the Caller parse only; expiry is re-checked on every use, and
        # a JWKS refresh (key rotation or removal) empties it.
        self._verified: dict[str, tuple[dict[str, Any], Caller | None]] = {}
        self._verified_generation = -1
        self._cache_size = cache_size
        self._policy_header: str | None = None

    async def verify(self, token: str) -> dict[str, Any]:
        return (await self._verify_cached(token))[0]

    async def _verify_cached(self, token: str) -> tuple[dict[str, Any], Caller | None]:
        if self._verified_generation != self._jwks.generation:
            self._verified.clear()
            self._verified_generation = self._jwks.generation
        hit = self._verified.get(token)
        if hit is not None:
            if hit[0]["exp"] + self._leeway > time.time():
                return hit
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
        try:
            caller: Caller | None = Caller.from_claims(claims)
        except (KeyError, ValueError, TypeError):
            caller = None  # verified but not a usable caller: authenticate() refuses it
        if len(self._verified) >= self._cache_size:
            self._verified.clear()
        hit = self._verified[token] = (claims, caller)
        return hit

    async def authenticate(self, request: Request, *,
                           personal_record: DataKind | None = None) -> Authenticated:
        """`personal_record`: the request reads one personal record of that kind (a get),
        counted here before the service is asked."""
        ctx = request_context(request)
        token = bearer_token(request)
        claims, caller = await self._verify_cached(token)
        if caller is None:
            raise problems.unauthenticated("The access token is invalid.", "访问令牌无效。",
                                           reason="token-invalid")
        ctx.user_id, ctx.username = caller.user_id, caller.username
        deny_list = self._deny_list
        if deny_list is not None and deny_list.loaded:
            if deny_list.user_state(caller.user_id) is not None:
                raise problems.account_frozen()
            if caller.session_id and deny_list.session_denied(caller.session_id):
                # A freeze ends the user's sessions, and those events may arrive before the
                # user's own: say "frozen" (why, and whom to ask) when that is the cause.
                try:
                    frozen = await self._freezer.is_flagged(caller.user_id)
                except RedisError:
                    frozen = False
                if frozen:
                    raise problems.account_frozen()
                raise problems.unauthenticated("This session has been logged out.",
                                               "该会话已退出登录。", reason="session-revoked")
        kind = personal_record or DataKind.STAFF
        max_records = (self._read_limits.for_roles(caller.roles, kind)
                       if personal_record is not None else 0)
        try:
            result = await self._gate.check(caller.user_id, caller.session_id, kind=kind,
                                            records=1 if personal_record is not None else 0,
                                            max_records=max_records)
        except RedisError:
            raise problems.rate_limiter_unavailable() from None
        if result.verdict == GateVerdict.PASS:
            ctx.response_headers.update(self._limit_headers(result.remaining, result.reset_ms))
            return Authenticated(token, claims, caller, ctx)
        limit = LimitState("user", self._rate[0], self._rate[1], result.remaining,
                           result.reset_ms)
        match result.verdict:
            case GateVerdict.FROZEN:
                raise problems.account_frozen()
            case GateVerdict.SESSION_REVOKED:
                raise problems.unauthenticated("This session has been logged out.",
                                               "该会话已退出登录。", reason="session-revoked")
            case GateVerdict.RATE_LIMITED:
                self._metrics.rate_limited.labels("user").inc()
                raise limit.exceeded()
            case GateVerdict.JUST_FROZEN:
                if await self._on_just_frozen(ctx, caller, kind, max_records):
                    raise problems.account_frozen()
                ctx.response_headers.update(self._limit_headers(result.remaining,
                                                                result.reset_ms))
                return Authenticated(token, claims, caller, ctx)
        raise problems.internal_error()

    async def count_personal_records(self, auth: Authenticated, kind: DataKind,
                                     records: int) -> None:
        """Count the personal records a response is about to return (a list's items, an
        export's rows). Raises 403 account-frozen when the caller is frozen, by these records
        or meanwhile: the response is then not sent."""
        if records <= 0:
            return
        caller = auth.caller
        max_records = self._read_limits.for_roles(caller.roles, kind)
        try:
            verdict = await self._gate.count(caller.user_id, kind, records, max_records)
        except RedisError:
            raise problems.rate_limiter_unavailable() from None
        if verdict == GateVerdict.FROZEN:
            raise problems.account_frozen()
        if verdict == GateVerdict.JUST_FROZEN and await self._on_just_frozen(
                auth.ctx, caller, kind, max_records):
            raise problems.account_frozen()

    def _limit_headers(self, remaining: int, reset_ms: int) -> dict[str, str]:
        """LimitState(...).headers() of the user limit, with the constant policy cached."""
        policy = self._policy_header
        if policy is None:
            policy = self._policy_header = LimitState("user", *self._rate, 0, 0).headers()[
                "RateLimit-Policy"]
        reset = max(1, -(-reset_ms // 1000))
        return {"RateLimit-Policy": policy,
                "RateLimit": f'"user";r={remaining if remaining > 0 else 0};t={reset}'}

    async def _on_just_frozen(self, ctx: RequestContext, caller: Caller, kind: DataKind,
                              max_records: int) -> bool:
        """The alert of a reader who passed their limit; False when identity withheld the
        freeze (nobody would be left to unfreeze): then the request is served."""
        why = self._read_limits.describe(kind, max_records)
        outcome = await self._freezer.record_automatic_freeze(caller.user_id,
                                                              ctx.correlation_id, why)
        frozen = outcome != FreezeOutcome.WITHHELD
        ctx.detail["auto_freeze"] = frozen
        ctx.extra_audit.append({
            "action": "security.auto_freeze", "target_type": "user",
            "target_id": caller.user_id, "outcome": "denied" if frozen else "allowed",
            "status_code": 403 if frozen else 200,
            "detail": {"decision": "freeze" if frozen else "withheld", "automatic": True,
                       "identity_recorded": outcome == FreezeOutcome.RECORDED,
                       "kind": kind.value, "limit": max_records,
                       "window_seconds": self._read_limits.window_seconds},
        })
        return frozen


def require_right(auth: Authenticated, right: str) -> None:
    """Gateway-side action check (services check again): the right, or the admin role."""
    if not (auth.caller.can(right) or auth.caller.has_role("admin")):
        raise problems.forbidden()
