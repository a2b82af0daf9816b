# ruff: noqa: N802 - the servicer's methods carry the gRPC method names
"""A fake identity gRPC server for the gateway's tests and benchmark (never shipped).

It keeps its users, sessions and refresh tokens in memory and records every call with its
metadata, so tests can assert what the gateway forwarded. Everything else is identity's own:
the kit's server plumbing (token verification, internal token, error trailers), identity's
pure rules (roles → rights and data scope, field validation, password policy, who may
freeze and unfreeze) and its errors. What the fake still decides itself — sessions, paging,
visibility, masking, the answers' shape — is pinned against the real service by
gateway/tests/test_identity_contract.py; when the two disagree, the real service is right.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from concurrent import futures
from typing import Any

import grpc
import jwt
from contracts.identity import identity_pb2 as pb
from contracts.identity import identity_pb2_grpc
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from identity import errors, freeze_rules, roles
from identity.api import INTERNAL_METHODS, PUBLIC_METHODS  # the real lists, not copies
from identity.keys import public_jwk
from identity.users import NewUser, checked_new_user
from identity.validation import (
    USERNAME,
)
from kit import errors as kit_errors
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER, KeySet
from kit.caller import Caller, DataScope
from kit.grpc_context import current_call, get_caller, is_internal_call, optional_caller
from kit.grpc_server import PlumbingInterceptor
from kit.idempotency import MAX_KEY_LENGTH
from kit.logs import mask_phone
from kit.text import check_text

from . import directory

INTERNAL_TOKEN = "test-internal-token"  # noqa: S105 - a test fixture value
SERVICE_NAME = "crm.identity.v1.IdentityService"
ACCESS_TOKEN_TTL = 900
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200

_STATUS = {"active": pb.USER_STATUS_ACTIVE, "frozen": pb.USER_STATUS_FROZEN,
           "left": pb.USER_STATUS_LEFT}
_STATUS_NAMES = {v: k for k, v in _STATUS.items()}
_KINDS = {"company": pb.ORG_UNIT_KIND_COMPANY, "region": pb.ORG_UNIT_KIND_REGION,
          "branch": pb.ORG_UNIT_KIND_BRANCH, "department": pb.ORG_UNIT_KIND_DEPARTMENT}


class TokenMinter:
    """Signs access tokens like identity does; tests bend any part of them."""

    def __init__(self, kid: str | None = None) -> None:
        self.private_key = Ed25519PrivateKey.generate()
        self.public_raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_pem = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.jwk = public_jwk(self.private_key.public_key())
        if kid:
            self.jwk["kid"] = kid
        self.kid = self.jwk["kid"]

    def jwks(self) -> str:
        return json.dumps({"keys": [self.jwk]}, separators=(",", ":"))

    def claims_for(self, user: FakeUser, *, sid: str | None = None,
                   ttl: int = ACCESS_TOKEN_TTL) -> dict[str, Any]:
        """identity.tokens.access_token_claims for `user`; a session id unless sid=""."""
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": user.id, "name": user.username,
                  "roles": list(user.roles), "org": user.org_unit_id,
                  "dept": user.department_id, "region": user.region_id,
                  "scope": user.data_scope, "rights": list(user.rights),
                  "jti": uuid.uuid4().hex, "iat": now, "exp": now + ttl}
        sid = str(uuid.uuid4()) if sid is None else sid
        if sid:
            claims["sid"] = sid
        return claims

    def sign(self, claims: dict[str, Any], *, typ: str = ACCESS_TOKEN_TYPE,
             kid: str | None = None) -> str:
        return jwt.encode(claims, self.private_key, algorithm="EdDSA",
                          headers={"typ": typ, "kid": kid or self.kid})

    def access_token(self, user: FakeUser, **kwargs: Any) -> str:
        return self.sign(self.claims_for(user, **kwargs))


@dataclasses.dataclass
class FakeOrgUnit:
    id: str
    kind: str
    name: str
    code: str
    parent_id: str | None


@dataclasses.dataclass
class FakeUser:
    id: str
    username: str
    display_name: str
    email: str
    phone: str  # E.164, like identity stores it
    roles: tuple[str, ...]
    org_unit_id: str | None
    department_id: str | None
    region_id: str | None
    password: str
    status: str = "active"
    frozen_reason: str = ""
    created_at: dt.datetime = dataclasses.field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def rights(self) -> tuple[str, ...]:
        return roles.rights(self.roles)

    @property
    def data_scope(self) -> str:
        return roles.data_scope(self.roles).value


@dataclasses.dataclass
class FakeSession:
    user_id: str
    _revoked: str | None = None  # the reason, once revoked
    revoked_at: float | None = None

    @property
    def revoked(self) -> str | None:
        return self._revoked

    @revoked.setter
    def revoked(self, reason: str | None) -> None:
        if reason is not None and self.revoked_at is None:
            self.revoked_at = time.time()
        self._revoked = reason


@dataclasses.dataclass
class RecordedCall:
    method: str
    request: Any
    metadata: dict[str, str]


def _placement(units: dict[str, FakeOrgUnit], org_unit_id: str) -> tuple[str | None, str | None]:
    """(department, region): the nearest of each kind up the tree (identity.org)."""
    department = region = None
    current: str | None = org_unit_id
    while current:
        unit = units[current]
        if unit.kind == "department" and department is None:
            department = unit.id
        if unit.kind == "region" and region is None:
            region = unit.id
        current = unit.parent_id
    return department, region


def _timestamp_at(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def _encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


def _decode_cursor(token: str) -> list | None:
    if not token:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != 1:
        raise kit_errors.InvalidArgument("invalid page token", reason="invalid.page_token",
                                         message_zh="分页令牌无效")
    return values


class FakeIdentity(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, minter: TokenMinter) -> None:
        self.minter = minter
        self.lock = threading.RLock()
        self.calls: list[RecordedCall] = []  # every call but GetSigningKeys
        self.key_fetches: list[RecordedCall] = []  # GetSigningKeys calls
        self.revocation_reads: list[RecordedCall] = []  # ListRevocations calls
        self.reset()

    # --- state ------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the directory's org tree and accounts; no sessions, no recorded calls."""
        with self.lock:
            self.calls.clear()
            self.key_fetches.clear()
            self.revocation_reads.clear()
            self.fail_freeze = 0  # how many FreezeUser calls to fail with UNAVAILABLE first
            self.units = {u.fake_id: FakeOrgUnit(u.fake_id, u.kind, u.name, u.code,
                                                 f"ou-{u.parent}" if u.parent else None)
                          for u in directory.ORG_UNITS}
            self.users: dict[str, FakeUser] = {}
            for spec in directory.USERS:
                unit_id = f"ou-{spec.org_unit}"
                department, region = _placement(self.units, unit_id)
                self.users[spec.fake_id] = FakeUser(
                    id=spec.fake_id, username=spec.username, display_name=spec.display_name,
                    email=spec.email, phone=spec.e164_phone, roles=spec.roles,
                    org_unit_id=unit_id, department_id=department, region_id=region,
                    password=spec.password, status="frozen" if spec.frozen else "active",
                    frozen_reason="seeded" if spec.frozen else "")
            self.refusals: list[tuple[str, str]] = []  # (user id, reason) by check_caller
            self.sessions: dict[str, FakeSession] = {}
            self.refresh_tokens: dict[str, tuple[str, bool]] = {}  # token -> (sid, used)
            self.idempotency: dict[str, tuple[str, str]] = {}  # key -> (fingerprint, user id)

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def record(self, method: str, request: Any, metadata: dict[str, str]) -> None:
        # Key-set and revocation reads are the verifiers' own business, not a forwarded
        # request: kept apart so `calls == []` says "nothing was forwarded".
        with self.lock:
            target = {"GetSigningKeys": self.key_fetches,
                      "ListRevocations": self.revocation_reads}.get(method, self.calls)
            target.append(RecordedCall(method, request, metadata))

    def user_named(self, username: str) -> FakeUser:
        return next(u for u in self.users.values() if u.username == username)

    def open_session(self, user_id: str) -> str:
        with self.lock:
            sid = str(uuid.uuid4())  # identity's row ids are UUID strings
            self.sessions[sid] = FakeSession(user_id)
            return sid

    def access_token(self, user_id: str, **kwargs: Any) -> str:
        """A token as a login would issue it: its session exists (identity refuses tokens
        of sessions it does not know)."""
        sid = kwargs.pop("sid", None) or self.open_session(user_id)
        return self.minter.access_token(self.users[user_id], sid=sid, **kwargs)

    def check_caller(self, caller: Caller) -> None:
        """identity.auth.AuthService.check_caller: honour freeze, leave and logout at once.
        Each refusal is noted in `refusals` as (user id, reason)."""
        with self.lock:
            try:
                user = self.users.get(caller.user_id)
                if user is None:
                    raise errors.session_revoked()
                self._check_status(user)
                if caller.session_id:
                    session = self.sessions.get(caller.session_id)
                    if session is None or session.revoked is not None:
                        raise errors.session_revoked()
            except kit_errors.DomainError as exc:
                self.refusals.append((caller.user_id, exc.reason))
                raise

    @staticmethod
    def _check_status(user: FakeUser) -> None:
        if user.status == freeze_rules.FROZEN:
            raise errors.user_frozen()
        if user.status == freeze_rules.LEFT:
            raise errors.user_left()

    def _revoke_all(self, user_id: str, reason: str) -> None:
        for session in self.sessions.values():
            if session.user_id == user_id and session.revoked is None:
                session.revoked = reason

    def _pair(self, user: FakeUser, sid: str) -> pb.TokenPair:
        refresh = "rt_" + secrets.token_urlsafe(32)
        self.refresh_tokens[refresh] = (sid, False)
        return pb.TokenPair(access_token=self.minter.access_token(user, sid=sid),
                            refresh_token=refresh, token_type="Bearer",  # noqa: S106
                            expires_in=ACCESS_TOKEN_TTL)

    def _load(self, user_id: str) -> FakeUser:
        user = self.users.get(user_id) if user_id else None
        if user is None:
            raise errors.user_not_found()
        return user

    @staticmethod
    def _visible(caller: Caller, user: FakeUser) -> bool:
        """identity.users.visible_users."""
        scope = caller.data_scope
        if scope == DataScope.ALL:
            return True
        if scope == DataScope.REGION and caller.region_id:
            return user.region_id == caller.region_id
        if scope == DataScope.DEPARTMENT and caller.department_id:
            return user.department_id == caller.department_id
        return user.id == caller.user_id

    @staticmethod
    def user_message(user: FakeUser, *, full_phone: bool) -> pb.User:
        created = pb.User().created_at
        created.FromDatetime(user.created_at)
        return pb.User(
            id=user.id, username=user.username, display_name=user.display_name,
            email=user.email, phone=user.phone if full_phone else mask_phone(user.phone),
            roles=list(user.roles), org_unit_id=user.org_unit_id or "",
            department_id=user.department_id or "", region_id=user.region_id or "",
            data_scope=user.data_scope, rights=list(user.rights), status=_STATUS[user.status],
            frozen_reason=user.frozen_reason, created_at=created)

    def _unit_message(self, unit: FakeOrgUnit) -> pb.OrgUnit:
        return pb.OrgUnit(id=unit.id, parent_id=unit.parent_id or "", kind=_KINDS[unit.kind],
                          name=unit.name, code=unit.code)

    # --- authentication ---------------------------------------------------------------
    def Login(self, request, context):
        name = (request.username or "").strip().lower()
        with self.lock:
            user = next((u for u in self.users.values() if u.username == name), None) \
                if USERNAME.match(name) else None
            if user is None or user.password != request.password:
                raise errors.bad_credentials()
            self._check_status(user)
            return pb.LoginResponse(tokens=self._pair(user, self.open_session(user.id)))

    def RefreshToken(self, request, context):
        with self.lock:
            found = self.refresh_tokens.get(request.refresh_token)
            if found is None:
                raise errors.refresh_invalid()
            sid, used = found
            session = self.sessions[sid]
            if session.revoked is not None:
                raise errors.session_revoked()
            user = self.users[session.user_id]
            self._check_status(user)
            if used:
                session.revoked = "refresh_token.reused"
                raise errors.refresh_reused()
            self.refresh_tokens[request.refresh_token] = (sid, True)
            return pb.RefreshTokenResponse(tokens=self._pair(user, sid))

    def Logout(self, request, context):
        caller = optional_caller()
        revoked = ""
        with self.lock:
            if request.refresh_token and request.refresh_token in self.refresh_tokens:
                sid = self.refresh_tokens[request.refresh_token][0]
                session = self.sessions[sid]
                if caller is None or session.user_id == caller.user_id:
                    session.revoked = session.revoked or "logout"
                    revoked = sid
            if caller is not None and caller.session_id:
                session = self.sessions.get(caller.session_id)
                if session is not None and session.user_id == caller.user_id:
                    session.revoked = session.revoked or "logout"
                    revoked = caller.session_id
            if not revoked and caller is None:
                raise errors.refresh_invalid()
        return pb.LogoutResponse(session_id=revoked, revoked_for_seconds=ACCESS_TOKEN_TTL)

    def ListRevocations(self, request, context):
        if not is_internal_call():
            raise kit_errors.PermissionDenied("system callers only (internal token)",
                                              reason="permission.denied",
                                              message_zh="仅限系统内部调用")
        now = time.time()
        with self.lock:
            frozen = sorted(u.id for u in self.users.values() if u.status == "frozen")
            left = sorted(u.id for u in self.users.values() if u.status == "left")
            revoked = [pb.RevokedSession(session_id=sid, user_id=session.user_id,
                                         revoked_at=_timestamp_at(session.revoked_at),
                                         expires_at=_timestamp_at(session.revoked_at
                                                                  + ACCESS_TOKEN_TTL))
                       for sid, session in sorted(self.sessions.items())
                       if session.revoked_at is not None
                       and session.revoked_at + ACCESS_TOKEN_TTL > now]
        return pb.ListRevocationsResponse(frozen_user_ids=frozen, left_user_ids=left,
                                          revoked_sessions=revoked, as_of=_timestamp_at(now))

    def GetSigningKeys(self, request, context):
        return pb.GetSigningKeysResponse(jwks_json=self.minter.jwks())

    # --- users ------------------------------------------------------------------------
    def GetMe(self, request, context):
        caller = get_caller()
        with self.lock:
            user = self._load(caller.user_id)
            unit = self.units.get(user.org_unit_id or "")
            return pb.GetMeResponse(user=self.user_message(user, full_phone=True),
                                    org_unit=self._unit_message(unit) if unit else None)

    def ListUsers(self, request, context):
        caller = get_caller()
        status = _STATUS_NAMES.get(request.status, "")
        query = check_text(request.query, "query").strip()
        cursor = _decode_cursor(request.page_token)
        size = DEFAULT_PAGE_SIZE if request.page_size <= 0 else min(request.page_size,
                                                                    MAX_PAGE_SIZE)
        with self.lock:
            rows = [u for u in self.users.values() if self._visible(caller, u)
                    and (not request.org_unit_id or request.org_unit_id in (
                        u.org_unit_id, u.department_id, u.region_id))
                    and (not query or u.username.startswith(query.lower())
                         or u.display_name.startswith(query))
                    and (not status or u.status == status)
                    and (cursor is None or u.username > str(cursor[0]))]
            rows.sort(key=lambda u: u.username)
            next_token = _encode_cursor([rows[size - 1].username]) if len(rows) > size else ""
            full = caller.can(roles.USER_ADMIN)
            return pb.ListUsersResponse(
                users=[self.user_message(u, full_phone=full) for u in rows[:size]],
                next_page_token=next_token)

    def GetUser(self, request, context):
        caller = get_caller()
        with self.lock:
            user = self.users.get(request.user_id)
            if user is None or not self._visible(caller, user):
                raise errors.user_not_found()  # invisible and missing look the same
            full = caller.can(roles.USER_ADMIN) or user.id == caller.user_id
            return pb.GetUserResponse(user=self.user_message(user, full_phone=full))

    def CreateUser(self, request, context):
        caller = get_caller()
        if not caller.can(roles.USER_ADMIN):
            raise errors.denied("user.admin right required", "需要用户管理权限")
        key = request.idempotency_key or (current_call.get().idempotency_key or "")
        new = NewUser(username=request.username, display_name=request.display_name,
                      password=request.password, email=request.email, phone=request.phone,
                      roles=tuple(request.roles), org_unit_id=request.org_unit_id)
        if key and (len(key) > MAX_KEY_LENGTH or not key.isprintable()):
            raise kit_errors.InvalidArgument(
                f"idempotency key must be 1..{MAX_KEY_LENGTH} visible characters",
                reason="idempotency_key.invalid",
                message_zh=f"幂等键必须为 1 到 {MAX_KEY_LENGTH} 个可见字符")
        with self.lock:
            if key and key in self.idempotency:
                fingerprint, user_id = self.idempotency[key]
                if fingerprint != new.fingerprint():
                    raise kit_errors.IdempotencyConflict(
                        "idempotency key reused with a different request",
                        message_zh="幂等键已用于不同的请求")
                return pb.CreateUserResponse(
                    user=self.user_message(self.users[user_id], full_phone=True))
            user = self._create_user(new)
            if key:
                self.idempotency[key] = (new.fingerprint(), user.id)
            return pb.CreateUserResponse(user=self.user_message(user, full_phone=True))

    def _create_user(self, new: NewUser) -> FakeUser:
        """identity.users.UserService._validated and _create_user, in memory (the field rules
        are identity's own: checked_new_user)."""
        fields = checked_new_user(new)
        username = fields.username
        if not new.org_unit_id or new.org_unit_id not in self.units:
            raise errors.org_unit_not_found()
        if any(u.username == username for u in self.users.values()):
            raise kit_errors.AlreadyExists("username taken", reason="user.username_taken",
                                           message_zh="用户名已被占用")
        department, region = _placement(self.units, new.org_unit_id)
        user = FakeUser(id=str(uuid.uuid4()), username=username,
                        display_name=fields.display_name, email=fields.email or "",
                        phone=fields.phone or "", roles=fields.roles, org_unit_id=new.org_unit_id,
                        department_id=department, region_id=region, password=new.password)
        self.users[user.id] = user
        return user

    def FreezeUser(self, request, context):
        with self.lock:
            if self.fail_freeze > 0:  # a test's injected outage
                self.fail_freeze -= 1
                raise _Unavailable("identity unavailable", message_zh="身份服务暂不可用")
        caller = optional_caller()
        freeze_rules.check_can_freeze(caller, internal=is_internal_call(),
                                      automatic=request.automatic,
                                      target_user_id=request.user_id)
        check_text(request.reason, "reason", multiline=True)
        with self.lock:
            user = self._load(request.user_id)
            changed = freeze_rules.transition(user.status, freeze_rules.FROZEN)
            if changed:
                user.status = freeze_rules.FROZEN
                user.frozen_reason = (request.reason
                                      or ("rate_limit" if request.automatic else "manual"))[:200]
                self._revoke_all(user.id, "user.frozen")
            full = caller is not None and caller.can(roles.USER_ADMIN)
            return pb.FreezeUserResponse(user=self.user_message(user, full_phone=full),
                                         changed=changed)

    def UnfreezeUser(self, request, context):
        caller = get_caller()
        freeze_rules.check_can_unfreeze(caller)
        check_text(request.reason, "reason", multiline=True)
        with self.lock:
            user = self._load(request.user_id)
            changed = freeze_rules.transition(user.status, freeze_rules.ACTIVE)
            if changed:
                user.status = freeze_rules.ACTIVE
                user.frozen_reason = ""
            return pb.UnfreezeUserResponse(user=self.user_message(user, full_phone=True),
                                           changed=changed)

    def MarkUserLeft(self, request, context):
        caller = get_caller()
        freeze_rules.check_can_mark_left(caller, request.user_id)
        with self.lock:
            user = self._load(request.user_id)
            if user.status != freeze_rules.LEFT:
                if request.successor_user_id:
                    successor = self._load(request.successor_user_id)
                    if successor.id == user.id or successor.status != freeze_rules.ACTIVE:
                        raise kit_errors.FailedPrecondition(
                            "successor must be another active user",
                            reason="user.bad_successor", message_zh="交接人须为其他在职用户")
                user.status = freeze_rules.LEFT
                self._revoke_all(user.id, "user.left")
            return pb.MarkUserLeftResponse(user=self.user_message(user, full_phone=True))

    # --- org tree and audit -----------------------------------------------------------
    def ListOrgUnits(self, request, context):
        get_caller()
        with self.lock:
            units = sorted(self.units.values(), key=lambda u: (u.kind, u.name))
            return pb.ListOrgUnitsResponse(org_units=[self._unit_message(u) for u in units])

    def ListAuditEvents(self, request, context):
        caller = get_caller()
        if not caller.can(roles.AUDIT_READ):
            raise kit_errors.PermissionDenied("audit.read right required",
                                              reason="permission.denied",
                                              message_zh="需要审计查看权限")
        return pb.ListAuditEventsResponse(audit_events=[
            pb.AuditEvent(id="a-1", actor_user_id="u-alice", actor_username="alice",
                          action="auth.login", outcome="allowed", source="identity")])


