"""The gateway's grpc.aio client of the identity service (see service_client.py)."""
from __future__ import annotations

from contracts.identity import identity_pb2, identity_pb2_grpc
from kit import grpc_client
from kit.grpc_tls import GrpcTlsSettings
from kit.internal_auth import INTERNAL_TOKEN_METADATA  # noqa: F401 - re-exported

from .service_client import Metadata, ServiceClient, problem_from_rpc_error  # noqa: F401


class IdentityClient(ServiceClient[identity_pb2_grpc.IdentityServiceStub]):
    def __init__(self, target: str, *, timeout: float = 5.0,
                 tls: GrpcTlsSettings | None = None) -> None:
        super().__init__(target, identity_pb2_grpc.IdentityServiceStub, timeout=timeout,
                         tls=tls)

    async def signing_keys(self) -> str:
        response = await self.stub.GetSigningKeys(
            identity_pb2.GetSigningKeysRequest(), timeout=self.timeout,
            metadata=grpc_client.propagated_metadata(()))
        return response.jwks_json
