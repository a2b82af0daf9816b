"""Each service refuses frozen users and revoked sessions itself, the gateway never forgets a
freeze, and a retired signing key stops verifying everywhere: across the real processes
(identity api + worker, scheduling api + worker, gateway), RabbitMQ, PostgreSQL and a private
redis-server (this module FLUSHALLs it and restarts the gateway)."""
from __future__ import annotations

import sys

import grpc
import httpx
import jwt
import pytest
import redis
from contracts.scheduling import scheduling_pb2, scheduling_pb2_grpc
from kit import testing
from kit.grpc_errors import error_info
from scheduling.demo_seed import CAMPUS_ID
from system_under_test import grpc_serving, running_system

PASSWORD = "educrm-demo"  # noqa: S105 - the documented demo password
# Generous deadlines for a loaded machine; the changes travel in well under a second.
DEADLINE = 15.0


@pytest.fixture(scope="module")
def redis_url():
    with testing.redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def system(tmp_path_factory, redis_url):
    # A 1 s key-set refresh so the retirement test needs no long wait.
    with running_system(tmp_path_factory.mktemp("revocations"),
                        EDUCRM_GATEWAY_REDIS_URL=redis_url,
                        EDUCRM_JWKS_MAX_AGE_SECONDS="1") as running:
        yield running


@pytest.fixture(scope="module")
def http(system):
    with httpx.Client(base_url=system.gateway_url, timeout=15) as client:
        yield client


@pytest.fixture(scope="module")
def scheduling(system):
    with grpc.insecure_channel(system.scheduling_target) as channel:
        yield scheduling_pb2_grpc.SchedulingServiceStub(channel)


@pytest.fixture(scope="module")
def admin(http):
    return {"authorization": f"Bearer {login(http, 'admin')['access_token']}"}


def login(http: httpx.Client, username: str) -> dict:
    response = http.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def login_when_up(http: httpx.Client, username: str) -> dict:
    """Login right after identity restarted (the gateway's channel may still be reconnecting)."""
    def attempt():
        response = http.post("/v1/auth/login",
                             json={"username": username, "password": PASSWORD})
        return response.json() if response.status_code == 200 else None
    return testing.wait_for(attempt, timeout=30, interval=0.2,
                            message="no login through the gateway after identity restarted")


def bearer(tokens: dict) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens['access_token']}"}


def user_id(http: httpx.Client, admin: dict, username: str) -> str:
    items = http.get("/v1/users", headers=admin, params={"query": username}).json()["items"]
    return next(u["id"] for u in items if u["username"] == username)


def list_rooms(scheduling, tokens: dict) -> str:
    """Call scheduling directly (not through the gateway): "ok" or the refusal's reason."""
    try:
        scheduling.ListRooms(scheduling_pb2.ListRoomsRequest(campus_id=CAMPUS_ID),
                             metadata=(("authorization", f"Bearer {tokens['access_token']}"),),
                             timeout=5)
    except grpc.RpcError as error:
        return error_info(error).reason or error.code().name
    return "ok"


def refused_with(scheduling, tokens: dict, reason: str):
    return lambda: list_rooms(scheduling, tokens) == reason


def test_freeze_is_refused_by_scheduling_directly_and_unfreeze_lets_a_new_login_in(
        http, admin, scheduling):
    gm = login(http, "gm1")
    assert list_rooms(scheduling, gm) == "ok"
    gm_id = user_id(http, admin, "gm1")

    frozen = http.post(f"/v1/users/{gm_id}/freeze", headers=admin, json={"reason": "test"})
    assert frozen.status_code == 200, frozen.text
    # The token itself stays valid for 15 minutes; scheduling refuses it on its own.
    testing.wait_for(refused_with(scheduling, gm, "user.frozen"), timeout=DEADLINE,
                     message="scheduling kept accepting a frozen user's token")

    unfrozen = http.post(f"/v1/users/{gm_id}/unfreeze", headers=admin, json={"reason": "ok"})
    assert unfrozen.status_code == 200, unfrozen.text
    # The freeze ended that session: its old token stays refused, now as a revoked session.
    testing.wait_for(refused_with(scheduling, gm, "session.revoked"), timeout=DEADLINE,
                     message="the unfreeze never reached scheduling")
    again = login(http, "gm1")
    assert list_rooms(scheduling, again) == "ok"
    assert http.get("/v1/me", headers=bearer(again)).status_code == 200
    assert http.get("/v1/me", headers=bearer(gm)).status_code == 401


