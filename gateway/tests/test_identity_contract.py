# ruff: noqa: S105, S106 - fixed credentials of throw-away test accounts
"""The identity contract the gateway's tests rely on, run against the fake identity
(fakes.identity, in-process) AND the real identity api process (a subprocess on a throw-away
PostgreSQL database seeded with the same accounts). A test that passes on one and fails on
the other shows the fake has drifted: fix the fake (the real service is the truth).

Tests never change the seeded accounts: whatever they freeze or create is their own user.
"""
from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

import grpc
import jwt
import pytest
from contracts.identity import identity_pb2 as pb
from contracts.identity import identity_pb2_grpc
from fakes import directory
from fakes.identity import INTERNAL_TOKEN, serve_fake_identity
from kit.access_token import KeySet, verify_access_token
from kit.grpc_errors import error_info

ACTIVE_USERS = [u for u in directory.USERS if not u.frozen]

# What the tokens and answers say about each role: pinned here, not derived.
ADMIN_RIGHTS = ["export", "delete", "user.admin", "audit.read", "unfreeze"]
EXPECTED = {  # role -> (data scope, rights)
    "admin": ("all", ADMIN_RIGHTS),
    "general_manager": ("all", ["export", "audit.read", "approve.level3"]),
    "director": ("region", ["export", "approve.level2"]),
    "department_manager": ("department", ["export", "approve.level1"]),
    "sales": ("own", []),
}
VISIBLE = {  # caller -> the seeded accounts ListUsers shows them
    "admin": sorted(u.username for u in directory.USERS),
    "gm1": sorted(u.username for u in directory.USERS),
    "director1": ["alice", "bob", "director1", "frosty", "manager1"],
    "director2": ["director2", "sales3"],
    "manager1": ["alice", "bob", "frosty", "manager1"],
    "alice": ["alice"],
    "sales3": ["sales3"],
}


@dataclasses.dataclass
class Identity:
    kind: str
    target: str
    user_ids: dict[str, str]
    unit_ids: dict[str, str]
    channel: grpc.Channel

    @property
    def stub(self) -> identity_pb2_grpc.IdentityServiceStub:
        return identity_pb2_grpc.IdentityServiceStub(self.channel)

    def call(self, method: str, request: Any, *, token: str | None = None,
             internal: str | None = None, key: str | None = None) -> Any:
        metadata = []
        if token:
            metadata.append(("authorization", f"Bearer {token}"))
        if internal:
            metadata.append(("x-educrm-internal-token", internal))
        if key:
            metadata.append(("idempotency-key", key))
        return getattr(self.stub, method)(request, metadata=metadata, timeout=10)

    def error(self, method: str, request: Any, **kwargs: Any) -> tuple[grpc.StatusCode, str]:
        """The status code and `x-error-reason` of a call that must fail."""
        with pytest.raises(grpc.RpcError) as raised:
            self.call(method, request, **kwargs)
        info = error_info(raised.value)
        return info.code, info.reason

    def login(self, username: str, password: str | None = None) -> pb.TokenPair:
        password = password or directory.USERS_BY_NAME[username].password
        return self.call("Login", pb.LoginRequest(username=username,
                                                  password=password)).tokens

    def token(self, username: str) -> str:
        return self.login(username).access_token

    def key_set(self) -> KeySet:
        return KeySet(lambda: self.call("GetSigningKeys", pb.GetSigningKeysRequest()).jwks_json)

    def new_user(self, admin_token: str, **fields: Any) -> pb.User:
        """A user of the test's own (under south-gz-sales), with password `Passw0rd-long`."""
        name = fields.pop("username", f"t{uuid.uuid4().hex[:10]}")
        request = pb.CreateUserRequest(
            username=name, display_name=fields.pop("display_name", "Test"),
            password="Passw0rd-long", roles=fields.pop("roles", ["sales"]),
            org_unit_id=self.unit_ids["south-gz-sales"], **fields)
        return self.call("CreateUser", request, token=admin_token).user


@pytest.fixture(scope="module", params=["fake", "real"])
def identity(request):
    if request.param == "fake":
        server, _, target = serve_fake_identity()
        try:
            with grpc.insecure_channel(target) as channel:
                yield Identity("fake", target, {u.username: u.fake_id for u in directory.USERS},
                               {u.code: u.fake_id for u in directory.ORG_UNITS}, channel)
        finally:
            server.stop(grace=None)
    else:
        real = request.getfixturevalue("real_identity")  # conftest: one process per session
        with grpc.insecure_channel(real.target) as channel:
            yield Identity("real", real.target, real.user_ids, real.org_unit_ids, channel)


