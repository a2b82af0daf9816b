"""The benchmark's floor: a minimal FastAPI app that only verifies the JWT (kit's verifier,
identity's JWKS) and runs one Redis Lua counter per request. Whatever the gateway does beyond
that (freeze/denylist gate, audit publish with confirms, problem handling, metrics) is its
overhead over this floor.

Token cache: the gateway keeps verified tokens (exact bytes -> claims, expiry re-checked on
every use), so the floor does the same (FLOOR_TOKEN_CACHE=1, the default; 0 verifies the
signature on every request). Same uvicorn settings as `python -m gateway` (uvloop, httptools,
1 worker, no access log, log level warning) and the same collector settings (kit.heap)
once the app is built.

With a fourth argument (bench_read_path.py), `/v1/users/{id}` is the floor of a read that
crosses gRPC: the same JWT check and Redis counter, then one grpc.aio call (kit.grpc_client's
channel, as the gateway uses) to bench/gateway/floor_identity.py, a bare grpcio server with one
primary-key SELECT.

Run: python bench/gateway/floor_app.py PORT IDENTITY_TARGET REDIS_URL [FLOOR_GRPC_TARGET]
"""
from __future__ import annotations

import contextlib
import os
import sys
import time

import grpc
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from kit import heap
from kit.access_token import KeySet, verify_access_token
from kit.errors import Unauthenticated
from kit.grpc_client import aio_channel, fetch_jwks
from redis.asyncio import Redis

COUNTER = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def create_floor_app(identity_target: str, redis_url: str,
                     floor_grpc_target: str | None = None) -> FastAPI:
    with grpc.insecure_channel(identity_target) as channel:
        document = fetch_jwks(channel)
    keys = KeySet(lambda: document)
    redis = Redis.from_url(redis_url, max_connections=256)
    counter = redis.register_script(COUNTER)
    cache_tokens = os.environ.get("FLOOR_TOKEN_CACHE", "1") == "1"
    verified: dict[str, dict] = {}

    def verify(token: str) -> dict:
        claims = verified.get(token) if cache_tokens else None
        if claims is not None and claims["exp"] + 5 > time.time():
            return claims
        claims = verify_access_token(token, keys, leeway=5)
        if cache_tokens:
            if len(verified) >= 20_000:
                verified.clear()
            verified[token] = claims
        return claims

    stubs: list = []

    @contextlib.asynccontextmanager
    async def lifespan(app):
        channel = None
        if floor_grpc_target:
            from contracts.identity import identity_pb2_grpc

            # bound to the running loop; no interceptor, as the gateway's channel
            channel = aio_channel(floor_grpc_target, propagate=False)
            stubs.append(identity_pb2_grpc.IdentityServiceStub(channel))
        yield
        if channel is not None:
            await channel.close()
        await redis.aclose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/v1/me")
    async def me(request: Request):
        token = request.headers.get("authorization", "")[7:]
        try:
            claims = verify(token)
        except Unauthenticated:
            return JSONResponse({"detail": "unauthenticated"}, status_code=401)
        count = await counter(keys=[f"bench:floor:{claims['sub']}"], args=[60_000])
        return {"user": {"id": claims["sub"], "username": claims.get("name", "")},
                "count": count}

    if floor_grpc_target:
        @app.get("/v1/users/{user_id}")
        async def user(user_id: str, request: Request):
            from contracts.identity import identity_pb2

            token = request.headers.get("authorization", "")[7:]
            try:
                claims = verify(token)
            except Unauthenticated:
                return JSONResponse({"detail": "unauthenticated"}, status_code=401)
            await counter(keys=[f"bench:floor:{claims['sub']}"], args=[60_000])
            try:
                response = await stubs[0].GetUser(identity_pb2.GetUserRequest(user_id=user_id),
                                                  timeout=5.0)
            except grpc.aio.AioRpcError:
                return JSONResponse({"detail": "not found"}, status_code=404)
            found = response.user
            return {"id": found.id, "username": found.username,
                    "display_name": found.display_name, "email": found.email,
                    "org_unit_id": found.org_unit_id}

    return app


if __name__ == "__main__":
    port, target, redis_url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    app = create_floor_app(target, redis_url, sys.argv[4] if len(sys.argv) > 4 else None)
    # As `python -m gateway` does: the collector settings of a server (kit.heap).
    heap.settle_for_serving()
    uvicorn.run(app, host="127.0.0.1", port=port,
                loop="uvloop", http="httptools", lifespan="on", access_log=False,
                log_level="warning", proxy_headers=True)
