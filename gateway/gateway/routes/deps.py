"""FastAPI dependencies shared by the routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..auth import Authenticated
from ..context import RequestContext, request_context
from ..personal_reads import DataKind
from ..runtime import GatewayRuntime, runtime


async def authenticated(request: Request) -> Authenticated:
    """A verified caller who passed the freeze flag, logout denylist and rate limit.

    It also carries the request context (`auth.ctx`) and the runtime (`auth.rt`): each
    FastAPI dependency costs a resolution pass per request, so hot routes take this one
    dependency instead of Auth + Ctx + Runtime."""
    rt = runtime(request)
    auth = await rt.authenticator.authenticate(request)
    auth.rt = rt
    return auth


def personal_record_reader(kind: DataKind):
    """A dependency like `authenticated` that also counts one personal record of `kind`
    toward the caller's freeze limit: for routes that return one person's data (a get)."""
    async def reader(request: Request) -> Authenticated:
        rt = runtime(request)
        auth = await rt.authenticator.authenticate(request, personal_record=kind)
        auth.rt = rt
        return auth
    reader.__name__ = f"{kind.value}_record_reader"
    return reader


async def count_personal_records(auth: Authenticated, kind: DataKind, records: int) -> None:
    """Every route that returns several people's personal data (a list, a roster, an export)
    calls this with what it is about to return, after the service answered and before
    anything is sent: `await count_personal_records(auth, DataKind.CUSTOMER, len(rows))`.
    Raises 403 account-frozen when these records take the caller past their limit."""
    await auth.rt.authenticator.count_personal_records(auth, kind, records)


# Async on purpose: FastAPI runs a plain `def` dependency in a worker thread, a thread hop
# per request that showed up at the top of the profile.
async def context_dependency(request: Request) -> RequestContext:
    return request_context(request)


async def runtime_dependency(request: Request) -> GatewayRuntime:
    return runtime(request)


Auth = Annotated[Authenticated, Depends(authenticated)]
# One record of a colleague (the user directory) / of a customer or student.
StaffRecordRead = Annotated[Authenticated, Depends(personal_record_reader(DataKind.STAFF))]
CustomerRecordRead = Annotated[Authenticated,
                               Depends(personal_record_reader(DataKind.CUSTOMER))]
Ctx = Annotated[RequestContext, Depends(context_dependency)]
Runtime = Annotated[GatewayRuntime, Depends(runtime_dependency)]
