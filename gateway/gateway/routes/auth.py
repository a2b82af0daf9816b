"""Login, token refresh, logout and the caller's own profile."""
from __future__ import annotations

import time

import orjson
from contracts.identity import identity_pb2
from fastapi import APIRouter, Request, Response
from kit.caller import Caller
from kit.logs import mask_username
from redis.exceptions import RedisError

from .. import problems
from ..problems import Problem
from ..runtime import forward_metadata
from ..schemas import LoginBody, LogoutBody, MeOut, RefreshBody, TokenPair, token_pair_json
from .deps import Auth, Ctx, Runtime, authenticated

router = APIRouter(prefix="/v1", tags=["auth"])
_ERRORS = {401: {"description": "Invalid credentials or token"},
           403: {"description": "Account frozen"}, 429: {"description": "Too many attempts"}}


@router.post("/auth/login", name="auth.login", response_model=TokenPair, responses=_ERRORS)
async def login(body: LoginBody, ctx: Ctx, rt: Runtime) -> dict:
    # Who tried, for the audit record (never the password); masked unless the login works:
    # a failed "username" may be a password typed in the wrong field.
    ctx.username = mask_username(body.username)
    ctx.target("session")
    limiter, address = rt.login_limiter, ctx.client_address
    await limiter.check(body.username, address)
    request = identity_pb2.LoginRequest(username=body.username, password=body.password,
                                        client_address=address,
                                        user_agent=ctx.user_agent[:256])
    try:
        response = await rt.identity.call("Login", request, forward_metadata(ctx))
    except Problem as problem:
        if problem.reason != "account-frozen" and problem.status in (401, 404, 422):
            await limiter.failed(address)
            # Unknown user and wrong password look the same from outside.
            raise problems.login_failed() from None
        await limiter.release(body.username, address, succeeded=False)
        raise
    except Exception:
        await limiter.release(body.username, address, succeeded=False)
        raise
    await limiter.release(body.username, address, succeeded=True)
    ctx.username = body.username
    await _note_subject(rt, ctx, response.tokens.access_token)
    return token_pair_json(response.tokens)


@router.post("/auth/refresh", name="auth.refresh", response_model=TokenPair, responses=_ERRORS)
async def refresh(body: RefreshBody, ctx: Ctx, rt: Runtime) -> dict:
    ctx.target("session")
    request = identity_pb2.RefreshTokenRequest(refresh_token=body.refresh_token,
                                               client_address=ctx.client_address)
    try:
        response = await rt.identity.call("RefreshToken", request, forward_metadata(ctx))
    except Problem as problem:
        if problem.status in (401, 404, 422):
            raise problems.unauthenticated("The refresh token is invalid or expired.",
                                           "刷新令牌无效或已过期。",
                                           reason="invalid-refresh-token") from None
        raise
    await _note_subject(rt, ctx, response.tokens.access_token)
    return token_pair_json(response.tokens)


@router.post("/auth/logout", name="auth.logout", status_code=204, response_class=Response,
             responses={401: {"description": "Not logged in"}})
async def logout(auth: Auth, body: LogoutBody | None = None) -> Response:
    ctx, rt = auth.ctx, auth.rt
    session_id = auth.caller.session_id or str(auth.claims["jti"])
    ctx.target("session", session_id)
    # Denylist first (fail safe): from now on every replica refuses this session's tokens
    # until the longest of them expires.
    ttl = max(1, int(auth.claims["exp"] - time.time()) + 60)
    key = rt.keys.revoked_session(session_id)
    try:
        await rt.redis.set(key, "1", ex=ttl)
    except RedisError:
        raise problems.rate_limiter_unavailable() from None
    request = identity_pb2.LogoutRequest(refresh_token=(body.refresh_token or "") if body else "")
    response = await rt.identity.call("Logout", request, forward_metadata(ctx, auth))
    if response.revoked_for_seconds > ttl:
        await rt.redis.set(key, "1", ex=int(response.revoked_for_seconds))
    return Response(status_code=204)


@router.get("/me", name="me.get", response_model=MeOut,
            responses={401: {"description": "Not logged in"}})
async def me(request: Request) -> Response:
    # The hottest read, so it takes no FastAPI dependency at all: it calls the very function
    # the Auth dependency is (same checks, same problems), without the per-request
    # dependency-resolution pass that was ~10% of its profile. Answered from the verified
    # token: no call to identity. Built already in MeOut's shape and sent as bytes by orjson
    # (response_model documents it): no validate-and-serialise pass; the JSON is the same.
    auth = await authenticated(request)
    caller = auth.caller
    auth.ctx.target("user", caller.user_id)
    return Response(_me_body(caller), media_type="application/json")


def _me_body(caller: Caller) -> bytes:
    return orjson.dumps({
        "user": {"id": caller.user_id, "username": caller.username},
        "roles": list(caller.roles), "rights": list(caller.rights),
        "org_unit_id": caller.org_unit_id, "department_id": caller.department_id,
        "region_id": caller.region_id, "data_scope": caller.data_scope.value})


async def _note_subject(rt, ctx, access_token: str) -> None:
    """Put the logged-in user's id in the audit record (from the token identity just made)."""
    try:
        claims = await rt.authenticator.verify(access_token)
    except Problem:
        return
    ctx.user_id = str(claims.get("sub", ""))
    ctx.target("session", str(claims.get("sid", "")))
