"""Never lock the institution out of itself: identity withholds an automatic freeze that would
leave no active user able to unfreeze (the alert still goes out), and an operator's command
unfreezes anyone. On SQLite and PostgreSQL, through the api served in-process."""
from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from contracts.identity import identity_pb2 as pb
from identity import freeze_rules
from identity.models import AuditEvent, User
from identity.users import NewUser
from kit import grpc_client
from kit.grpc_errors import error_info
from sqlalchemy import select, text, update

from .conftest import INTERNAL_TOKEN

ADMIN_CLI = Path(sys.executable).parent / "educrm-admin"


def automatic_freeze(stub, user_id: str):
    return stub.FreezeUser(
        pb.FreezeUserRequest(user_id=user_id, automatic=True,
                             reason="rate_limit.personal_data_reads: more than 9 staff records"),
        metadata=grpc_client.call_metadata(internal_token=INTERNAL_TOKEN))


def status_of(env, user_id: str) -> str:
    with env.db.session() as s:
        return s.get(User, user_id).status


def outbox(env, user_id: str) -> list[tuple[str, dict]]:
    """(type, data) of the user's events, as the relay will publish them."""
    with env.db.engine.connect() as c:
        return [(t, json.loads(p)["data"]) for t, p in c.execute(text(
            "SELECT event_type, payload FROM outbox_events WHERE subject = :s ORDER BY id"),
            {"s": user_id})]


def audit_of(env, user_id: str, action: str) -> list[AuditEvent]:
    with env.db.session() as s:
        return list(s.scalars(select(AuditEvent).where(
            AuditEvent.target_id == user_id, AuditEvent.action == action)
            .order_by(AuditEvent.seq)))


def test_unfreezer_roles():
    assert freeze_rules.can_unfreeze(["sales", "admin"])
    assert not freeze_rules.can_unfreeze(["general_manager", "director", "sales"])
    assert freeze_rules.automatic_freeze_allowed(1)
    assert not freeze_rules.automatic_freeze_allowed(0)


def test_the_last_administrator_is_not_frozen_automatically(stub, env, app):
    admin = env.ids["admin"]  # the demo seed's only administrator
    with pytest.raises(grpc.RpcError) as refused:
        automatic_freeze(stub, admin)
    info = error_info(refused.value)
    assert info.code == grpc.StatusCode.FAILED_PRECONDITION
    assert info.reason == "user.freeze_withheld" and info.message_zh
    assert status_of(env, admin) == "active"
    # The alert went out all the same: an audit record and an event, nothing else.
    (record,) = audit_of(env, admin, "user.freeze")
    assert record.outcome == "denied" and record.actor_username == "system"
    assert record.detail["withheld"] == "no_other_active_unfreezer"
    assert record.detail["automatic"] is True
    (event_type, payload), = [e for e in outbox(env, admin) if "freeze" in e[0]]
    assert event_type == "crm.identity.user.freeze_withheld.v1"
    assert payload["username"] == "admin" and "9 staff records" in payload["reason"]

    # A sales user is frozen as before (the administrator is left to unfreeze them).
    reply = automatic_freeze(stub, env.ids["sales3"])
    assert reply.changed and status_of(env, env.ids["sales3"]) == "frozen"

    # With a second administrator, one of the two can be frozen; then the other cannot.
    second = app.users.create_user(None, NewUser(
        username="admin.two", display_name="Admin Two", password="Second-admin-1",  # noqa: S106
        roles=("admin",), org_unit_id=_org_unit_of(env, admin)), enforce_policy=False)
    assert automatic_freeze(stub, second.id).changed
    with pytest.raises(grpc.RpcError) as again:
        automatic_freeze(stub, admin)
    assert error_info(again.value).reason == "user.freeze_withheld"
    assert status_of(env, admin) == "active"


def test_racing_automatic_freezes_leave_one_unfreezer(stub, env, app):
    """Two administrators frozen at the same moment: one freeze applies, never both."""
    unit = _org_unit_of(env, env.ids["admin"])
    pair = [app.users.create_user(None, NewUser(
        username=f"race.admin.{i}", display_name="Racer", password="Race-admin-123",  # noqa: S106
        roles=("admin",), org_unit_id=unit), enforce_policy=False).id for i in (1, 2)]
    # Only these two can unfreeze: the other administrators are frozen (or left) here.
    with env.db.session() as s:
        s.execute(update(User).where(User.id.not_in(pair), User.status == "active",
                                     User.roles.is_not(None))
                  .values(status="frozen").execution_options(synchronize_session=False))
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(_try_freeze(stub), pair))
        assert sorted(outcomes) == ["frozen", "user.freeze_withheld"], outcomes
        assert sorted(status_of(env, u) for u in pair) == ["active", "frozen"]
    finally:
        with env.db.session() as s:
            s.execute(update(User).where(User.username == "admin")
                      .values(status="active").execution_options(synchronize_session=False))


def _try_freeze(stub):
    def attempt(user_id: str) -> str:
        try:
            automatic_freeze(stub, user_id)
            return "frozen"
        except grpc.RpcError as error:
            return error_info(error).reason
    return attempt


def _org_unit_of(env, user_id: str) -> str:
    with env.db.session() as s:
        return s.get(User, user_id).org_unit_id


def test_operator_unfreezes_the_last_administrator(env):
    admin = env.ids["admin"]
    with env.db.session() as s:  # frozen by whatever means: no user is left to unfreeze
        s.execute(update(User).where(User.status == "active", User.id != env.ids["sales2"])
                  .values(status="frozen").execution_options(synchronize_session=False))
    process_env = {**os.environ, "EDUCRM_IDENTITY_DATABASE_URL": env.settings.database_url,
                   "EDUCRM_VAR_DIR": str(env.var_dir)}
    done = subprocess.run([str(ADMIN_CLI), "unfreeze", "Admin", "--reason", "locked out"],
                          env=process_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"unfrozen: admin ({admin})" in done.stdout
    assert status_of(env, admin) == "active"

    (record,) = audit_of(env, admin, "user.unfreeze")
    assert record.outcome == "allowed" and record.actor_user_id is None
    assert record.actor_username.startswith("operator:")
    assert record.detail["operator"] is True and record.detail["os_user"]
    assert record.detail["host"] and record.detail["note"] == "locked out"
    assert record.path == "educrm-admin unfreeze"
    event_type, payload = outbox(env, admin)[-1]
    assert event_type == "crm.identity.user.unfrozen.v1"
    assert payload["unfrozen_by"] == record.actor_username and payload["note"] == "locked out"

    # Again: nothing to do (exit 0); an unknown user: exit 1 with the reason.
    again = subprocess.run([str(ADMIN_CLI), "unfreeze", "admin"], env=process_env,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "not frozen" in again.stdout
    assert len(audit_of(env, admin, "user.unfreeze")) == 1
    unknown = subprocess.run([str(ADMIN_CLI), "unfreeze", "nobody.here"], env=process_env,
                             capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 1 and "user not found" in unknown.stderr