@pytest.fixture(scope="module")
def admin(identity) -> str:
    return identity.token("admin")


# --- signing keys and tokens ------------------------------------------------------------

def test_jwks_shape(identity):
    document = json.loads(identity.call("GetSigningKeys", pb.GetSigningKeysRequest()).jwks_json)
    assert list(document) == ["keys"] and len(document["keys"]) == 1
    key = document["keys"][0]
    assert set(key) == {"kty", "crv", "x", "kid", "alg", "use"}
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert len(key["x"]) == 43 and len(key["kid"]) == 43  # 32-byte key, SHA-256 thumbprint
    token = identity.token("alice")
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "typ": "at+jwt",
                                                "kid": key["kid"]}


@pytest.mark.parametrize("spec", ACTIVE_USERS, ids=[u.username for u in ACTIVE_USERS])
def test_login_token_claims(identity, spec):
    pair = identity.login(spec.username)
    assert (pair.token_type, pair.expires_in) == ("Bearer", 900)
    assert pair.refresh_token.startswith("rt_")
    claims = verify_access_token(pair.access_token, identity.key_set())
    scope, rights = EXPECTED[spec.roles[0]]
    unit = directory.ORG_UNITS_BY_CODE[spec.org_unit]
    ancestry = [unit]
    while ancestry[-1].parent:
        ancestry.append(directory.ORG_UNITS_BY_CODE[ancestry[-1].parent])
    department = next((u.code for u in ancestry if u.kind == "department"), None)
    region = next((u.code for u in ancestry if u.kind == "region"), None)
    ids = identity.unit_ids
    assert set(claims) == {"iss", "aud", "sub", "name", "roles", "org", "dept", "region",
                           "scope", "rights", "sid", "jti", "iat", "exp"}
    assert (claims["iss"], claims["aud"]) == ("educrm-identity", "educrm")
    assert claims["sub"] == identity.user_ids[spec.username]
    assert claims["name"] == spec.username
    assert claims["roles"] == list(spec.roles)
    assert claims["scope"] == scope and claims["rights"] == rights
    assert claims["org"] == ids[spec.org_unit]
    assert claims["dept"] == (ids[department] if department else None)
    assert claims["region"] == (ids[region] if region else None)
    assert claims["exp"] - claims["iat"] == 900
    assert str(uuid.UUID(claims["sid"])) == claims["sid"]  # a session row id
    assert uuid.UUID(hex=claims["jti"]).hex == claims["jti"]


# --- login, refresh, logout -------------------------------------------------------------

@pytest.mark.parametrize("username,password", [
    ("nobody", "alice-pass"), ("alice", "wrong"), ("alice", ""), ("", ""), ("A!", "x"),
    ("frosty", "wrong"),  # a frozen account with a wrong password reveals nothing
], ids=["unknown", "wrong", "empty-password", "empty", "bad-shape", "frozen-wrong"])
def test_login_failure(identity, username, password):
    with pytest.raises(grpc.RpcError) as raised:
        identity.call("Login", pb.LoginRequest(username=username, password=password))
    info = error_info(raised.value)
    assert (info.code, info.reason, info.message, info.message_zh) == (
        grpc.StatusCode.UNAUTHENTICATED, "auth.invalid_credentials",
        "invalid username or password", "用户名或密码错误")


def test_login_of_frozen_user(identity):
    with pytest.raises(grpc.RpcError) as raised:
        identity.login("frosty")
    info = error_info(raised.value)
    assert (info.code, info.reason, info.message_zh) == (
        grpc.StatusCode.PERMISSION_DENIED, "user.frozen", "账号已冻结，请联系管理员解冻")


def test_login_username_is_trimmed_and_case_insensitive(identity):
    pair = identity.login("  Alice ", "alice-pass")
    assert jwt.decode(pair.access_token, options={"verify_signature": False})["name"] == "alice"


