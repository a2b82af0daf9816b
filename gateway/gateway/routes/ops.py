"""Operational endpoints: liveness, readiness, Prometheus metrics (not audited)."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ..audit import AuditUnavailable
from ..context import request_context
from ..problems import Problem, problem_response
from .deps import Runtime

router = APIRouter(tags=["operations"])


@router.get("/healthz", name="ops.healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", name="ops.readyz",
            responses={503: {"description": "A required dependency is down (see detail)"}})
async def readyz(request: Request, rt: Runtime) -> Response:
    async def redis_ok() -> bool:
        try:
            return bool(await asyncio.wait_for(rt.redis.ping(), 1.0))
        except Exception:  # noqa: BLE001 - any failure means not ready
            return False

    async def broker_ok() -> bool:
        try:
            await rt.publisher.ensure_ready()
            return True
        except AuditUnavailable:
            return False

    async def service_ok(name: str) -> bool:
        client = getattr(request.app.state, name, None)
        if client is None:
            return False
        try:
            return await client.healthy()
        except Exception:  # noqa: BLE001 - any failure means not serving
            return False

    redis, broker, identity, scheduling, leads = await asyncio.gather(
        redis_ok(), broker_ok(), rt.identity.healthy(), service_ok("scheduling"),
        service_ok("leads"))
    # Every dependency's state is listed; `required` says which of them gate readiness.
    checks = {"redis": redis, "rabbitmq": broker, "identity": identity,
              "scheduling": scheduling, "leads": leads}
    optional = set(rt.settings.readiness_optional)
    required = {name: name not in optional for name in checks}
    down = ", ".join(name for name, ok in checks.items() if not ok and required[name])
    if not down:
        degraded = [name for name, ok in checks.items() if not ok]
        return JSONResponse({"status": "ready", "checks": checks, "required": required,
                             "degraded": degraded})
    problem = Problem(503, "not-ready", "Not ready", f"Unavailable: {down}.",
                      f"以下依赖不可用：{down}。", extra={"checks": checks, "required": required})
    return problem_response(problem, request_context(request).correlation_id)


@router.get("/metrics", name="ops.metrics", include_in_schema=False)
async def metrics(rt: Runtime) -> Response:
    return Response(generate_latest(rt.metrics.registry), media_type=CONTENT_TYPE_LATEST)