def test_logout_is_refused_by_scheduling_directly(http, scheduling):
    tokens = login(http, "gm1")
    other = login(http, "gm1")
    assert list_rooms(scheduling, tokens) == "ok"
    out = http.post("/v1/auth/logout", headers=bearer(tokens),
                    json={"refresh_token": tokens["refresh_token"]})
    assert out.status_code == 204, out.text
    testing.wait_for(refused_with(scheduling, tokens, "session.revoked"), timeout=DEADLINE,
                     message="scheduling kept accepting a logged-out token")
    assert list_rooms(scheduling, other) == "ok"  # the user's other session lives on


def test_a_flushed_redis_never_unfreezes_anyone(system, http, admin, redis_url):
    prefix = system.env["EDUCRM_GATEWAY_REDIS_PREFIX"]
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    sales = login(http, "sales1")
    sales_id = user_id(http, admin, "sales1")
    assert http.get("/v1/me", headers=bearer(sales)).status_code == 200
    assert http.post(f"/v1/users/{sales_id}/freeze", headers=admin,
                     json={"reason": "test"}).status_code == 200
    # The route set the flag ("admin"); the gateway's follower then saw identity's event.
    testing.wait_for(lambda: store.get(f"{prefix}frozen:{sales_id}") == "identity",
                     timeout=DEADLINE, message="the gateway never followed the freeze event")

    store.flushall()
    refused = http.get("/v1/me", headers=bearer(sales))
    assert refused.status_code == 403, refused.text
    assert refused.json()["type"].endswith("/account-frozen")
    assert http.post("/v1/auth/login", json={"username": "sales1", "password": PASSWORD}
                     ).status_code == 403

    # A restarted gateway rebuilds the flag from identity.
    system.stop("gateway")
    assert store.get(f"{prefix}frozen:{sales_id}") is None
    system.start("gateway", sys.executable, "-m", "gateway")
    system.wait_ready()
    testing.wait_for(lambda: store.get(f"{prefix}frozen:{sales_id}") == "identity",
                     timeout=DEADLINE, message="the restarted gateway did not rebuild the flag")
    assert http.get("/v1/me", headers=bearer(sales)).status_code == 403

    assert http.post(f"/v1/users/{sales_id}/unfreeze", headers=admin,
                     json={"reason": "ok"}).status_code == 200
    assert http.get("/v1/me", headers=bearer(login(http, "sales1"))).status_code == 200


def _kid(tokens: dict) -> str:
    return jwt.get_unverified_header(tokens["access_token"])["kid"]


def _restart_identity_api(system) -> None:
    system.stop("identity-api")
    system.start("identity-api", sys.executable, "-m", "identity.api")
    target = system.env["EDUCRM_IDENTITY_GRPC_ADDRESS"]
    testing.wait_for(lambda: grpc_serving(target), timeout=60, interval=0.2,
                     message="identity api did not come back")


def test_rotate_then_retire_a_signing_key(system, http, scheduling):
    keys = [sys.executable, "-m", "identity.admin_cli", "keys"]
    old = login(http, "gm1")
    rotated = system.run(*keys, "rotate").stdout
    _restart_identity_api(system)
    new = login_when_up(http, "gm1")
    assert _kid(new) != _kid(old) and _kid(new) in rotated and _kid(old) in rotated

    # The new key signs; tokens of the old one still verify, at the gateway and directly.
    for name, tokens in (("old", old), ("new", new)):
        me = http.get("/v1/me", headers=bearer(tokens))
        assert me.status_code == 200, (name, me.text)
        assert list_rooms(scheduling, tokens) == "ok", name

    system.run(*keys, "retire", _kid(old))
    assert _kid(old) not in system.run(*keys, "list").stdout
    _restart_identity_api(system)
    # Within the verifiers' refresh interval (1 s here) the old key stops verifying.
    testing.wait_for(lambda: http.get("/v1/me", headers=bearer(old)).status_code == 401,
                     timeout=DEADLINE, message="the gateway kept a retired key")
    testing.wait_for(refused_with(scheduling, old, "token.invalid"), timeout=DEADLINE,
                     message="scheduling kept a retired key")
    assert http.get("/v1/me", headers=bearer(new)).status_code == 200
    assert list_rooms(scheduling, new) == "ok"
