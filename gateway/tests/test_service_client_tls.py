"""The gateway's grpc.aio service clients over mutual TLS (kit.grpc_tls), against a real
kit.grpc_server that requires client certificates from its client CA."""
from __future__ import annotations

import asyncio

import pytest
from gateway.service_client import ServiceClient
from kit.grpc_server import create_server
from kit.grpc_tls import GrpcTlsSettings, TlsRequired
from kit.testing_pki import CertificateAuthority


async def _healthy(port: int, tls: GrpcTlsSettings) -> bool:
    client = ServiceClient(f"127.0.0.1:{port}", lambda channel: channel, tls=tls)
    await client.start()
    try:
        return await client.healthy(timeout=5)
    finally:
        await client.close()


def test_service_client_dials_mutual_tls(tmp_path):
    ca = CertificateAuthority(tmp_path)
    server = ca.issue("identity", ips=("127.0.0.1",))
    client = ca.issue("gateway", client=True)
    running = create_server([], [], "127.0.0.1:0", part="gwtls", tls=GrpcTlsSettings(
        grpc_tls_cert=str(server.cert), grpc_tls_key=str(server.key),
        grpc_tls_client_ca=str(ca.cert_path)))
    try:
        trusting = dict(grpc_tls_ca=str(ca.cert_path))
        assert asyncio.run(_healthy(running.port, GrpcTlsSettings(
            **trusting, grpc_tls_client_cert=str(client.cert),
            grpc_tls_client_key=str(client.key))))
        assert not asyncio.run(_healthy(running.port, GrpcTlsSettings(**trusting)))
        assert not asyncio.run(_healthy(running.port, GrpcTlsSettings()))
    finally:
        running.stop(0)


def test_service_client_refuses_plaintext_in_production():
    async def start() -> None:
        await ServiceClient("127.0.0.1:1", lambda channel: channel,
                            tls=GrpcTlsSettings(env="production")).start()

    with pytest.raises(TlsRequired):
        asyncio.run(start())
