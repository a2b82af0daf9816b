# ruff: noqa: S105, S106 - fixed credentials of throw-away test data, not secrets
"""The api process in-process (grpcio on a free port), called with real stubs, on SQLite and
PostgreSQL."""
from __future__ import annotations

import json

import grpc
import pytest
from contracts.identity import identity_pb2 as pb
from identity.models import AuditEvent, RefreshToken, User
from kit import grpc_client
from kit.grpc_errors import error_info
from sqlalchemy import select, text

from .conftest import DEMO_PASSWORD, INTERNAL_TOKEN, bearer


def fails(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as err:
        call(*args, **kwargs)
    return error_info(err.value)


def outbox_types(env, subject):
    with env.db.engine.connect() as c:
        return [r[0] for r in c.execute(text(
            "SELECT event_type FROM outbox_events WHERE subject = :s ORDER BY id"), {"s": subject})]


# -- authentication ---------------------------------------------------------------------------
def test_login_and_get_me(stub, login):
    tokens = login("sales1")
    assert tokens.token_type == "Bearer" and tokens.expires_in == 900
    assert tokens.refresh_token.startswith("rt_")
    me = stub.GetMe(pb.GetMeRequest(), metadata=bearer(tokens.access_token))
    assert me.user.username == "sales1" and list(me.user.roles) == ["sales"]
    assert me.user.data_scope == "own" and me.user.phone == "+8613800000006"
    assert me.org_unit.kind == pb.ORG_UNIT_KIND_DEPARTMENT
    assert me.user.region_id and me.user.department_id == me.org_unit.id


def test_wrong_password_and_unknown_user_look_the_same(stub):
    wrong = fails(stub.Login, pb.LoginRequest(username="sales1", password="nope-nope-1"))
    unknown = fails(stub.Login, pb.LoginRequest(username="ghost", password="nope-nope-1"))
    malformed = fails(stub.Login, pb.LoginRequest(username="", password=""))
    for info in (wrong, unknown, malformed):
        assert info.code == grpc.StatusCode.UNAUTHENTICATED
        assert info.reason == "auth.invalid_credentials"
        assert info.message_zh == "用户名或密码错误"
    assert wrong.message == unknown.message


def test_signing_keys_verify_tokens(stub, login):
    from kit.access_token import KeySet, verify_access_token

    jwks = stub.GetSigningKeys(pb.GetSigningKeysRequest()).jwks_json
    assert json.loads(jwks)["keys"][0]["kty"] == "OKP"
    claims = verify_access_token(login("director1").access_token, KeySet(lambda: jwks))
    assert claims["scope"] == "region" and claims["sid"]


def test_unauthenticated_calls(stub):
    assert fails(stub.GetMe, pb.GetMeRequest()).reason == "auth.required"
    assert fails(stub.GetMe, pb.GetMeRequest(),
                 metadata=bearer("rt_not-an-access-token")).reason == "token.invalid"


def test_refresh_rotation_and_reuse_detection(stub, login):
    first = login("sales2", fresh=True)
    second = stub.RefreshToken(pb.RefreshTokenRequest(refresh_token=first.refresh_token)).tokens
    assert second.refresh_token != first.refresh_token
    third = stub.RefreshToken(pb.RefreshTokenRequest(refresh_token=second.refresh_token)).tokens
    # Replaying an already-used token revokes the whole family ...
    info = fails(stub.RefreshToken, pb.RefreshTokenRequest(refresh_token=first.refresh_token))
    assert info.code == grpc.StatusCode.UNAUTHENTICATED and info.reason == "refresh_token.reused"
    # ... so the newest token of the family dies too, and so do its access tokens here.
    info = fails(stub.RefreshToken, pb.RefreshTokenRequest(refresh_token=third.refresh_token))
    assert info.reason == "session.revoked"
    assert fails(stub.GetMe, pb.GetMeRequest(),
                 metadata=bearer(third.access_token)).reason == "session.revoked"
    # Other sessions of the same user are untouched.
    other = login("sales2", fresh=True)
    stub.GetMe(pb.GetMeRequest(), metadata=bearer(other.access_token))


def test_refresh_unknown_and_expired(stub, env, login):
    assert fails(stub.RefreshToken, pb.RefreshTokenRequest(
        refresh_token="rt_nope")).reason == "refresh_token.invalid"
    tokens = login("teacher1", fresh=True)
    import datetime as dt

    from identity.tokens import hash_secret
    with env.db.session() as s:
        row = s.scalar(select(RefreshToken).where(
            RefreshToken.token_hash == hash_secret(tokens.refresh_token)))
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert fails(stub.RefreshToken, pb.RefreshTokenRequest(
        refresh_token=tokens.refresh_token)).reason == "refresh_token.expired"


def test_logout_revokes_session(stub, login):
    tokens = login("cashier1", fresh=True)
    reply = stub.Logout(pb.LogoutRequest(refresh_token=tokens.refresh_token),
                        metadata=bearer(tokens.access_token))
    assert reply.session_id and reply.revoked_for_seconds == 900
    assert fails(stub.RefreshToken, pb.RefreshTokenRequest(
        refresh_token=tokens.refresh_token)).reason == "session.revoked"
    assert fails(stub.GetMe, pb.GetMeRequest(),
                 metadata=bearer(tokens.access_token)).reason == "session.revoked"
    # Logout with only the refresh token (access token already expired) works too.
    other = login("cashier1", fresh=True)
    assert stub.Logout(pb.LogoutRequest(refresh_token=other.refresh_token)).session_id


# -- freeze / unfreeze / leave ----------------------------------------------------------------
def _new_user(stub, as_user, username, roles=("sales",), org="north-bj-sales", env=None):
    units = {u.code: u.id for u in stub.ListOrgUnits(pb.ListOrgUnitsRequest(),
                                                     metadata=as_user("admin")).org_units}
    return stub.CreateUser(pb.CreateUserRequest(
        username=username, display_name=username, password="Good-pass-123", roles=list(roles),
        org_unit_id=units[org], phone="13912345678"), metadata=as_user("admin")).user


def test_internal_token_grants_only_the_automatic_freeze(stub, env, as_user):
    """The gateway's internal token records an automatic freeze; on any other method it is
    refused (PERMISSION_DENIED auth.internal_not_allowed), even beside an admin's token."""
    target = _new_user(stub, as_user, "internal.scope")
    internal = grpc_client.call_metadata(internal_token=INTERNAL_TOKEN)
    new_user = pb.CreateUserRequest(
        username="made.by.internal", display_name="x", password="Good-pass-123",
        roles=["sales"], org_unit_id=target.org_unit_id)
    for metadata in (internal, internal + as_user("admin")):
        for call, request in ((stub.CreateUser, new_user),
                              (stub.ListUsers, pb.ListUsersRequest(page_size=5)),
                              (stub.GetUser, pb.GetUserRequest(user_id=target.id)),
                              (stub.MarkUserLeft, pb.MarkUserLeftRequest(user_id=target.id)),
                              (stub.Login, pb.LoginRequest(username="admin",
                                                           password=DEMO_PASSWORD))):
            info = fails(call, request, metadata=metadata)
            assert (info.code, info.reason) == (grpc.StatusCode.PERMISSION_DENIED,
                                                "auth.internal_not_allowed"), call
    with env.db.session() as s:
        assert s.scalar(select(User).where(User.username == "made.by.internal")) is None
        assert s.get(User, target.id).status == "active"
    # what it is for: recording the gateway's automatic freeze
    reply = stub.FreezeUser(pb.FreezeUserRequest(user_id=target.id, reason="rate_limit",
                                                 automatic=True), metadata=internal)
    assert reply.changed and reply.user.status == pb.USER_STATUS_FROZEN
    # ... and only that: a manual freeze still needs an administrator
    other = _new_user(stub, as_user, "internal.scope2")
    assert fails(stub.FreezeUser, pb.FreezeUserRequest(user_id=other.id, reason="x"),
                 metadata=internal).code == grpc.StatusCode.PERMISSION_DENIED


def test_freeze_authorisation_and_idempotency(stub, env, as_user, login):
    target = _new_user(stub, as_user, "frozen.one")
    tokens = stub.Login(pb.LoginRequest(username="frozen.one", password="Good-pass-123")).tokens
    request = pb.FreezeUserRequest(user_id=target.id, reason="测试冻结")
    for who in ("sales1", "manager1", "director1", "gm1"):
        assert fails(stub.FreezeUser, request, metadata=as_user(who)).reason == "permission.denied"
    # automatic=true only with the gateway's internal token
    auto = pb.FreezeUserRequest(user_id=target.id, reason="rate_limit", automatic=True)
    assert fails(stub.FreezeUser, auto, metadata=as_user("admin")).code == \
        grpc.StatusCode.PERMISSION_DENIED
    assert fails(stub.FreezeUser, auto, metadata=grpc_client.call_metadata(
        internal_token="wrong")).code == grpc.StatusCode.UNAUTHENTICATED
    internal = grpc_client.call_metadata(internal_token=INTERNAL_TOKEN)
    reply = stub.FreezeUser(auto, metadata=internal)
    assert reply.changed and reply.user.status == pb.USER_STATUS_FROZEN
    assert reply.user.phone == "139****5678"  # a system caller sees masked phones
    assert not stub.FreezeUser(auto, metadata=internal).changed
    assert not stub.FreezeUser(request, metadata=as_user("admin")).changed
    # the frozen user: distinct error on login and refresh, access tokens refused here
    info = fails(stub.Login, pb.LoginRequest(username="frozen.one", password="Good-pass-123"))
    assert info.code == grpc.StatusCode.PERMISSION_DENIED and info.reason == "user.frozen"
    # a wrong password still says bad credentials (freeze state is not an oracle)
    assert fails(stub.Login, pb.LoginRequest(username="frozen.one", password="bad-pass-123")
                 ).reason == "auth.invalid_credentials"
    info = fails(stub.RefreshToken, pb.RefreshTokenRequest(refresh_token=tokens.refresh_token))
    # the freeze ended every session of theirs
    assert (info.code, info.reason) == (grpc.StatusCode.UNAUTHENTICATED, "session.revoked")
    assert fails(stub.GetMe, pb.GetMeRequest(),
                 metadata=bearer(tokens.access_token)).reason == "user.frozen"
    # only an administrator unfreezes
    unfreeze = pb.UnfreezeUserRequest(user_id=target.id, reason="核实无误")
    for who in ("gm1", "director1", "cs1"):
        assert fails(stub.UnfreezeUser, unfreeze, metadata=as_user(who)).code == \
            grpc.StatusCode.PERMISSION_DENIED
    # the gateway's system identity cannot unfreeze: a person (an admin) must
    assert fails(stub.UnfreezeUser, unfreeze, metadata=internal).reason == \
        "auth.internal_not_allowed"
    reply = stub.UnfreezeUser(unfreeze, metadata=as_user("admin"))
    assert reply.changed and reply.user.status == pb.USER_STATUS_ACTIVE
    assert not stub.UnfreezeUser(unfreeze, metadata=as_user("admin")).changed
    stub.Login(pb.LoginRequest(username="frozen.one", password="Good-pass-123"))
    assert outbox_types(env, target.id) == [
        "crm.identity.user.created.v1", "crm.identity.user.frozen.v1",
        "crm.identity.user.unfrozen.v1"]
    with env.db.session() as s:
        actions = [a for a, in s.execute(select(AuditEvent.action).where(
            AuditEvent.target_id == target.id).order_by(AuditEvent.seq))]
    assert actions == ["user.create", "user.freeze", "user.unfreeze"]


def test_admin_cannot_freeze_self(stub, env, as_user):
    info = fails(stub.FreezeUser, pb.FreezeUserRequest(user_id=env.ids["admin"]),
                 metadata=as_user("admin"))
    assert info.reason == "user.freeze_self"


def test_mark_user_left_emits_handover(stub, env, as_user):
    leaver = _new_user(stub, as_user, "leaver.one")
    request = pb.MarkUserLeftRequest(user_id=leaver.id, successor_user_id=env.ids["sales1"])
    assert fails(stub.MarkUserLeft, request, metadata=as_user("manager1")).code == \
        grpc.StatusCode.PERMISSION_DENIED
    reply = stub.MarkUserLeft(request, metadata=as_user("admin"))
    assert reply.user.status == pb.USER_STATUS_LEFT
    stub.MarkUserLeft(request, metadata=as_user("admin"))  # idempotent
    assert outbox_types(env, leaver.id)[-1] == "crm.identity.user.left.v1"
    with env.db.engine.connect() as c:
        payload = json.loads(c.execute(text(
            "SELECT payload FROM outbox_events WHERE subject=:s AND event_type LIKE '%left%'"),
            {"s": leaver.id}).scalar_one())
    assert payload["data"]["successor_user_id"] == env.ids["sales1"]
    info = fails(stub.Login, pb.LoginRequest(username="leaver.one", password="Good-pass-123"))
    assert info.reason == "user.left"
    assert fails(stub.FreezeUser, pb.FreezeUserRequest(user_id=leaver.id),
                 metadata=as_user("admin")).reason == "user.left"


# -- user administration and scope ------------------------------------------------------------
SEEDED = {"admin", "gm1", "director1", "director2", "manager1", "sales1", "sales2", "sales3",
          "cs1", "finance1", "cashier1", "teacher1", "conference1", "bj-campus-desk"}
NORTH = {"director1", "manager1", "sales1", "sales2", "cs1", "finance1", "cashier1",
         "teacher1", "conference1", "bj-campus-desk"}


@pytest.mark.parametrize("who, expected", [
    ("admin", SEEDED), ("gm1", SEEDED), ("cs1", SEEDED),
    ("director1", NORTH), ("director2", {"director2", "sales3"}),
    ("manager1", {"manager1", "sales1", "sales2"}),
    ("sales1", {"sales1"}), ("finance1", {"finance1"}), ("conference1", {"conference1"}),
])
def test_list_users_scope(stub, as_user, who, expected):
    names, token = set(), ""
    while True:
        reply = stub.ListUsers(pb.ListUsersRequest(page_size=4, page_token=token),
                               metadata=as_user(who))
        names |= {u.username for u in reply.users}
        token = reply.next_page_token
        if not token:
            break
    assert SEEDED & names == expected


def test_phone_masked_unless_user_admin(stub, as_user, env):
    by_admin = {u.username: u.phone for u in stub.ListUsers(
        pb.ListUsersRequest(query="sales"), metadata=as_user("admin")).users}
    by_manager = {u.username: u.phone for u in stub.ListUsers(
        pb.ListUsersRequest(query="sales"), metadata=as_user("manager1")).users}
    assert by_admin["sales1"] == "+8613800000006"
    assert by_manager["sales1"] == "138****0006"
    assert fails(stub.GetUser, pb.GetUserRequest(user_id=env.ids["sales3"]),
                 metadata=as_user("manager1")).code == grpc.StatusCode.NOT_FOUND


def test_create_user_validation_and_idempotency(stub, as_user, env):
    units = {u.code: u.id for u in stub.ListOrgUnits(pb.ListOrgUnitsRequest(),
                                                     metadata=as_user("admin")).org_units}
    good = dict(username="new.sales", display_name="新销售", password="Good-pass-123",
                roles=["sales"], org_unit_id=units["south-gz-sales"], phone="13912340000",
                email="new.sales@example.com", idempotency_key="create-new-sales-1")
    info = fails(stub.CreateUser, pb.CreateUserRequest(**good), metadata=as_user("manager1"))
    assert (info.code, info.reason) == (grpc.StatusCode.PERMISSION_DENIED, "permission.denied")
    for field, value, reason in [("username", "x", "invalid.username"),
                                 ("password", "short", "invalid.password"),
                                 ("phone", "12345", "invalid.phone"),
                                 ("email", "nope", "invalid.email"),
                                 ("roles", ["root"], "invalid.roles")]:
        bad = dict(good, **{field: value, "idempotency_key": ""})
        info = fails(stub.CreateUser, pb.CreateUserRequest(**bad), metadata=as_user("admin"))
        assert info.code == grpc.StatusCode.INVALID_ARGUMENT and info.reason == reason
    first = stub.CreateUser(pb.CreateUserRequest(**good), metadata=as_user("admin")).user
    again = stub.CreateUser(pb.CreateUserRequest(**good), metadata=as_user("admin")).user
    assert first.id == again.id and first.region_id == units["south"]
    info = fails(stub.CreateUser, pb.CreateUserRequest(**dict(good, display_name="别人")),
                 metadata=as_user("admin"))
    assert info.reason == "idempotency_conflict"
    info = fails(stub.CreateUser, pb.CreateUserRequest(**dict(good, idempotency_key="")),
                 metadata=as_user("admin"))
    assert info.code == grpc.StatusCode.ALREADY_EXISTS
    assert outbox_types(env, first.id) == ["crm.identity.user.created.v1"]


def test_control_characters_in_text_are_invalid_argument(stub, as_user, env):
    # A NUL reached PostgreSQL as a 500; other control characters are no one's name either.
    units = {u.code: u.id for u in stub.ListOrgUnits(pb.ListOrgUnitsRequest(),
                                                     metadata=as_user("admin")).org_units}
    good = dict(username="ctl.text", display_name="Ctl", password="Good-pass-123",
                roles=["sales"], org_unit_id=units["south-gz-sales"])
    for name, reason in (("A\x00B", "invalid.display_name"),  # the plumbing's NUL check
                         ("bell\x07", "invalid.display_name"),
                         ("esc\x1b[2J", "invalid.display_name"),
                         ("c1\x85", "invalid.display_name"),
                         ("two\nlines", "invalid.display_name")):
        info = fails(stub.CreateUser, pb.CreateUserRequest(**dict(good, display_name=name)),
                     metadata=as_user("admin"))
        assert (info.code, info.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason), name
        assert info.message_zh.startswith("display_name：")
    target = _new_user(stub, as_user, "ctl.target", org="south-gz-sales")
    for reason in ("why\x00", "why\x1b"):
        info = fails(stub.FreezeUser, pb.FreezeUserRequest(user_id=target.id, reason=reason),
                     metadata=as_user("admin"))
        assert (info.code, info.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.reason")
    info = fails(stub.ListUsers, pb.ListUsersRequest(query="a\x01"), metadata=as_user("admin"))
    assert (info.code, info.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.query")
    # Nothing was written; a reason may span lines.
    with env.db.session() as s:
        assert s.scalar(select(User).where(User.username == "ctl.text")) is None
    frozen = stub.FreezeUser(pb.FreezeUserRequest(user_id=target.id, reason="line one\nline two"),
                             metadata=as_user("admin"))
    assert frozen.changed and frozen.user.frozen_reason == "line one\nline two"


def test_service_account_token(stub, env):
    client = json.loads((env.var_dir / "identity-demo-client.json").read_text())
    tokens = stub.IssueServiceToken(pb.IssueServiceTokenRequest(**client)).tokens
    me = stub.GetMe(pb.GetMeRequest(), metadata=bearer(tokens.access_token)).user
    assert list(me.roles) == ["branch_integration"] and me.service_account
    assert not tokens.refresh_token
    info = fails(stub.IssueServiceToken, pb.IssueServiceTokenRequest(
        client_id=client["client_id"], client_secret="bs_wrong"))
    assert info.reason == "auth.invalid_client"
    assert fails(stub.IssueServiceToken, pb.IssueServiceTokenRequest(
        client_id="bi_unknown", client_secret="x")).reason == "auth.invalid_client"
    # a service account never logs in with a password
    assert fails(stub.Login, pb.LoginRequest(username="bj-campus-desk", password="x")
                 ).reason == "auth.invalid_credentials"


# -- audit ------------------------------------------------------------------------------------
def test_audit_query(stub, as_user, env):
    for who in ("sales1", "manager1", "director1"):
        info = fails(stub.ListAuditEvents, pb.ListAuditEventsRequest(), metadata=as_user(who))
        assert (info.code, info.reason) == (grpc.StatusCode.PERMISSION_DENIED,
                                            "permission.denied")
    fails(stub.Login, pb.LoginRequest(username="sales3", password="wrong-wrong-1"))
    reply = stub.ListAuditEvents(pb.ListAuditEventsRequest(
        action="auth.login", outcome="denied", actor_user_id=env.ids["sales3"]),
        metadata=as_user("admin"))
    assert reply.audit_events and all(e.outcome == "denied" for e in reply.audit_events)
    assert reply.audit_events[0].source == "identity"
    # newest first, cursor pagination over everything, no duplicates
    seen, token, pages = [], "", 0
    while True:
        page = stub.ListAuditEvents(pb.ListAuditEventsRequest(page_size=7, page_token=token),
                                    metadata=as_user("gm1"))
        seen += [(e.occurred_at.ToDatetime(), e.id) for e in page.audit_events]
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert pages > 1 and len(seen) == len({i for _, i in seen})
    assert [t for t, _ in seen] == sorted((t for t, _ in seen), reverse=True)
    # time range
    latest = seen[0][0]
    from google.protobuf.timestamp_pb2 import Timestamp
    since = Timestamp()
    since.FromDatetime(latest)
    recent = stub.ListAuditEvents(pb.ListAuditEventsRequest(since=since),
                                  metadata=as_user("admin")).audit_events
    assert recent and all(e.occurred_at.ToDatetime() >= latest for e in recent)
    assert fails(stub.ListAuditEvents, pb.ListAuditEventsRequest(page_token="garbage!"),
                 metadata=as_user("admin")).code == grpc.StatusCode.INVALID_ARGUMENT


def test_audit_log_is_append_only(env):
    import sqlalchemy.exc

    for statement in ("UPDATE audit_events SET outcome = 'allowed'", "DELETE FROM audit_events"):
        with pytest.raises(sqlalchemy.exc.DBAPIError):
            with env.db.engine.begin() as c:
                c.execute(text(statement))


def test_health(server):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    ch = grpc_client.channel(f"127.0.0.1:{server.port}")
    reply = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(
        service="crm.identity.v1.IdentityService"))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    ch.close()


def test_password_rehashed_when_parameters_change(env):
    """Login upgrades a hash made with weaker parameters."""
    from identity.audit import Origin
    from identity.auth import AuthService
    from identity.keys import SigningKeys
    from identity.models import User
    from identity.passwords import Passwords

    stronger = Passwords(time_cost=2, memory_kib=1024)
    auth = AuthService(env.db, env.settings, SigningKeys.from_settings(env.settings), stronger)
    auth.login("teacher1", DEMO_PASSWORD, Origin())
    with env.db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "teacher1"))
    assert ",t=2," in stored and not stronger.needs_rehash(stored)
