"""gRPC over TLS (kit.grpc_tls): certificates made here by a throw-away CA, a real in-process
server, real sync and asyncio clients."""
from __future__ import annotations

import grpc
import pytest
from google.protobuf import wrappers_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kit import access_token, grpc_client
from kit.grpc_server import create_server
from kit.grpc_tls import GrpcTlsSettings, TlsRequired, load_tls
from kit.testing_pki import CertificateAuthority

from .conftest import SERVICE, EchoBehaviour, _handlers, unary

S = wrappers_pb2.StringValue
SERVER_NAME = "identity.educrm.internal"


@pytest.fixture
def pki(tmp_path):
    ca = CertificateAuthority(tmp_path)
    rogue = CertificateAuthority(tmp_path, "rogue CA")
    return {
        "ca": ca,
        "server": ca.issue("identity", dns=(SERVER_NAME, "localhost"), ips=("127.0.0.1",)),
        "named_only": ca.issue("identity-named", dns=(SERVER_NAME,)),
        "client": ca.issue("gateway", client=True),
        "rogue_client": rogue.issue("intruder", client=True),
    }


def start(tls: GrpcTlsSettings):
    behaviour = EchoBehaviour()
    return create_server(
        [(lambda _s, server: server.add_generic_rpc_handlers((_handlers(behaviour),)), None)],
        [SERVICE], "127.0.0.1:0", part="kittls",
        key_set=access_token.KeySet(lambda: '{"keys": []}'),
        public_methods={f"/{SERVICE}/Public"}, tls=tls)


def server_tls(issued, client_ca=None) -> GrpcTlsSettings:
    return GrpcTlsSettings(grpc_tls_cert=str(issued.cert), grpc_tls_key=str(issued.key),
                           grpc_tls_client_ca=str(client_ca.cert_path) if client_ca else "")


def answers(port: int, tls: GrpcTlsSettings) -> bool:
    """One public call; True when answered, False when the connection is refused."""
    ch = grpc_client.channel(f"127.0.0.1:{port}", retry=False, tls=tls)
    try:
        return unary(ch, "Public")(S(value="hello"), timeout=5).value == "hello"
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.UNAVAILABLE, error
        return False
    finally:
        ch.close()


def test_tls_server_answers_tls_clients_and_refuses_plaintext(pki):
    running = start(server_tls(pki["server"]))
    try:
        assert answers(running.port, GrpcTlsSettings(grpc_tls_ca=str(pki["ca"].cert_path)))
        assert not answers(running.port, GrpcTlsSettings())  # plaintext
        # a server certificate from another CA is not trusted
        assert not answers(running.port, GrpcTlsSettings(
            grpc_tls_ca=str(pki["rogue_client"].cert.parent / "rogue-CA.pem")))
        # health answers over TLS as well
        ch = grpc_client.channel(f"127.0.0.1:{running.port}",
                                 tls=GrpcTlsSettings(grpc_tls_ca=str(pki["ca"].cert_path)))
        reply = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        ch.close()
    finally:
        running.stop(0)


def test_server_name_override(pki):
    running = start(server_tls(pki["named_only"]))  # the certificate names no IP address
    try:
        ca = str(pki["ca"].cert_path)
        assert not answers(running.port, GrpcTlsSettings(grpc_tls_ca=ca))
        assert answers(running.port, GrpcTlsSettings(grpc_tls_ca=ca,
                                                     grpc_tls_server_name=SERVER_NAME))
    finally:
        running.stop(0)


def test_mutual_tls_requires_a_client_certificate_from_the_client_ca(pki):
    ca = pki["ca"]
    running = start(server_tls(pki["server"], client_ca=ca))
    try:
        trusting = dict(grpc_tls_ca=str(ca.cert_path))
        assert not answers(running.port, GrpcTlsSettings(**trusting))  # no client certificate
        assert not answers(running.port, GrpcTlsSettings(
            **trusting, grpc_tls_client_cert=str(pki["rogue_client"].cert),
            grpc_tls_client_key=str(pki["rogue_client"].key)))
        assert answers(running.port, GrpcTlsSettings(
            **trusting, grpc_tls_client_cert=str(pki["client"].cert),
            grpc_tls_client_key=str(pki["client"].key)))
    finally:
        running.stop(0)


def test_production_refuses_plaintext_unless_a_mesh_provides_tls(pki):
    with pytest.raises(TlsRequired, match="EDUCRM_GRPC_TLS_CERT"):
        start(GrpcTlsSettings(env="production"))
    with pytest.raises(TlsRequired, match="EDUCRM_GRPC_TLS_CA"):
        grpc_client.channel("127.0.0.1:1", tls=GrpcTlsSettings(env="production"))
    with pytest.raises(TlsRequired):
        grpc_client.aio_channel("127.0.0.1:1", tls=GrpcTlsSettings(env="production"))
    # With TLS configured, production serves and dials.
    running = start(GrpcTlsSettings(env="production", grpc_tls_cert=str(pki["server"].cert),
                                    grpc_tls_key=str(pki["server"].key)))
    try:
        assert answers(running.port, GrpcTlsSettings(env="production",
                                                     grpc_tls_ca=str(pki["ca"].cert_path)))
    finally:
        running.stop(0)
    # A mesh that says it provides mTLS: plaintext to the sidecar.
    meshed = GrpcTlsSettings(env="production", grpc_tls_provided_by_mesh=True)
    running = start(meshed)
    try:
        assert answers(running.port, meshed)
    finally:
        running.stop(0)


def test_settings_from_the_environment_service_first():
    env = {"EDUCRM_GRPC_TLS_CERT": "/shared.crt", "EDUCRM_IDENTITY_GRPC_TLS_CERT": "/id.crt",
           "EDUCRM_GRPC_TLS_KEY": "/shared.key", "EDUCRM_GRPC_TLS_PROVIDED_BY_MESH": "1",
           "EDUCRM_ENV": "production"}
    identity = load_tls("identity", env)
    assert (identity.grpc_tls_cert, identity.grpc_tls_key) == ("/id.crt", "/shared.key")
    assert identity.production and identity.grpc_tls_provided_by_mesh
    assert load_tls("scheduling", env).grpc_tls_cert == "/shared.crt"
    assert not load_tls(None, {}).production