def test_refresh_rotates_and_a_replay_revokes_the_session(identity):
    first = identity.login("bob")
    second = identity.call("RefreshToken",
                           pb.RefreshTokenRequest(refresh_token=first.refresh_token)).tokens
    assert second.refresh_token != first.refresh_token
    old_sid = jwt.decode(first.access_token, options={"verify_signature": False})["sid"]
    new_sid = jwt.decode(second.access_token, options={"verify_signature": False})["sid"]
    assert new_sid == old_sid  # one session, rotated
    assert identity.error("RefreshToken", pb.RefreshTokenRequest(
        refresh_token=first.refresh_token)) == (grpc.StatusCode.UNAUTHENTICATED,
                                                "refresh_token.reused")
    # The replay revoked the whole family: the newer refresh token and the access tokens.
    assert identity.error("RefreshToken", pb.RefreshTokenRequest(
        refresh_token=second.refresh_token)) == (grpc.StatusCode.UNAUTHENTICATED,
                                                 "session.revoked")
    assert identity.error("GetMe", pb.GetMeRequest(), token=second.access_token) == (
        grpc.StatusCode.UNAUTHENTICATED, "session.revoked")
    assert identity.error("RefreshToken", pb.RefreshTokenRequest(refresh_token="rt_nope")) == (
        grpc.StatusCode.UNAUTHENTICATED, "refresh_token.invalid")


def test_logout(identity):
    pair = identity.login("bob")
    sid = jwt.decode(pair.access_token, options={"verify_signature": False})["sid"]
    out = identity.call("Logout", pb.LogoutRequest(), token=pair.access_token)
    assert (out.session_id, out.revoked_for_seconds) == (sid, 900)
    assert identity.error("GetMe", pb.GetMeRequest(), token=pair.access_token) == (
        grpc.StatusCode.UNAUTHENTICATED, "session.revoked")
    assert identity.error("RefreshToken", pb.RefreshTokenRequest(
        refresh_token=pair.refresh_token)) == (grpc.StatusCode.UNAUTHENTICATED,
                                               "session.revoked")
    # By refresh token alone (an expired access token is ignored on this public method).
    other = identity.login("bob")
    out = identity.call("Logout", pb.LogoutRequest(refresh_token=other.refresh_token))
    assert out.session_id == jwt.decode(other.access_token,
                                        options={"verify_signature": False})["sid"]
    assert identity.error("Logout", pb.LogoutRequest()) == (grpc.StatusCode.UNAUTHENTICATED,
                                                            "refresh_token.invalid")


def test_authentication_errors(identity):
    assert identity.error("GetMe", pb.GetMeRequest()) == (grpc.StatusCode.UNAUTHENTICATED,
                                                          "auth.required")
    assert identity.error("GetMe", pb.GetMeRequest(), token="not-a-jwt") == (
        grpc.StatusCode.UNAUTHENTICATED, "token.invalid")
    # The internal token opens only the methods identity lists (the automatic freeze, ...):
    # elsewhere any internal token is refused; on a listed method a wrong one is invalid.
    assert identity.error("GetMe", pb.GetMeRequest(), internal="wrong-token") == (
        grpc.StatusCode.PERMISSION_DENIED, "auth.internal_not_allowed")
    assert identity.error("FreezeUser", pb.FreezeUserRequest(user_id="x", automatic=True),
                          internal="wrong-token") == (
        grpc.StatusCode.UNAUTHENTICATED, "auth.internal_invalid")
    # A token identity never issued a session for (random sid) is a revoked session.
    token = identity.token("alice")
    claims = jwt.decode(token, options={"verify_signature": False})
    header = jwt.get_unverified_header(token)
    assert header["kid"]  # a foreign key with the same kid is just an invalid token
    from fakes.identity import TokenMinter
    forged = TokenMinter(kid=header["kid"]).sign(claims)
    assert identity.error("GetMe", pb.GetMeRequest(), token=forged) == (
        grpc.StatusCode.UNAUTHENTICATED, "token.invalid")


# --- reading users ----------------------------------------------------------------------

def _all_pages(identity, token: str, **filters: Any) -> list[list[pb.User]]:
    pages, page_token = [], ""
    while True:
        response = identity.call("ListUsers", pb.ListUsersRequest(page_token=page_token,
                                                                  **filters), token=token)
        pages.append(list(response.users))
        page_token = response.next_page_token
        if not page_token:
            return pages


