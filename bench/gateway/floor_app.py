"""The benchmark's floor: a minimal FastAPI app that only verifies the JWT (kit's verifier,
identity's JWKS) and runs one Redis Lua counter per request. Whatever the gateway does beyond
that (freeze/denylist gate, audit publish with confirms, problem handling, metrics) is its
overhead over this floor.

Run: python bench/gateway/floor_app.py PORT IDENTITY_TARGET REDIS_URL
"""
from __future__ import annotations

import contextlib
import sys

import grpc
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from kit.access_token import KeySet, verify_access_token
from kit.errors import Unauthenticated
from kit.grpc_client import fetch_jwks
from redis.asyncio import Redis

COUNTER = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def create_floor_app(identity_target: str, redis_url: str) -> FastAPI:
    with grpc.insecure_channel(identity_target) as channel:
        document = fetch_jwks(channel)
    keys = KeySet(lambda: document)
    redis = Redis.from_url(redis_url, max_connections=256)
    counter = redis.register_script(COUNTER)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        await redis.aclose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/v1/me")
    async def me(request: Request):
        token = request.headers.get("authorization", "")[7:]
        try:
            claims = verify_access_token(token, keys)
        except Unauthenticated:
            return JSONResponse({"detail": "unauthenticated"}, status_code=401)
        count = await counter(keys=[f"bench:floor:{claims['sub']}"], args=[60_000])
        return {"user": {"id": claims["sub"], "username": claims.get("name", "")},
                "count": count}

    return app


if __name__ == "__main__":
    port, target, redis_url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    uvicorn.run(create_floor_app(target, redis_url), host="127.0.0.1", port=port,
                loop="uvloop", http="httptools", lifespan="on", access_log=False,
                log_level="warning")
