"""Bad input on every route is a 4xx problem document, never a 500, and reaches no service."""
from __future__ import annotations

import pytest
from fakes import assert_problem

pytestmark = pytest.mark.anyio

WRITE_ROUTES = {
    "/v1/auth/login": {"username": "alice", "password": "alice-pass"},
    "/v1/auth/refresh": {"refresh_token": "abc"},
    "/v1/users": {"username": "erin", "display_name": "Erin", "password": "long-enough-pw",
                  "org_unit_id": "ou-north-bj-sales", "roles": ["sales"]},
    "/v1/users/u-bob/freeze": {"reason": "x"},
    "/v1/users/u-bob/unfreeze": {"reason": "x"},
    "/v1/auth/logout": {"refresh_token": "abc"},
}


def wrong_types(valid: dict) -> list[dict]:
    out = []
    for key in valid:
        for bad in (123, None, ["list"], {"obj": 1}, True):
            out.append({**valid, key: bad})
    return out


@pytest.mark.parametrize("path", list(WRITE_ROUTES))
async def test_bad_bodies(gw, path):
    valid = WRITE_ROUTES[path]
    headers = gw.auth("u-admin")
    bodies = wrong_types(valid) + [{}, [], "string", 42, {**valid, "unexpected": 1}]
    if path in ("/v1/auth/logout", "/v1/users/u-bob/unfreeze"):
        # Their fields are optional: an empty object or a null value is valid there.
        bodies = [b for b in bodies if b != {} and None not in getattr(b, "values", list)()]
    for body in bodies:
        response = await gw.client.post(path, json=body, headers=headers)
        assert_problem(response, 422, "validation-failed")

    malformed = await gw.client.post(path, content=b'{"username": "alice",',
                                     headers={**headers, "Content-Type": "application/json"})
    assert_problem(malformed, 400, "malformed-json")

    wrong_type = await gw.client.post(path, content=b"username=alice",
                                      headers={**headers,
                                               "Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(wrong_type, 415, "unsupported-media-type")

    big = b'{"username": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    too_big = await gw.client.post(path, content=big,
                                   headers={**headers, "Content-Type": "application/json"})
    assert_problem(too_big, 413, "payload-too-large")

    async def chunks():
        for _ in range(20):
            yield b"a" * 65536

    streamed = await gw.client.post(path, content=chunks(),
                                    headers={**headers, "Content-Type": "application/json"})
    assert_problem(streamed, 413, "payload-too-large")
    assert gw.fake.calls == [], [c.method for c in gw.fake.calls]


@pytest.mark.parametrize("path,params", [
    ("/v1/users", {"limit": "abc"}), ("/v1/users", {"limit": 0}), ("/v1/users", {"limit": 10_000}),
    ("/v1/users", {"status": "sleeping"}), ("/v1/users", {"cursor": "x" * 600}),
    ("/v1/users", {"org_unit_id": "../../etc"}),
    ("/v1/users/bad%20id", {}), ("/v1/users/" + "x" * 80, {}),
    ("/v1/audit-events", {"since": "yesterday"}), ("/v1/audit-events", {"outcome": "maybe"}),
    ("/v1/audit-events", {"limit": -1}),
])
async def test_bad_query_and_path(gw, path, params):
    response = await gw.client.get(path, params=params, headers=gw.auth("u-admin"))
    assert_problem(response, 422, "validation-failed")
    assert gw.fake.calls == []


async def test_unknown_route_and_method(gw):
    assert_problem(await gw.client.get("/v1/nothing-here"), 404, "not-found")
    assert_problem(await gw.client.delete("/v1/me", headers=gw.auth()), 405, "method-not-allowed")
    assert_problem(await gw.client.get("/v1/auth/login"), 405, "method-not-allowed")


async def test_bad_idempotency_key(gw):
    response = await gw.client.post("/v1/users/u-bob/freeze", json={"reason": "x"},
                                    headers={**gw.auth("u-admin"),
                                             "Idempotency-Key": "bad key with spaces"})
    assert_problem(response, 400, "invalid-idempotency-key")
    assert gw.fake.calls == []
