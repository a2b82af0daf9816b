"""A fake identity gRPC server with canned behaviour, for the gateway's tests and benchmark.

It signs real EdDSA access tokens (so the gateway's verification path is the production
one), serves JWKS and grpc.health, and records every call with its metadata so tests can
assert what was (or was not) forwarded.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import threading
import time
import urllib.parse
import uuid
from concurrent import futures
from typing import Any

import grpc
import jwt
from contracts.identity import identity_pb2, identity_pb2_grpc
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER

INTERNAL_TOKEN = "test-internal-token"  # noqa: S105 - a test fixture value


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class TokenMinter:
    """Signs access tokens like identity does; tests bend any part of them."""

    def __init__(self, kid: str = "test-key-1") -> None:
        self.kid = kid
        self.private_key = Ed25519PrivateKey.generate()
        self.public_raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_pem = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def jwks(self) -> str:
        return json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": self.kid,
                                     "alg": "EdDSA", "use": "sig",
                                     "x": _b64url(self.public_raw)}]})

    def claims_for(self, user: identity_pb2.User, *, sid: str | None = None,
                   ttl: int = 900) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": ISSUER, "aud": AUDIENCE, "sub": user.id, "name": user.username,
                "roles": list(user.roles), "rights": list(user.rights),
                "org": user.org_unit_id or None, "dept": user.department_id or None,
                "region": user.region_id or None, "scope": user.data_scope or "own",
                "sid": sid or uuid.uuid4().hex, "jti": uuid.uuid4().hex, "iat": now,
                "exp": now + ttl}

    def sign(self, claims: dict[str, Any], *, typ: str = ACCESS_TOKEN_TYPE,
             kid: str | None = None) -> str:
        return jwt.encode(claims, self.private_key, algorithm="EdDSA",
                          headers={"typ": typ, "kid": kid or self.kid})

    def access_token(self, user: identity_pb2.User, **kwargs: Any) -> str:
        return self.sign(self.claims_for(user, **kwargs))


def demo_users() -> dict[str, identity_pb2.User]:
    def user(uid, name, roles, rights, scope):
        return identity_pb2.User(id=uid, username=name, display_name=name.title(),
                                 email=f"{name}@example.edu", phone="138****1234",
                                 roles=roles, rights=rights, org_unit_id="ou-branch-1",
                                 department_id="ou-dept-1", region_id="ou-region-1",
                                 data_scope=scope, status=identity_pb2.USER_STATUS_ACTIVE)
    users = [
        user("u-admin", "admin", ["admin"], ["user.admin", "unfreeze", "audit.read"], "all"),
        user("u-alice", "alice", ["sales"], [], "own"),
        user("u-bob", "bob", ["sales"], [], "own"),
        user("u-frosty", "frosty", ["sales"], [], "own"),
    ]
    return {u.id: u for u in users}


PASSWORDS = {"admin": "admin-pass", "alice": "alice-pass", "bob": "bob-pass",
             "frosty": "frosty-pass"}


@dataclasses.dataclass
class RecordedCall:
    method: str
    request: Any
    metadata: dict[str, str]


class FakeIdentity(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, minter: TokenMinter) -> None:
        self.minter = minter
        self.users = demo_users()
        self.users["u-frosty"].status = identity_pb2.USER_STATUS_FROZEN
        self.calls: list[RecordedCall] = []
        self.lock = threading.Lock()
        self.fail_freeze = 0  # how many FreezeUser calls to fail with UNAVAILABLE first
        self.sessions: dict[str, str] = {}  # refresh token -> user id

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.users = demo_users()
            self.users["u-frosty"].status = identity_pb2.USER_STATUS_FROZEN
            self.fail_freeze = 0

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def _record(self, method: str, request: Any, context: grpc.ServicerContext) -> None:
        metadata = {k: v for k, v in context.invocation_metadata()
                    if isinstance(v, str)}
        with self.lock:
            self.calls.append(RecordedCall(method, request, metadata))

    @staticmethod
    def _abort(context, code: grpc.StatusCode, reason: str, message: str, message_zh: str):
        context.set_trailing_metadata((("x-error-reason", reason),
                                       ("x-error-message-zh",
                                        urllib.parse.quote(message_zh, safe=""))))
        context.abort(code, message)

    def _pair(self, user: identity_pb2.User) -> identity_pb2.TokenPair:
        refresh = uuid.uuid4().hex
        self.sessions[refresh] = user.id
        return identity_pb2.TokenPair(access_token=self.minter.access_token(user),
                                      refresh_token=refresh, token_type="Bearer",  # noqa: S106
                                      expires_in=900)

    def _caller(self, context) -> dict[str, Any]:
        token = dict(context.invocation_metadata()).get("authorization", "")[7:]
        return jwt.decode(token, self.minter.public_pem, algorithms=["EdDSA"],
                          audience=AUDIENCE, issuer=ISSUER)

    # --- the service --------------------------------------------------------------------

    def Login(self, request, context):  # noqa: N802 - gRPC method names
        self._record("Login", request, context)
        user = next((u for u in self.users.values() if u.username == request.username), None)
        if user is None or PASSWORDS.get(user.username) != request.password:
            self._abort(context, grpc.StatusCode.UNAUTHENTICATED, "auth.invalid_credentials",
                        "invalid credentials", "用户名或密码错误")
        if user.status == identity_pb2.USER_STATUS_FROZEN:
            self._abort(context, grpc.StatusCode.PERMISSION_DENIED, "user.frozen",
                        "account frozen", "账号已冻结")
        return identity_pb2.LoginResponse(tokens=self._pair(user))

    def RefreshToken(self, request, context):  # noqa: N802
        self._record("RefreshToken", request, context)
        user_id = self.sessions.pop(request.refresh_token, None)
        if user_id is None:
            self._abort(context, grpc.StatusCode.UNAUTHENTICATED, "token.invalid",
                        "invalid refresh token", "刷新令牌无效")
        return identity_pb2.RefreshTokenResponse(tokens=self._pair(self.users[user_id]))

    def Logout(self, request, context):  # noqa: N802
        self._record("Logout", request, context)
        claims = self._caller(context)
        return identity_pb2.LogoutResponse(session_id=claims["sid"], revoked_for_seconds=900)

    def GetSigningKeys(self, request, context):  # noqa: N802
        return identity_pb2.GetSigningKeysResponse(jwks_json=self.minter.jwks())

    def GetMe(self, request, context):  # noqa: N802
        self._record("GetMe", request, context)
        return identity_pb2.GetMeResponse(user=self.users[self._caller(context)["sub"]])

    def ListUsers(self, request, context):  # noqa: N802
        self._record("ListUsers", request, context)
        users = sorted(self.users.values(), key=lambda u: u.id)
        start = int(request.page_token or 0)
        size = request.page_size or 50
        chunk = users[start:start + size]
        next_token = str(start + size) if start + size < len(users) else ""
        return identity_pb2.ListUsersResponse(users=chunk, next_page_token=next_token)

    def GetUser(self, request, context):  # noqa: N802
        self._record("GetUser", request, context)
        user = self.users.get(request.user_id)
        if user is None:
            self._abort(context, grpc.StatusCode.NOT_FOUND, "user.not_found",
                        "user not found", "用户不存在")
        return identity_pb2.GetUserResponse(user=user)

    def CreateUser(self, request, context):  # noqa: N802
        self._record("CreateUser", request, context)
        if any(u.username == request.username for u in self.users.values()):
            self._abort(context, grpc.StatusCode.ALREADY_EXISTS, "user.exists",
                        "username taken", "用户名已存在")
        user = identity_pb2.User(id=f"u-{uuid.uuid4().hex[:8]}", username=request.username,
                                 display_name=request.display_name, roles=request.roles,
                                 org_unit_id=request.org_unit_id, data_scope="own",
                                 status=identity_pb2.USER_STATUS_ACTIVE)
        self.users[user.id] = user
        return identity_pb2.CreateUserResponse(user=user)

    def FreezeUser(self, request, context):  # noqa: N802
        self._record("FreezeUser", request, context)
        with self.lock:
            if self.fail_freeze > 0:
                self.fail_freeze -= 1
                fail = True
            else:
                fail = False
        if fail:
            self._abort(context, grpc.StatusCode.UNAVAILABLE, "unavailable",
                        "try again", "请重试")
        user = self.users[request.user_id]
        changed = user.status != identity_pb2.USER_STATUS_FROZEN
        user.status = identity_pb2.USER_STATUS_FROZEN
        user.frozen_reason = request.reason
        return identity_pb2.FreezeUserResponse(user=user, changed=changed)

    def UnfreezeUser(self, request, context):  # noqa: N802
        self._record("UnfreezeUser", request, context)
        user = self.users[request.user_id]
        changed = user.status == identity_pb2.USER_STATUS_FROZEN
        user.status = identity_pb2.USER_STATUS_ACTIVE
        user.frozen_reason = ""
        return identity_pb2.UnfreezeUserResponse(user=user, changed=changed)

    def ListOrgUnits(self, request, context):  # noqa: N802
        self._record("ListOrgUnits", request, context)
        return identity_pb2.ListOrgUnitsResponse(org_units=[
            identity_pb2.OrgUnit(id="ou-root", kind=identity_pb2.ORG_UNIT_KIND_COMPANY,
                                 name="EduCRM 教育集团", code="HQ"),
            identity_pb2.OrgUnit(id="ou-region-1", parent_id="ou-root",
                                 kind=identity_pb2.ORG_UNIT_KIND_REGION, name="华东战区"),
        ])

    def ListAuditEvents(self, request, context):  # noqa: N802
        self._record("ListAuditEvents", request, context)
        return identity_pb2.ListAuditEventsResponse(audit_events=[
            identity_pb2.AuditEvent(id="a-1", actor_user_id="u-alice", action="users.list",
                                    method="GET", path="/v1/users", outcome="allowed",
                                    status_code=200, source="gateway")])


def serve_fake_identity(minter: TokenMinter | None = None, *, address: str = "127.0.0.1:0",
                        workers: int = 16) -> tuple[grpc.Server, FakeIdentity, str]:
    """Start a real grpcio server with FakeIdentity and grpc.health; return it, the
    servicer and its target."""
    fake = FakeIdentity(minter or TokenMinter())
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
    identity_pb2_grpc.add_IdentityServiceServicer_to_server(fake, server)
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_insecure_port(address)
    server.start()
    host = address.rsplit(":", 1)[0]
    return server, fake, f"{host}:{port}"


if __name__ == "__main__":  # `python -m gateway.testing 127.0.0.1:50051` for manual runs
    import sys

    srv, _, target = serve_fake_identity(address=sys.argv[1] if len(sys.argv) > 1
                                         else "127.0.0.1:50051")
    print(f"fake identity serving on {target}", flush=True)
    srv.wait_for_termination()


# --- helpers for HTTP-level tests (httpx responses) ------------------------------------

def assert_problem(response: Any, status: int, reason: str | None = None) -> dict:
    """Assert an RFC 9457 problem document with EduCRM's members; return it."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://educrm.dev/problems/")
    for member in ("title", "detail", "detail_zh", "correlation_id"):
        assert body.get(member), (member, body)
    if reason:
        assert body["type"] == f"https://educrm.dev/problems/{reason}", body
    return body


async def wait_until(predicate, timeout: float = 5.0) -> None:
    """Poll a condition with a deadline (never a fixed sleep)."""
    import asyncio

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.01)