class _Unavailable(kit_errors.DomainError):
    code = grpc.StatusCode.UNAVAILABLE
    reason = "unavailable"


class _Recorder(grpc.ServerInterceptor):
    """Records every call (method, request, metadata) before the plumbing checks it, so a
    test also sees what identity would have refused."""

    def __init__(self, record: Callable[[str, Any, dict[str, str]], None]) -> None:
        self.record = record

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or not handler.unary_unary or \
                not handler_call_details.method.startswith(f"/{SERVICE_NAME}/"):
            return handler
        name = handler_call_details.method.rsplit("/", 1)[-1]
        inner = handler.unary_unary

        def recorded(request, context):
            metadata = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
            self.record(name, request, metadata)
            return inner(request, context)

        return grpc.unary_unary_rpc_method_handler(
            recorded, handler.request_deserializer, handler.response_serializer)


def serve_fake_identity(minter: TokenMinter | None = None, *, address: str = "127.0.0.1:0",
                        workers: int = 16,
                        internal_token: str = INTERNAL_TOKEN) -> tuple[grpc.Server, FakeIdentity,
                                                                       str]:
    """Start a real grpcio server with FakeIdentity behind the kit's plumbing interceptor
    (as identity.api serves) and grpc.health; return it, the servicer and its target."""
    fake = FakeIdentity(minter or TokenMinter())
    plumbing = PlumbingInterceptor(part="fake_identity", key_set=KeySet(fake.minter.jwks),
                                   public_methods=PUBLIC_METHODS, internal_token=internal_token,
                                   internal_methods=INTERNAL_METHODS,
                                   caller_check=fake.check_caller)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers),
                         interceptors=[_Recorder(fake.record), plumbing])
    identity_pb2_grpc.add_IdentityServiceServicer_to_server(fake, server)
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_insecure_port(address)
    server.start()
    host = address.rsplit(":", 1)[0]
    return server, fake, f"{host}:{port}"


def main(argv: list[str]) -> None:
    """`python -m fakes.identity 127.0.0.1:50051 [internal-token]` (the benchmark's identity)."""
    server, _, target = serve_fake_identity(
        address=argv[0] if argv else "127.0.0.1:50051",
        internal_token=argv[1] if len(argv) > 1 else INTERNAL_TOKEN)
    print(f"fake identity serving on {target}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
