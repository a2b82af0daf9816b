# ruff: noqa: S105, S106 - fixed credentials of throw-away test data, not secrets
"""Identity's side of the deny lists: ListRevocations (read by every service through kit,
without identity's stubs), the session.revoked events, and identity's own in-memory list."""
from __future__ import annotations

import datetime as dt
import json

import grpc
import pytest
from contracts.identity import identity_pb2 as pb
from identity import revocations
from identity.api import Application
from identity.models import User
from kit import grpc_client
from kit.caller import Caller
from kit.grpc_errors import error_info
from kit.revocation_follower import identity_snapshot_fetcher
from sqlalchemy import text

from .conftest import INTERNAL_TOKEN, bearer


def fails(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as err:
        call(*args, **kwargs)
    return error_info(err.value)


def revoked_events(env, session_id):
    with env.db.engine.connect() as c:
        rows = c.execute(text("SELECT event_type, payload FROM outbox_events "
                              "WHERE subject = :s ORDER BY id"), {"s": session_id}).all()
    return [(t, json.loads(p)["data"]) for t, p in rows]


@pytest.fixture(scope="module")
def channel(server):
    ch = grpc_client.channel(f"127.0.0.1:{server.port}")
    yield ch
    ch.close()


def _create(stub, as_user, username):
    units = {u.code: u.id for u in stub.ListOrgUnits(pb.ListOrgUnitsRequest(),
                                                     metadata=as_user("admin")).org_units}
    return stub.CreateUser(pb.CreateUserRequest(
        username=username, display_name=username, password="Good-pass-123", roles=["sales"],
        org_unit_id=units["north-bj-sales"]), metadata=as_user("admin")).user


def test_list_revocations_is_for_system_callers_only(stub, as_user):
    assert fails(stub.ListRevocations, pb.ListRevocationsRequest()).reason == "auth.required"
    assert fails(stub.ListRevocations, pb.ListRevocationsRequest(),
                 metadata=as_user("admin")).code == grpc.StatusCode.PERMISSION_DENIED
    internal = grpc_client.call_metadata(internal_token=INTERNAL_TOKEN)
    assert stub.ListRevocations(pb.ListRevocationsRequest(), metadata=internal).HasField("as_of")


def test_logout_freeze_and_leave_show_in_list_revocations_and_events(stub, env, app, as_user,
                                                                    channel):
    user = _create(stub, as_user, "revoke.me")
    first = stub.Login(pb.LoginRequest(username="revoke.me", password="Good-pass-123")).tokens
    second = stub.Login(pb.LoginRequest(username="revoke.me", password="Good-pass-123")).tokens
    sid = json.loads(_claims(first.access_token))["sid"]
    stub.Logout(pb.LogoutRequest(), metadata=bearer(first.access_token))
    # identity's own list knows at once (no broker needed in this process)
    assert app.deny_list.session_denied(sid)
    assert fails(stub.GetMe, pb.GetMeRequest(),
                 metadata=bearer(first.access_token)).reason == "session.revoked"
    stub.GetMe(pb.GetMeRequest(), metadata=bearer(second.access_token))
    [(event_type, data)] = revoked_events(env, sid)
    assert event_type == "crm.identity.session.revoked.v1"
    assert data["user_id"] == user.id and data["reason"] == "logout"
    lifetime = (dt.datetime.fromisoformat(data["expires_at"])
                - dt.datetime.fromisoformat(data["revoked_at"]))
    assert lifetime == dt.timedelta(seconds=env.settings.access_token_ttl_seconds)

    stub.FreezeUser(pb.FreezeUserRequest(user_id=user.id, reason="test"),
                    metadata=as_user("admin"))
    second_sid = json.loads(_claims(second.access_token))["sid"]
    assert [d["reason"] for _, d in revoked_events(env, second_sid)] == ["user.frozen"]
    assert app.deny_list.user_state(user.id) == "frozen"

    # What every other service reads at start, through kit (no identity stubs there).
    snapshot = identity_snapshot_fetcher(channel, INTERNAL_TOKEN)()
    assert user.id in snapshot.frozen_user_ids and user.id not in snapshot.left_user_ids
    sessions = {s.session_id: s for s in snapshot.revoked_sessions}
    assert {sid, second_sid} <= set(sessions) and sessions[sid].user_id == user.id
    assert sessions[sid].expires_at == pytest.approx(
        dt.datetime.fromisoformat(data["expires_at"]).timestamp(), abs=1)

    stub.UnfreezeUser(pb.UnfreezeUserRequest(user_id=user.id), metadata=as_user("admin"))
    assert app.deny_list.user_state(user.id) is None
    snapshot = identity_snapshot_fetcher(channel, INTERNAL_TOKEN)()
    assert user.id not in snapshot.frozen_user_ids
    stub.MarkUserLeft(pb.MarkUserLeftRequest(user_id=user.id), metadata=as_user("admin"))
    assert user.id in identity_snapshot_fetcher(channel, INTERNAL_TOKEN)().left_user_ids
    assert app.deny_list.user_state(user.id) == "left"


def test_refresh_reuse_announces_the_revoked_family(stub, env, login):
    tokens = login("sales2", fresh=True)
    sid = json.loads(_claims(tokens.access_token))["sid"]
    stub.RefreshToken(pb.RefreshTokenRequest(refresh_token=tokens.refresh_token))
    fails(stub.RefreshToken, pb.RefreshTokenRequest(refresh_token=tokens.refresh_token))
    assert [d["reason"] for _, d in revoked_events(env, sid)] == ["refresh_token.reused"]


def test_old_revocations_are_not_listed(stub, env, login):
    tokens = login("cs1", fresh=True)
    stub.Logout(pb.LogoutRequest(), metadata=bearer(tokens.access_token))
    # A session revoked longer ago than the access-token lifetime has no valid token left.
    now = dt.datetime.now(dt.UTC)
    later = now + dt.timedelta(seconds=env.settings.access_token_ttl_seconds + 1)
    with env.db.session() as s:
        current, _ = revocations.read_snapshot(s, env.settings.access_token_ttl_seconds, now)
        future, _ = revocations.read_snapshot(s, env.settings.access_token_ttl_seconds, later)
    assert current.revoked_sessions and not future.revoked_sessions


def test_a_login_corrects_the_list_after_another_process_unfroze(stub, env, app, as_user):
    """An operator's unfreeze in another process (its event not here yet): identity's own
    database is the truth, so the next login puts this process's list right at once."""
    user = _create(stub, as_user, "unfrozen.elsewhere")
    stub.FreezeUser(pb.FreezeUserRequest(user_id=user.id, reason="test"),
                    metadata=as_user("admin"))
    assert app.deny_list.user_state(user.id) == "frozen"
    elsewhere = Application(env.settings, env.db)  # another process's view, another list
    caller = Caller.from_claims({"sub": env.ids["admin"], "roles": ["admin"],
                                 "rights": ["unfreeze", "user.admin"], "scope": "all"})
    elsewhere.users.unfreeze(caller, user.id, reason="operator")
    assert app.deny_list.user_state(user.id) == "frozen"  # no event reached this process
    tokens = stub.Login(pb.LoginRequest(username="unfrozen.elsewhere",
                                        password="Good-pass-123")).tokens
    assert app.deny_list.user_state(user.id) is None
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(tokens.access_token)).user.id == user.id


def test_local_list_learns_only_committed_changes(env):
    seen = []
    with pytest.raises(RuntimeError), env.db.session() as s:
        revocations.after_commit(s, lambda: seen.append("rolled back"))
        raise RuntimeError("the transaction fails")
    with env.db.session() as s:
        s.get(User, env.ids["admin"])
        revocations.after_commit(s, lambda: seen.append("committed"))
        assert seen == []
    assert seen == ["committed"]


def _claims(token: str) -> str:
    import base64

    payload = token.split(".")[1]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
