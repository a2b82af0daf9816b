# ruff: noqa: S105, S106 - fixed credentials of throw-away test data, not secrets
"""Identity test fixtures: a migrated, seeded database on SQLite AND PostgreSQL
(parametrized), the api served in-process by kit.grpc_server on a free port, and stubs."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from identity import demo_seed
from identity.keys import generate_key_file
from identity.settings import IdentitySettings
from kit import grpc_client, testing
from kit.db import Database
from kit.grpc_server import create_server
from kit.migrate import upgrade

INTERNAL_TOKEN = "identity-test-internal-token"
DEMO_PASSWORD = "educrm-demo"


def make_settings(url: str, tmp: Path, **overrides) -> IdentitySettings:
    key = tmp / "signing.pem"
    if not key.exists():
        generate_key_file(key)
    # Low argon2 cost keeps the suite fast; test_passwords checks the production parameters.
    base = dict(database_url=url, signing_key_path=str(key), argon2_time_cost=1,
                argon2_memory_kib=1024, argon2_parallelism=1, internal_token=INTERNAL_TOKEN,
                demo_password=DEMO_PASSWORD)
    base.update(overrides)
    return IdentitySettings(**base)


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request):
    if request.param == "sqlite":
        with testing.sqlite_database("identity.db") as url:
            yield url
    else:
        with testing.postgres_database("identity_test") as url:
            yield url


@dataclasses.dataclass
class Env:
    settings: IdentitySettings
    db: Database
    ids: dict[str, str]
    var_dir: Path


@pytest.fixture(scope="module")
def env(database_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("identity")
    upgrade("identity", database_url)
    settings = make_settings(database_url, tmp)
    db = Database(database_url)
    ids = demo_seed.seed(settings, db, var_dir=tmp)
    yield Env(settings, db, ids, tmp)
    db.dispose()


@pytest.fixture(scope="module")
def app(env):
    from identity.api import Application

    return Application(env.settings, env.db)


@pytest.fixture(scope="module")
def server(app):
    running = create_server(address="127.0.0.1:0", **app.server_kwargs())
    yield running
    running.stop(0)


@pytest.fixture(scope="module")
def stub(server):
    from contracts.identity import identity_pb2_grpc

    channel = grpc_client.channel(f"127.0.0.1:{server.port}")
    yield identity_pb2_grpc.IdentityServiceStub(channel)
    channel.close()


def bearer(token: str) -> tuple:
    return grpc_client.call_metadata(authorization=token)


@pytest.fixture(scope="module")
def login(stub):
    """login("sales1") -> TokenPair (cached per module: argon2 is slow-ish even when lowered)."""
    from contracts.identity import identity_pb2 as pb

    cache: dict[str, object] = {}

    def _login(username: str, password: str = DEMO_PASSWORD, fresh: bool = False):
        if fresh or username not in cache:
            cache[username] = stub.Login(pb.LoginRequest(username=username,
                                                         password=password)).tokens
        return cache[username]

    return _login


@pytest.fixture(scope="module")
def as_user(login):
    """as_user("admin") -> call metadata carrying that user's access token."""
    return lambda username: bearer(login(username).access_token)
