"""The gateway's grpc.aio client of the identity service.

Every call carries a deadline and the request's metadata (the caller's token, correlation id,
client address, idempotency key); gRPC errors become problem documents here, so routes
only deal with messages.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from identity.pb import identity_pb2, identity_pb2_grpc
from kit import grpc_errors
from kit.internal_auth import INTERNAL_TOKEN_METADATA  # noqa: F401 - re-exported

from .problems import Problem, from_grpc_error

Metadata = Sequence[tuple[str, str]]


def problem_from_rpc_error(error: grpc.aio.AioRpcError) -> Problem:
    info = grpc_errors.error_info(error)  # reason and zh text from kit's trailers
    return from_grpc_error(info.code, info.message, info.reason, info.message_zh)


class IdentityClient:
    """One channel for the process (HTTP/2 multiplexes every concurrent call over it)."""

    def __init__(self, target: str, *, timeout: float = 5.0) -> None:
        self.target = target
        self.timeout = timeout
        self._channel: grpc.aio.Channel | None = None
        self._stub: identity_pb2_grpc.IdentityServiceStub | None = None
        self._health: health_pb2_grpc.HealthStub | None = None

    async def start(self) -> None:
        # Created inside the running loop: grpc.aio binds a channel to its loop.
        self._channel = grpc.aio.insecure_channel(self.target, options=[
            ("grpc.keepalive_time_ms", 30_000),
            ("grpc.keepalive_timeout_ms", 10_000),
        ])
        self._stub = identity_pb2_grpc.IdentityServiceStub(self._channel)
        self._health = health_pb2_grpc.HealthStub(self._channel)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    @property
    def stub(self) -> identity_pb2_grpc.IdentityServiceStub:
        assert self._stub is not None, "IdentityClient.start() was not awaited"
        return self._stub

    async def call(self, method: str, request: Any, metadata: Metadata,
                   timeout: float | None = None) -> Any:
        """Call `method`; raise a Problem for any gRPC error."""
        try:
            return await getattr(self.stub, method)(
                request, metadata=tuple(metadata), timeout=timeout or self.timeout)
        except grpc.aio.AioRpcError as error:
            raise problem_from_rpc_error(error) from None

    async def signing_keys(self) -> str:
        response = await self.stub.GetSigningKeys(identity_pb2.GetSigningKeysRequest(),
                                                  timeout=self.timeout)
        return response.jwks_json

    async def healthy(self, timeout: float = 1.0) -> bool:
        assert self._health is not None
        try:
            response = await self._health.Check(health_pb2.HealthCheckRequest(service=""),
                                                timeout=timeout)
        except grpc.aio.AioRpcError:
            return False
        return response.status == health_pb2.HealthCheckResponse.SERVING