def test_list_users_pages_by_username(identity, admin):
    pages = _all_pages(identity, admin, page_size=3,
                       org_unit_id=identity.unit_ids["north-bj-sales"])
    assert [[u.username for u in p] for p in pages] == [["alice", "bob", "frosty"],
                                                         ["manager1"]]
    # A full last page still says there is no next one only when nothing follows.
    pages = _all_pages(identity, admin, page_size=2,
                       org_unit_id=identity.unit_ids["north-bj-sales"])
    assert [[u.username for u in p] for p in pages] == [["alice", "bob"], ["frosty", "manager1"]]
    everyone = [u.username for u in identity.call("ListUsers", pb.ListUsersRequest(),
                                                  token=admin).users]
    assert everyone == sorted(everyone) and len(everyone) <= 50  # default page size
    assert identity.error("ListUsers", pb.ListUsersRequest(page_token="not-a-cursor"),
                          token=admin) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.page_token")


def test_list_users_filters(identity, admin):
    def names(**filters: Any) -> list[str]:
        users = identity.call("ListUsers", pb.ListUsersRequest(**filters), token=admin).users
        return [u.username for u in users if u.username in directory.USERS_BY_NAME]

    assert names(status=pb.USER_STATUS_FROZEN) == ["frosty"]
    assert names(query="ali") == ["alice"]
    assert names(query="北方") == ["director1"]
    assert names(org_unit_id=identity.unit_ids["south"]) == ["director2", "sales3"]


@pytest.mark.parametrize("caller", list(VISIBLE))
def test_list_users_data_scope_and_masking(identity, caller):
    token = identity.token(caller)
    users = [u for page in _all_pages(identity, token, page_size=4) for u in page
             if u.username in directory.USERS_BY_NAME]
    assert [u.username for u in users] == VISIBLE[caller]
    for user in users:
        spec = directory.USERS_BY_NAME[user.username]
        # Only user administrators see whole phone numbers in lists (their own included).
        assert user.phone == (spec.e164_phone if caller == "admin" else
                              f"{spec.phone[:3]}****{spec.phone[-4:]}")
        assert user.email == spec.email and user.display_name == spec.display_name
        assert user.id == identity.user_ids[user.username]
        scope, rights = EXPECTED[spec.roles[0]]
        assert (user.data_scope, list(user.rights), list(user.roles)) == (
            scope, rights, list(spec.roles))
        assert user.status == (pb.USER_STATUS_FROZEN if spec.frozen else pb.USER_STATUS_ACTIVE)
        assert user.org_unit_id == identity.unit_ids[spec.org_unit]


def test_get_user_and_me(identity, admin):
    ids = identity.user_ids
    manager = identity.token("manager1")
    alice = identity.call("GetUser", pb.GetUserRequest(user_id=ids["alice"]), token=manager).user
    assert alice.phone == "138****0006"
    assert identity.call("GetUser", pb.GetUserRequest(user_id=ids["alice"]),
                         token=admin).user.phone == "+8613800000006"
    own = identity.token("alice")
    assert identity.call("GetUser", pb.GetUserRequest(user_id=ids["alice"]),
                         token=own).user.phone == "+8613800000006"
    # Out of scope and missing look the same.
    for user_id in (ids["bob"], ids["sales3"], "no-such-user"):
        assert identity.error("GetUser", pb.GetUserRequest(user_id=user_id), token=own) == (
            grpc.StatusCode.NOT_FOUND, "user.not_found")
    me = identity.call("GetMe", pb.GetMeRequest(), token=own)
    assert (me.user.username, me.user.phone) == ("alice", "+8613800000006")
    assert (me.org_unit.id, me.org_unit.kind, me.org_unit.name) == (
        identity.unit_ids["north-bj-sales"], pb.ORG_UNIT_KIND_DEPARTMENT, "北京销售一部")


