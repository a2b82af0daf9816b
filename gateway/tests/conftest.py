"""Gateway test fixtures: a fake identity gRPC server (fakes.identity, held to the real
service by test_identity_contract.py), real Redis and RabbitMQ, and a harness that builds the
app with a private Redis key prefix and audit exchange per test.

Not eventlet-patched (asyncio + grpc.aio). Async tests run on anyio's pytest plugin.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiormq
import httpx
import pytest
from redis.asyncio import Redis

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "services" / "identity") not in sys.path:  # identity's stubs, if not installed
    sys.path.insert(0, str(ROOT / "services" / "identity"))

from fakes import INTERNAL_TOKEN, FakeIdentity, TokenMinter, serve_fake_identity  # noqa: E402
from fakes.directory import USERS_BY_NAME  # noqa: E402
from fakes.real_identity import RealIdentity, running_identity  # noqa: E402
from gateway.app import create_app  # noqa: E402
from gateway.audit import AuditPublisher  # noqa: E402
from gateway.settings import GatewaySettings  # noqa: E402

AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
REDIS_URL = "redis://127.0.0.1:6379/0"
AUDIT_KEY = "crm.gateway.audit.recorded.v1"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def identity_server():
    server, fake, target = serve_fake_identity()
    yield fake, target
    server.stop(grace=None)


@pytest.fixture
def fake_identity(identity_server) -> FakeIdentity:
    fake, _ = identity_server
    fake.reset()
    return fake


class AuditCapture:
    """A test queue bound to the audit exchange; collects the parsed CloudEvents."""

    def __init__(self, exchange: str) -> None:
        self.exchange = exchange
        self.events: list[dict[str, Any]] = []
        self.messages = 0
        self._connection: aiormq.abc.AbstractConnection | None = None

    async def start(self, *, bind: bool = True) -> None:
        self._connection = await aiormq.connect(AMQP_URI)
        channel = await self._connection.channel()
        await channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
        if bind:
            declared = await channel.queue_declare("", exclusive=True, auto_delete=True)
            await channel.queue_bind(declared.queue, self.exchange, routing_key=AUDIT_KEY)
            await channel.basic_consume(declared.queue, self._on_message, no_ack=True)

    async def _on_message(self, message: aiormq.abc.DeliveredMessage) -> None:
        self.messages += 1
        document = json.loads(message.body)
        # CloudEvents batched mode (group commit): a JSON array of structured events.
        self.events.extend(document if isinstance(document, list) else [document])

    @property
    def records(self) -> list[dict[str, Any]]:
        return [e["data"] for e in self.events]

    def by_correlation(self, correlation_id: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["correlation_id"] == correlation_id]

    async def close(self) -> None:
        if self._connection is not None:
            if self.exchange.startswith("test."):  # never the shared topology's exchanges
                channel = await self._connection.channel()
                await channel.exchange_delete(self.exchange)
            await self._connection.close()


@dataclasses.dataclass
class Harness:
    app: Any
    client: httpx.AsyncClient
    settings: GatewaySettings
    fake: FakeIdentity | None  # None in front of the real identity process
    audit: AuditCapture
    redis: Redis

    @property
    def minter(self) -> TokenMinter:
        return self.fake.minter

    async def login(self, username: str, password: str | None = None) -> dict[str, Any]:
        """Log in through the gateway (fake or real identity); return the token pair."""
        password = password or USERS_BY_NAME[username].password
        response = await self.client.post("/v1/auth/login",
                                          json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return response.json()

    async def login_auth(self, username: str, password: str | None = None) -> dict[str, str]:
        pair = await self.login(username, password)
        return {"Authorization": f"Bearer {pair['access_token']}"}

    def token(self, user_id: str = "u-alice", **kwargs: Any) -> str:
        """An access token of a session the fake identity knows (as after a login)."""
        return self.fake.access_token(user_id, **kwargs)

    def auth(self, user_id: str = "u-alice", **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_id, **kwargs)}"}


def undocumented(document: dict[str, Any], answers: list[tuple[str, str, int, str]]
                 ) -> list[tuple[str, str, int, str]]:
    """The answers (method, path, status, media type) that /openapi.json does not declare:
    an operation's status and content type. Paths and methods the document does not have
    (404 unknown path, 405 method, /metrics, /docs) are not operations and are skipped."""
    templates = [(re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$"), item)
                 for path, item in document["paths"].items()]
    missing = []
    for method, path, status, media_type in answers:
        item = next((i for regex, i in templates if regex.match(path)), None)
        operation = (item or {}).get(method.lower())
        if operation is None:
            continue
        response = operation["responses"].get(str(status))
        content = (response or {}).get("content") or {}
        if response is None or (media_type and media_type not in content):
            missing.append((method, path, status, media_type))
    return missing


@contextlib.asynccontextmanager
async def gateway_harness(fake: FakeIdentity | None, target: str, *, bind_audit: bool = True,
                          redis: Redis | None = None, audit_publisher: AuditPublisher | None = None,
                          prefix: str | None = None, exchange: str | None = None,
                          **overrides: Any) -> AsyncIterator[Harness]:
    exchange = exchange or f"test.gateway.events.{uuid.uuid4().hex[:8]}"
    settings = GatewaySettings(**{
        "identity_target": target, "redis_url": REDIS_URL, "amqp_uri": AMQP_URI,
        "redis_prefix": prefix or f"test:gw:{uuid.uuid4().hex[:8]}:",
        "audit_exchange": exchange, "internal_token": INTERNAL_TOKEN, "audit_timeout": 3.0,
        **overrides})
    audit = AuditCapture(exchange)
    await audit.start(bind=bind_audit)
    app = create_app(settings, redis=redis, audit_publisher=audit_publisher)
    checker = Redis.from_url(REDIS_URL)
    answers: list[tuple[str, str, int, str]] = []

    async def note(response: httpx.Response) -> None:
        await response.aread()
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        answers.append((response.request.method, response.request.url.path,
                        response.status_code, media_type if response.content else ""))

    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway",
                                         event_hooks={"response": [note]}) as client:
                yield Harness(app, client, settings, fake, audit, checker)
        # Every answer this test saw is one the OpenAPI document declares.
        assert undocumented(app.openapi(), answers) == []
    finally:
        keys = [k async for k in checker.scan_iter(match=f"{settings.redis_prefix}*")]
        if keys:
            await checker.delete(*keys)
        await checker.aclose()
        await audit.close()


@pytest.fixture
async def gw(identity_server, fake_identity) -> AsyncIterator[Harness]:
    _, target = identity_server
    async with gateway_harness(fake_identity, target) as harness:
        yield harness


@pytest.fixture
def harness(identity_server, fake_identity):
    """Build more gateways (replicas, other settings) inside a test."""
    _, target = identity_server

    def build(**kwargs: Any):
        return gateway_harness(fake_identity, target, **kwargs)
    return build


@pytest.fixture(scope="session")
def real_identity(tmp_path_factory) -> RealIdentity:
    """The real identity api process on a throw-away PostgreSQL database holding the same
    accounts as the fake (fakes.directory), shared by the whole session. Tests leave the
    seeded accounts as they are and create their own under south-gz-sales only (tests page
    through north-bj-sales and expect exactly its seeded members)."""
    with running_identity(tmp_path_factory.mktemp("real-identity")) as real:
        yield real


@pytest.fixture
async def real_gw(real_identity) -> AsyncIterator[Harness]:
    """A gateway in front of the real identity process."""
    async with gateway_harness(None, real_identity.target) as harness:
        yield harness


@pytest.fixture
def real_harness(real_identity):
    """Build more gateways (replicas, other settings) in front of the real identity."""

    def build(**kwargs: Any):
        return gateway_harness(None, real_identity.target, **kwargs)
    return build


@pytest.fixture
def audit_capture():
    """The AuditCapture class (a test queue on an audit exchange), for tests that build
    their own publisher."""
    return AuditCapture
