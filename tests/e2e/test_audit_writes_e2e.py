"""A write's audit record is confirmed before it is forwarded; its outcome never turns a done
write into an error. Against the real identity api + worker (PostgreSQL, RabbitMQ, Redis).

The gateway runs in this process so that the test can sit in its forward path; it reaches
RabbitMQ through a TCP proxy the test cuts at a chosen moment.
"""
from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import httpx
import pytest
import sqlalchemy as sa
from gateway.app import create_app
from gateway.settings import GatewaySettings
from kit import testing
from system_under_test import running_system

PASSWORD = "educrm-demo"  # noqa: S105 - the documented demo password

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class TcpProxy:
    """Pipes connections to `upstream`; `cut()` drops every open connection and refuses new
    ones (closed at once) until `restore()`."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.is_cut = False
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.is_cut:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    def cut(self) -> None:
        self.is_cut = True
        for writer in list(self._writers):
            transport = writer.transport
            transport.abort()  # a broken link, not a polite close
        self._writers.clear()

    def restore(self) -> None:
        self.is_cut = False

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("audit-e2e"), scheduling=False) as running:
        yield running


@pytest.fixture(scope="module")
def identity_db(system):
    engine = sa.create_engine(system.env["EDUCRM_IDENTITY_DATABASE_URL"])
    yield engine
    engine.dispose()


def audit_rows(engine: sa.Engine, correlation_id: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT id, phase, outcome, status_code, action, target_id, source, detail "
            "FROM audit_events WHERE correlation_id = :cid ORDER BY seq"),
            {"cid": correlation_id}).mappings().all()
    return [dict(row) for row in rows]


def users_named(engine: sa.Engine, username: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM users WHERE username = :u"),
                                  {"u": username}).scalar_one()


async def wait_for(predicate, *, timeout: float = 30, message: str):
    """kit.testing.wait_for off the event loop (the gateway in this loop keeps running)."""
    return await anyio.to_thread.run_sync(
        lambda: testing.wait_for(predicate, timeout=timeout, interval=0.1, message=message))


@contextlib.asynccontextmanager
async def gateway(system) -> AsyncIterator[tuple[httpx.AsyncClient, Any, TcpProxy]]:
    broker = urlsplit(system.env["EDUCRM_AMQP_URI"])
    proxy = TcpProxy(broker.hostname or "127.0.0.1", broker.port or 5672)
    await proxy.start()
    proxied = urlunsplit(broker._replace(
        netloc=f"{broker.username}:{broker.password}@127.0.0.1:{proxy.port}"))
    settings = GatewaySettings(
        identity_target=system.env["EDUCRM_GATEWAY_IDENTITY_TARGET"], amqp_uri=proxied,
        redis_prefix=f"test:audit-e2e:{uuid.uuid4().hex[:8]}:",
        internal_token=system.env["EDUCRM_INTERNAL_TOKEN"], audit_timeout=2.0)
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 41000))
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway",
                                         timeout=30) as client:
                yield client, app.state.runtime, proxy
    finally:
        await proxy.close()


async def admin_headers(client: httpx.AsyncClient) -> dict[str, str]:
    login = await client.post("/v1/auth/login", json={"username": "admin",
                                                      "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def new_user(username: str) -> dict[str, Any]:
    return {"username": username, "display_name": "审计测试", "password": "long-enough-pw-1",
            "roles": ["customer_service"], "org_unit_id": ""}


async def test_broker_lost_after_the_write_the_client_gets_the_real_result(system, identity_db):
    async with gateway(system) as (client, rt, proxy):
        headers = await admin_headers(client)
        org_unit = (await client.get("/v1/me", headers=headers)).json()["org_unit_id"]
        username = f"audit-{uuid.uuid4().hex[:8]}"
        body = {**new_user(username), "org_unit_id": org_unit}

        # Cut the gateway's broker link the moment identity has committed the user.
        forward = rt.identity.call

        async def call_then_cut(method, request, metadata, timeout=None):
            response = await forward(method, request, metadata, timeout)
            if method == "CreateUser":
                proxy.cut()
            return response

        rt.identity.call = call_then_cut
        cid = f"audit-e2e-{uuid.uuid4().hex[:8]}"
        key = uuid.uuid4().hex
        created = await client.post("/v1/users", json=body, headers={
            **headers, "Idempotency-Key": key, "X-Correlation-Id": cid})
        rt.identity.call = forward
        assert created.status_code == 201, created.text  # the real result, not a 503
        assert proxy.is_cut
        user_id = created.json()["id"]
        assert created.json()["username"] == username
        assert rt.metrics.audit_outcomes_spooled._value.get() == 1
        assert len(rt.spool) == 1, (rt.metrics.audit_outcomes_republished._value.get(),
                                    rt.metrics.audit_outcomes_dropped._value.get())

        # The audit log holds the request (its intent) while the broker link is still cut.
        def gateway_rows():
            # Identity's own record of CreateUser carries the same correlation id.
            return [r for r in audit_rows(identity_db, cid) if r["source"] == "gateway"] or None

        rows = await wait_for(gateway_rows,
                              message="the write's intent never reached the audit log")
        intent = rows[0]
        assert (intent["phase"], intent["outcome"], intent["status_code"],
                intent["action"]) == ("intent", "pending", 0, "users.create")
        assert intent["detail"]["idempotency_key"] is True
        assert proxy.is_cut and not any(r["phase"] == "outcome" for r in rows)

        # The link comes back: the spooled outcome is published, linked to its intent.
        proxy.restore()

        def outcome_stored():
            found = [r for r in audit_rows(identity_db, cid) if r["phase"] == "outcome"]
            return found or None

        outcome = (await wait_for(outcome_stored, message="outcome never left the spool"))[0]
        assert (outcome["status_code"], outcome["outcome"]) == (201, "allowed")
        assert outcome["target_id"] == user_id
        assert outcome["detail"]["intent_id"] == intent["id"]
        # (The worker may store it before the broker's confirm reached the gateway.)
        await wait_for(lambda: len(rt.spool) == 0, message="the spool kept a confirmed record")
        assert rt.metrics.audit_outcomes_republished._value.get() == 1

        # Both records are queryable together through the API.
        listed = await client.get("/v1/audit-events", headers=headers,
                                  params={"correlation_id": cid})
        assert listed.status_code == 200, listed.text
        phases = sorted(e["phase"] for e in listed.json()["items"] if e["source"] == "gateway")
        assert phases == ["intent", "outcome"]

        # The client, unsure, retries with the same key: the result replays, no second write.
        retry = await client.post("/v1/users", json=body, headers={
            **headers, "Idempotency-Key": key})
        assert retry.status_code == 201, retry.text
        assert retry.json()["id"] == user_id
        assert retry.headers.get("idempotent-replayed") == "true"
        assert users_named(identity_db, username) == 1


async def test_write_whose_intent_cannot_be_confirmed_is_never_forwarded(system, identity_db):
    async with gateway(system) as (client, rt, proxy):
        headers = await admin_headers(client)
        org_unit = (await client.get("/v1/me", headers=headers)).json()["org_unit_id"]
        username = f"audit-{uuid.uuid4().hex[:8]}"

        # The broker link breaks just as the intent record is about to be published.
        publish = rt.publisher.publish
        forwarded: list[str] = []

        async def cut_then_publish(records):
            records = list(records)
            if any(r.get("phase") == "intent" for r in records):
                proxy.cut()
            return await publish(records)

        forward = rt.identity.stub.CreateUser

        def count_forward(*args, **kwargs):
            forwarded.append("CreateUser")
            return forward(*args, **kwargs)

        rt.publisher.publish = cut_then_publish
        rt.identity.stub.CreateUser = count_forward
        cid = f"audit-e2e-{uuid.uuid4().hex[:8]}"
        refused = await client.post("/v1/users", json={**new_user(username),
                                                       "org_unit_id": org_unit},
                                    headers={**headers, "X-Correlation-Id": cid})
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"].endswith("/audit-unavailable")
        assert forwarded == []
        assert len(rt.spool) == 0  # nothing was done, so nothing to record as done

        # The link comes back: the next write goes through, and the refused one never happened.
        rt.publisher.publish = publish
        proxy.restore()
        again = await client.post("/v1/users", json={**new_user(username),
                                                     "org_unit_id": org_unit}, headers=headers)
        assert again.status_code == 201, again.text
        assert forwarded == ["CreateUser"]
        assert users_named(identity_db, username) == 1
        assert not any(r["phase"] == "intent" for r in audit_rows(identity_db, cid))
