"""TLS for gRPC between EduCRM processes: server and channel credentials from settings.

Settings (kit.settings style: `EDUCRM_<SERVICE>_<FIELD>` beats `EDUCRM_<FIELD>`), all paths to
PEM files:

- server side: `EDUCRM_GRPC_TLS_CERT` + `EDUCRM_GRPC_TLS_KEY` (the server's certificate chain
  and key); `EDUCRM_GRPC_TLS_CLIENT_CA` turns on mutual TLS: clients must present a
  certificate signed by it.
- client side: `EDUCRM_GRPC_TLS_CA` (the bundle that signs servers' certificates),
  `EDUCRM_GRPC_TLS_CLIENT_CERT` + `EDUCRM_GRPC_TLS_CLIENT_KEY` (presented for mutual TLS),
  `EDUCRM_GRPC_TLS_SERVER_NAME` (expected name in the server certificate when it differs from
  the dialled host).
- `EDUCRM_GRPC_TLS_PROVIDED_BY_MESH=1`: a service mesh (sidecars) encrypts and authenticates
  the traffic, the processes speak plaintext to their sidecar.

With `EDUCRM_ENV=production` a server refuses to listen and a client refuses to dial in
plaintext unless the mesh setting says so. Development (`make run`) stays plaintext.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import grpc

from . import settings as kit_settings


class TlsRequired(RuntimeError):
    """Production without TLS settings and without a mesh that provides it."""


@dataclasses.dataclass(frozen=True)
class GrpcTlsSettings:
    env: str = "development"
    grpc_tls_cert: str = ""
    grpc_tls_key: str = ""
    grpc_tls_client_ca: str = ""
    grpc_tls_ca: str = ""
    grpc_tls_client_cert: str = ""
    grpc_tls_client_key: str = ""
    grpc_tls_server_name: str = ""
    grpc_tls_provided_by_mesh: bool = False

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def serves_tls(self) -> bool:
        return bool(self.grpc_tls_cert and self.grpc_tls_key)

    @property
    def dials_tls(self) -> bool:
        return bool(self.grpc_tls_ca or self.grpc_tls_client_cert)

    @property
    def mutual(self) -> bool:
        return bool(self.grpc_tls_client_ca)


def load_tls(service: str | None = None,
             environ: Mapping[str, str] | None = None) -> GrpcTlsSettings:
    return kit_settings.load(GrpcTlsSettings, service, environ)


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def server_credentials(tls: GrpcTlsSettings) -> grpc.ServerCredentials | None:
    """Credentials for `add_secure_port`, or None for plaintext (development or a mesh)."""
    if tls.serves_tls:
        client_ca = _read(tls.grpc_tls_client_ca) if tls.mutual else None
        return grpc.ssl_server_credentials(
            [(_read(tls.grpc_tls_key), _read(tls.grpc_tls_cert))],
            root_certificates=client_ca, require_client_auth=client_ca is not None)
    if tls.production and not tls.grpc_tls_provided_by_mesh:
        raise TlsRequired("refusing to listen without TLS in production: set EDUCRM_GRPC_TLS_CERT "
                          "and EDUCRM_GRPC_TLS_KEY, or EDUCRM_GRPC_TLS_PROVIDED_BY_MESH=1")
    return None


def channel_credentials(tls: GrpcTlsSettings) -> grpc.ChannelCredentials | None:
    """Credentials for a secure channel, or None for plaintext (development or a mesh)."""
    if tls.dials_tls:
        return grpc.ssl_channel_credentials(
            root_certificates=_read(tls.grpc_tls_ca) if tls.grpc_tls_ca else None,
            private_key=_read(tls.grpc_tls_client_key) if tls.grpc_tls_client_key else None,
            certificate_chain=_read(tls.grpc_tls_client_cert) if tls.grpc_tls_client_cert
            else None)
    if tls.production and not tls.grpc_tls_provided_by_mesh:
        raise TlsRequired("refusing to dial without TLS in production: set EDUCRM_GRPC_TLS_CA "
                          "(and the client certificate for mutual TLS), or "
                          "EDUCRM_GRPC_TLS_PROVIDED_BY_MESH=1")
    return None


def channel_options(tls: GrpcTlsSettings) -> list[tuple[str, object]]:
    if tls.dials_tls and tls.grpc_tls_server_name:
        return [("grpc.ssl_target_name_override", tls.grpc_tls_server_name),
                ("grpc.default_authority", tls.grpc_tls_server_name)]
    return []