def test_org_units_and_audit_rights(identity, admin):
    units = identity.call("ListOrgUnits", pb.ListOrgUnitsRequest(), token=identity.token("alice"))
    by_id = {v: k for k, v in identity.unit_ids.items()}
    # Ordered by kind (as text), then name.
    assert [by_id[u.id] for u in units.org_units] == [
        "north-bj", "south-gz", "hq", "north-bj-sales", "south-gz-sales", "north", "south"]
    hq = units.org_units[2]
    assert (hq.kind, hq.parent_id, hq.code, hq.name) == (pb.ORG_UNIT_KIND_COMPANY, "", "hq",
                                                         "EduCRM 教育集团")
    assert identity.error("ListAuditEvents", pb.ListAuditEventsRequest(),
                          token=identity.token("alice")) == (grpc.StatusCode.PERMISSION_DENIED,
                                                             "permission.denied")
    assert identity.error("ListAuditEvents", pb.ListAuditEventsRequest(),
                          token=identity.token("director1")) == (
        grpc.StatusCode.PERMISSION_DENIED, "permission.denied")
    identity.call("ListAuditEvents", pb.ListAuditEventsRequest(), token=identity.token("gm1"))


# --- creating users ---------------------------------------------------------------------

def test_create_user(identity, admin):
    name = f"t{uuid.uuid4().hex[:10]}"
    user = identity.new_user(admin, username=f"  {name.upper()} ", email="Someone@Example.EDU",
                             phone="138 1234 5678", roles=["department_manager", "sales"],
                             display_name="  ")
    assert (user.username, user.display_name, user.email, user.phone) == (
        name, name, "someone@example.edu", "+8613812345678")
    assert list(user.roles) == ["department_manager", "sales"]
    assert (user.data_scope, list(user.rights)) == ("department", ["export", "approve.level1"])
    assert (user.org_unit_id, user.department_id, user.region_id) == (
        identity.unit_ids["south-gz-sales"], identity.unit_ids["south-gz-sales"],
        identity.unit_ids["south"])
    assert user.status == pb.USER_STATUS_ACTIVE and user.frozen_reason == ""
    assert str(uuid.UUID(user.id)) == user.id
    pair = identity.login(name, "Passw0rd-long")
    assert verify_access_token(pair.access_token, identity.key_set())["sub"] == user.id


