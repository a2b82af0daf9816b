"""FastAPI dependencies shared by the routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..auth import Authenticated
from ..context import RequestContext, request_context
from ..runtime import GatewayRuntime, runtime


async def authenticated(request: Request) -> Authenticated:
    """A verified caller who passed the freeze flag, logout denylist and rate limit."""
    return await runtime(request).authenticator.authenticate(request, personal=False)


async def personal_data_reader(request: Request) -> Authenticated:
    """Like `authenticated`, and counts a read of personal data toward the freeze limit.
    Every route that returns personal data (users here; customers later) depends on this."""
    return await runtime(request).authenticator.authenticate(request, personal=True)


Auth = Annotated[Authenticated, Depends(authenticated)]
PersonalRead = Annotated[Authenticated, Depends(personal_data_reader)]
Ctx = Annotated[RequestContext, Depends(request_context)]
Runtime = Annotated[GatewayRuntime, Depends(runtime)]
