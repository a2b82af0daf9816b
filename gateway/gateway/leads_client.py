"""The gateway's grpc.aio client of the leads service: one channel, every area's stub on it.

Leads serves one gRPC service per area (customers, follow-ups, ...). `LEADS_STUBS` lists their
stub classes; an area's route module appends its own. A method is found by name on whichever
stub has it (method names are unique across leads' services), so routes call
`client.call("CreateCustomer", ...)` like any other ServiceClient.

The client lives on the app (`app.state.leads`), opened and closed by `lifespan`, which the
app's lifespan enters (gateway/app.py); tests may inject one.
"""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import grpc
from contracts.leads import customers_pb2_grpc
from fastapi import FastAPI, Request

from .service_client import ServiceClient

LEADS_STUBS: list[type] = [customers_pb2_grpc.CustomerServiceStub]


class LeadsStubs:
    """Every leads area's stub over one channel, looked up by method name."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stubs = [stub(channel) for stub in LEADS_STUBS]

    def __getattr__(self, method: str) -> Any:
        for stub in self._stubs:
            if hasattr(stub, method):
                return getattr(stub, method)
        raise AttributeError(method)


class LeadsClient(ServiceClient[LeadsStubs]):
    def __init__(self, target: str, *, timeout: float = 5.0) -> None:
        super().__init__(target, LeadsStubs, timeout=timeout)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    owned = getattr(app.state, "leads", None) is None  # tests may inject one
    if owned:
        settings = app.state.runtime.settings
        app.state.leads = LeadsClient(settings.leads_target, timeout=settings.grpc_timeout)
    client: LeadsClient = app.state.leads
    await client.start()
    try:
        yield
    finally:
        await client.close()
        if owned:
            app.state.leads = None


def leads_of(request: Request) -> LeadsClient:
    return request.app.state.leads