BAD_FIELDS = [
    ({"username": "x"}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.username"),
    ({"username": "9lives"}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.username"),
    ({"email": "not-an-email"}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.email"),
    ({"phone": "12345"}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.phone"),
    ({"phone": "+12025550123"}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.phone"),
    ({"password": "short1!"}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.password"),
    ({"password": "onlylowercase"}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.password"),
    ({"password": "password123"}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.password"),
    ({"roles": []}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.roles"),
    ({"roles": ["pope"]}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.roles"),
    ({"roles": ["branch_integration"]}, grpc.StatusCode.INVALID_ARGUMENT, "invalid.roles"),
    ({"org_unit_id": ""}, grpc.StatusCode.NOT_FOUND, "org_unit.not_found"),
    ({"org_unit_id": "ou-nowhere"}, grpc.StatusCode.NOT_FOUND, "org_unit.not_found"),
    ({"username": "alice"}, grpc.StatusCode.ALREADY_EXISTS, "user.username_taken"),
    ({"username": "ALICE"}, grpc.StatusCode.ALREADY_EXISTS, "user.username_taken"),
]


@pytest.mark.parametrize("fields,code,reason", BAD_FIELDS,
                         ids=[f"{r}-{i}" for i, (_, _, r) in enumerate(BAD_FIELDS)])
def test_create_user_validation(identity, admin, fields, code, reason):
    request = pb.CreateUserRequest(username=f"t{uuid.uuid4().hex[:10]}", display_name="T",
                                   password="Passw0rd-long", roles=["sales"],
                                   org_unit_id=identity.unit_ids["south-gz-sales"])
    for name, value in fields.items():
        if name == "roles":
            del request.roles[:]
            request.roles.extend(value)
        else:
            setattr(request, name, value)
    assert identity.error("CreateUser", request, token=admin) == (code, reason)


def test_create_user_rights_and_idempotency(identity, admin):
    request = pb.CreateUserRequest(username=f"t{uuid.uuid4().hex[:10]}", display_name="T",
                                   password="Passw0rd-long", roles=["sales"],
                                   org_unit_id=identity.unit_ids["south-gz-sales"])
    for who in ("alice", "manager1", "gm1"):
        assert identity.error("CreateUser", request, token=identity.token(who)) == (
            grpc.StatusCode.PERMISSION_DENIED, "permission.denied")
    key = f"contract-{uuid.uuid4().hex}"
    first = identity.call("CreateUser", request, token=admin, key=key).user
    again = identity.call("CreateUser", request, token=admin, key=key).user
    assert again.id == first.id
    changed = pb.CreateUserRequest()
    changed.CopyFrom(request)
    changed.display_name = "Other"
    assert identity.error("CreateUser", changed, token=admin, key=key) == (
        grpc.StatusCode.FAILED_PRECONDITION, "idempotency_conflict")
    # Without a key the same request is a second create: the username is taken.
    assert identity.error("CreateUser", request, token=admin) == (
        grpc.StatusCode.ALREADY_EXISTS, "user.username_taken")


# --- freeze and unfreeze ----------------------------------------------------------------

def test_freeze_and_unfreeze_effects_on_tokens(identity, admin):
    user = identity.new_user(admin)
    pair = identity.login(user.username, "Passw0rd-long")
    assert identity.call("GetMe", pb.GetMeRequest(), token=pair.access_token).user.id == user.id

    frozen = identity.call("FreezeUser", pb.FreezeUserRequest(user_id=user.id, reason="audit"),
                           token=admin)
    assert frozen.changed and frozen.user.status == pb.USER_STATUS_FROZEN
    assert frozen.user.frozen_reason == "audit"
    again = identity.call("FreezeUser", pb.FreezeUserRequest(user_id=user.id), token=admin)
    assert not again.changed and again.user.frozen_reason == "audit"
    # While frozen: the user's tokens, refresh tokens and password all say frozen.
    assert identity.error("GetMe", pb.GetMeRequest(), token=pair.access_token) == (
        grpc.StatusCode.PERMISSION_DENIED, "user.frozen")
    assert identity.error("RefreshToken", pb.RefreshTokenRequest(
        refresh_token=pair.refresh_token)) == (grpc.StatusCode.UNAUTHENTICATED,
                                               "session.revoked")
    assert identity.error("Login", pb.LoginRequest(username=user.username,
                                                   password="Passw0rd-long")) == (
        grpc.StatusCode.PERMISSION_DENIED, "user.frozen")

    thawed = identity.call("UnfreezeUser", pb.UnfreezeUserRequest(user_id=user.id,
                                                                  reason="checked"),
                           token=admin)
    assert thawed.changed and thawed.user.status == pb.USER_STATUS_ACTIVE
    assert thawed.user.frozen_reason == ""
    assert not identity.call("UnfreezeUser", pb.UnfreezeUserRequest(user_id=user.id),
                             token=admin).changed
    # After the unfreeze the tokens of before stay dead (the freeze ended their sessions):
    # the user logs in again.
    assert identity.error("GetMe", pb.GetMeRequest(), token=pair.access_token) == (
        grpc.StatusCode.UNAUTHENTICATED, "session.revoked")
    assert identity.error("RefreshToken", pb.RefreshTokenRequest(
        refresh_token=pair.refresh_token)) == (grpc.StatusCode.UNAUTHENTICATED,
                                               "session.revoked")
    fresh = identity.login(user.username, "Passw0rd-long")
    assert identity.call("GetMe", pb.GetMeRequest(), token=fresh.access_token).user.id == user.id


def test_list_revocations_is_for_system_callers_and_tells_current_state(identity, admin):
    assert identity.error("ListRevocations", pb.ListRevocationsRequest(), token=admin) == (
        grpc.StatusCode.PERMISSION_DENIED, "permission.denied")
    user = identity.new_user(admin)
    pair = identity.login(user.username, "Passw0rd-long")
    sid = jwt.decode(pair.access_token, options={"verify_signature": False})["sid"]
    before = identity.call("ListRevocations", pb.ListRevocationsRequest(),
                           internal=INTERNAL_TOKEN)
    assert user.id not in before.frozen_user_ids
    assert identity.user_ids["frosty"] in before.frozen_user_ids  # seeded frozen
    assert sid not in {r.session_id for r in before.revoked_sessions}

    identity.call("FreezeUser", pb.FreezeUserRequest(user_id=user.id, reason="audit"),
                  token=admin)
    after = identity.call("ListRevocations", pb.ListRevocationsRequest(),
                          internal=INTERNAL_TOKEN)
    assert user.id in after.frozen_user_ids and user.id not in after.left_user_ids
    revoked = {r.session_id: r for r in after.revoked_sessions}
    assert revoked[sid].user_id == user.id  # the freeze ended the session
    # Forgettable once no access token of the session can verify any more.
    lifetime = revoked[sid].expires_at.ToSeconds() - revoked[sid].revoked_at.ToSeconds()
    assert lifetime == 900
    identity.call("UnfreezeUser", pb.UnfreezeUserRequest(user_id=user.id), token=admin)
    assert user.id not in identity.call("ListRevocations", pb.ListRevocationsRequest(),
                                        internal=INTERNAL_TOKEN).frozen_user_ids


def test_freeze_rights(identity, admin):
    user = identity.new_user(admin, phone="13912345678")
    admin_id = identity.user_ids["admin"]
    for who in ("alice", "manager1", "director1", "gm1"):
        token = identity.token(who)
        assert identity.error("FreezeUser", pb.FreezeUserRequest(user_id=user.id),
                              token=token) == (grpc.StatusCode.PERMISSION_DENIED,
                                               "permission.denied")
        assert identity.error("UnfreezeUser", pb.UnfreezeUserRequest(user_id=user.id),
                              token=token) == (grpc.StatusCode.PERMISSION_DENIED,
                                               "permission.denied")
    assert identity.error("FreezeUser", pb.FreezeUserRequest(user_id=admin_id),
                          token=admin) == (grpc.StatusCode.PERMISSION_DENIED, "user.freeze_self")
    assert identity.error("FreezeUser", pb.FreezeUserRequest(user_id="no-such-user"),
                          token=admin) == (grpc.StatusCode.NOT_FOUND, "user.not_found")
    assert identity.error("UnfreezeUser", pb.UnfreezeUserRequest(user_id="no-such-user"),
                          token=admin) == (grpc.StatusCode.NOT_FOUND, "user.not_found")
    # Automatic freezes are the gateway's (internal token), never a user's.
    assert identity.error("FreezeUser", pb.FreezeUserRequest(user_id=user.id, automatic=True),
                          token=admin) == (grpc.StatusCode.PERMISSION_DENIED,
                                           "permission.denied")
    automatic = identity.call("FreezeUser", pb.FreezeUserRequest(user_id=user.id,
                                                                 automatic=True),
                              internal=INTERNAL_TOKEN)
    assert automatic.changed and automatic.user.frozen_reason == "rate_limit"
    # Answered to a caller without the user.admin right: the phone is masked.
    assert automatic.user.phone == "139****5678"


def test_mark_user_left(identity, admin):
    user = identity.new_user(admin)
    pair = identity.login(user.username, "Passw0rd-long")
    for who in ("manager1", "gm1"):
        assert identity.error("MarkUserLeft", pb.MarkUserLeftRequest(user_id=user.id),
                              token=identity.token(who)) == (grpc.StatusCode.PERMISSION_DENIED,
                                                             "permission.denied")
    assert identity.error("MarkUserLeft", pb.MarkUserLeftRequest(
        user_id=identity.user_ids["admin"]), token=admin) == (grpc.StatusCode.PERMISSION_DENIED,
                                                              "permission.denied")
    assert identity.error("MarkUserLeft", pb.MarkUserLeftRequest(
        user_id=user.id, successor_user_id=identity.user_ids["frosty"]), token=admin) == (
        grpc.StatusCode.FAILED_PRECONDITION, "user.bad_successor")
    left = identity.call("MarkUserLeft", pb.MarkUserLeftRequest(
        user_id=user.id, successor_user_id=identity.user_ids["bob"]), token=admin).user
    assert left.status == pb.USER_STATUS_LEFT
    assert identity.error("GetMe", pb.GetMeRequest(), token=pair.access_token) == (
        grpc.StatusCode.PERMISSION_DENIED, "user.left")
    assert identity.error("Login", pb.LoginRequest(username=user.username,
                                                   password="Passw0rd-long")) == (
        grpc.StatusCode.PERMISSION_DENIED, "user.left")
    # Leaving is final: no freeze, no unfreeze.
    assert identity.error("FreezeUser", pb.FreezeUserRequest(user_id=user.id), token=admin) == (
        grpc.StatusCode.PERMISSION_DENIED, "user.left")
    assert identity.error("UnfreezeUser", pb.UnfreezeUserRequest(user_id=user.id),
                          token=admin) == (grpc.StatusCode.PERMISSION_DENIED, "user.left")
    again = identity.call("MarkUserLeft", pb.MarkUserLeftRequest(user_id=user.id), token=admin)
    assert again.user.status == pb.USER_STATUS_LEFT
