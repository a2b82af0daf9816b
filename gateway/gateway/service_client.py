"""The gateway's grpc.aio client of one EduCRM service.

One channel per service for the process (HTTP/2 multiplexes every concurrent call over it),
built by kit.grpc_client (TLS from `EDUCRM_GATEWAY_GRPC_TLS_*`, else `EDUCRM_GRPC_TLS_*`):
a deadline on every call, UNAVAILABLE retried by grpc with the same request bytes (so the
same idempotency key), keepalive. The channel has no interceptor (one costs a second call
object and task per call): `call` gives the deadline and the correlation id itself. gRPC
errors become problem documents here, so routes only deal with messages.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kit import grpc_client, grpc_errors
from kit.caller import CORRELATION_ID
from kit.grpc_tls import GrpcTlsSettings, load_tls

from .context import before_forward
from .problems import Problem, from_grpc_error

Metadata = Sequence[tuple[str, str]]
Stub = TypeVar("Stub")


def problem_from_rpc_error(error: grpc.aio.AioRpcError) -> Problem:
    info = grpc_errors.error_info(error)  # reason and zh text from kit's trailers
    return from_grpc_error(info.code, info.message, info.reason, info.message_zh,
                           extra=info.details)


class ServiceClient(Generic[Stub]):
    def __init__(self, target: str, stub_factory: Callable[[grpc.aio.Channel], Stub], *,
                 timeout: float = 5.0, tls: GrpcTlsSettings | None = None) -> None:
        self.target = target
        self.timeout = timeout
        # EDUCRM_GATEWAY_GRPC_TLS_* beats EDUCRM_GRPC_TLS_* (kit.grpc_tls).
        self.tls = tls if tls is not None else load_tls("gateway")
        self._stub_factory = stub_factory
        self._channel: grpc.aio.Channel | None = None
        self._stub: Stub | None = None
        self._health: health_pb2_grpc.HealthStub | None = None

    async def start(self) -> None:
        # Created inside the running loop: grpc.aio binds a channel to its loop.
        self._channel = grpc_client.aio_channel(self.target, default_timeout=self.timeout,
                                                tls=self.tls, propagate=False)
        self._stub = self._stub_factory(self._channel)
        self._health = health_pb2_grpc.HealthStub(self._channel)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    @property
    def stub(self) -> Stub:
        assert self._stub is not None, f"{type(self).__name__}.start() was not awaited"
        return self._stub

    async def call(self, method: str, request: Any, metadata: Metadata,
                   timeout: float | None = None) -> Any:
        """Call `method`; raise a Problem for any gRPC error. In a write, the request's
        audit intent is confirmed first (nothing reaches a service unaudited)."""
        await before_forward()
        if not any(key == CORRELATION_ID for key, _ in metadata):
            metadata = grpc_client.propagated_metadata(metadata)
        try:
            return await getattr(self.stub, method)(
                request, metadata=tuple(metadata), timeout=timeout or self.timeout)
        except grpc.aio.AioRpcError as error:
            raise problem_from_rpc_error(error) from None

    async def healthy(self, timeout: float = 1.0) -> bool:
        assert self._health is not None, f"{type(self).__name__}.start() was not awaited"
        try:
            response = await self._health.Check(health_pb2.HealthCheckRequest(service=""),
                                                timeout=timeout,
                                                metadata=grpc_client.propagated_metadata(()))
        except grpc.aio.AioRpcError:
            return False
        return response.status == health_pb2.HealthCheckResponse.SERVING
