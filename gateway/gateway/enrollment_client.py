"""The gateway's grpc.aio client of the enrollment service, on the app
(`app.state.enrollment`), opened and closed by `lifespan` (entered by the app's lifespan)."""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from contracts.enrollment import enrollment_pb2_grpc as pb_grpc
from fastapi import FastAPI, Request

from .service_client import ServiceClient


class EnrollmentClient(ServiceClient[pb_grpc.EnrollmentServiceStub]):
    def __init__(self, target: str, *, timeout: float = 5.0) -> None:
        super().__init__(target, pb_grpc.EnrollmentServiceStub, timeout=timeout)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    owned = getattr(app.state, "enrollment", None) is None  # tests may inject one
    if owned:
        settings = app.state.runtime.settings
        app.state.enrollment = EnrollmentClient(settings.enrollment_target,
                                                timeout=settings.grpc_timeout)
    client: EnrollmentClient = app.state.enrollment
    await client.start()
    try:
        yield
    finally:
        await client.close()
        if owned:
            app.state.enrollment = None


def client_of(request: Request) -> EnrollmentClient:
    return request.app.state.enrollment
