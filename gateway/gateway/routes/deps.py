"""FastAPI dependencies shared by the routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..auth import Authenticated
from ..context import RequestContext, request_context
from ..runtime import GatewayRuntime, runtime


async def authenticated(request: Request) -> Authenticated:
    """A verified caller who passed the freeze flag, logout denylist and rate limit.

    It also carries the request context (`auth.ctx`) and the runtime (`auth.rt`): each
    FastAPI dependency costs a resolution pass per request, so hot routes take this one
    dependency instead of Auth + Ctx + Runtime."""
    rt = runtime(request)
    auth = await rt.authenticator.authenticate(request, personal=False)
    auth.rt = rt
    return auth


async def personal_data_reader(request: Request) -> Authenticated:
    """Like `authenticated`, and counts a read of personal data toward the freeze limit.
    Every route that returns personal data (users here; customers later) depends on this."""
    rt = runtime(request)
    auth = await rt.authenticator.authenticate(request, personal=True)
    auth.rt = rt
    return auth


# Async on purpose: FastAPI runs a plain `def` dependency in a worker thread, a thread hop
# per request that showed up at the top of the profile.
async def context_dependency(request: Request) -> RequestContext:
    return request_context(request)


async def runtime_dependency(request: Request) -> GatewayRuntime:
    return runtime(request)


Auth = Annotated[Authenticated, Depends(authenticated)]
PersonalRead = Annotated[Authenticated, Depends(personal_data_reader)]
Ctx = Annotated[RequestContext, Depends(context_dependency)]
Runtime = Annotated[GatewayRuntime, Depends(runtime_dependency)]
