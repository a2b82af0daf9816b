# ruff: noqa: S105, S106 - fixed credentials of throw-away test data, not secrets
"""Concurrent requests the database must settle: CreateUser under one new idempotency key, and
two refreshes of one refresh token. Both requests are held at a barrier so they really overlap
(SQLite and PostgreSQL): under one key, just before each claims the key (both looked it up and
found nothing); otherwise past their reads."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from contracts.identity import identity_pb2 as pb
from identity.models import AuditEvent, IdempotencyKey, Session, User
from kit import idempotency
from kit.grpc_errors import error_info
from sqlalchemy import func, select

from .conftest import bearer


def _race(monkeypatch, target, name, calls, *, before=False):
    """Run `calls` concurrently; each stops in target.name (after it ran, or `before`) until
    all have got there. A broken
    barrier (a call that never got there in time) fails the test: the calls would otherwise
    have run one after the other and the race would not have been tried."""
    barrier = threading.Barrier(len(calls), timeout=10)
    original = getattr(target, name)

    def held(*args, **kwargs):
        if before:
            barrier.wait()
            return original(*args, **kwargs)
        result = original(*args, **kwargs)
        barrier.wait()
        return result

    outcomes = []
    with monkeypatch.context() as patch:
        patch.setattr(target, name, held)
        with ThreadPoolExecutor(len(calls)) as pool:
            for future in [pool.submit(call) for call in calls]:
                try:
                    outcomes.append(("ok", future.result()))
                except grpc.RpcError as exc:
                    outcomes.append(("error", error_info(exc)))
    assert not barrier.broken, f"the calls did not overlap: {outcomes}"
    return outcomes


def _create(stub, metadata, **fields):
    return lambda: stub.CreateUser(pb.CreateUserRequest(**fields), metadata=metadata)


@pytest.fixture(scope="module")
def sales_unit(stub, as_user):
    units = stub.ListOrgUnits(pb.ListOrgUnitsRequest(), metadata=as_user("admin")).org_units
    return next(u.id for u in units if u.code == "north-bj-sales")


def _request(unit, username, key):
    return dict(username=username, display_name="并发", password="Race-condition-1",
                roles=["sales"], org_unit_id=unit, idempotency_key=key)


def _count(env, model, *where):
    with env.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_concurrent_create_same_key_same_request(stub, app, env, sales_unit, as_user, monkeypatch):
    fields = _request(sales_unit, "race.same", "race-key-same")
    call = _create(stub, as_user("admin"), **fields)
    outcomes = _race(monkeypatch, idempotency, "_claim", [call, call], before=True)
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    first, second = (response.user for _, response in outcomes)
    assert first.id == second.id and first.username == "race.same"
    assert _count(env, User, User.username == "race.same") == 1
    assert _count(env, IdempotencyKey, IdempotencyKey.key == "race-key-same") == 1
    assert _count(env, AuditEvent, AuditEvent.action == "user.create",
                  AuditEvent.target_id == first.id) == 1


def test_concurrent_create_same_key_different_request(stub, app, env, sales_unit, as_user,
                                                      monkeypatch):
    metadata = as_user("admin")
    calls = [_create(stub, metadata, **_request(sales_unit, "race.diff.a", "race-key-diff")),
             _create(stub, metadata, **_request(sales_unit, "race.diff.b", "race-key-diff"))]
    outcomes = _race(monkeypatch, idempotency, "_claim", calls, before=True)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    info = next(value for kind, value in outcomes if kind == "error")
    assert info.code == grpc.StatusCode.FAILED_PRECONDITION
    assert info.reason == "idempotency_conflict"
    winner = next(value for kind, value in outcomes if kind == "ok").user.username
    loser = ({"race.diff.a", "race.diff.b"} - {winner}).pop()
    assert _count(env, User, User.username == winner) == 1
    assert _count(env, User, User.username == loser) == 0  # rolled back whole


def test_concurrent_create_same_username_without_key(stub, app, env, sales_unit, as_user,
                                                     monkeypatch):
    call = _create(stub, as_user("admin"), **_request(sales_unit, "race.nokey", ""))
    outcomes = _race(monkeypatch, app.users, "_validated", [call, call])
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    info = next(value for kind, value in outcomes if kind == "error")
    assert info.code == grpc.StatusCode.ALREADY_EXISTS and info.reason == "user.username_taken"


def test_concurrent_refresh_of_one_token(stub, app, env, login, monkeypatch):
    """Exactly one refresh wins the atomic claim; the loser cannot tell itself from a replay of
    a stolen token, so it answers refresh_token.reused AND revokes the family: the winner's
    fresh pair dies too and the client has to log in again. (A client must serialise its
    refreshes; two tabs racing is indistinguishable from theft.)"""
    tokens = login("sales2", fresh=True)
    call = lambda: stub.RefreshToken(  # noqa: E731 - a tiny closure
        pb.RefreshTokenRequest(refresh_token=tokens.refresh_token))
    outcomes = _race(monkeypatch, app.auth, "_check_status", [call, call])
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    info = next(value for kind, value in outcomes if kind == "error")
    assert info.code == grpc.StatusCode.UNAUTHENTICATED and info.reason == "refresh_token.reused"
    won = next(value for kind, value in outcomes if kind == "ok").tokens
    with pytest.raises(grpc.RpcError) as err:
        stub.RefreshToken(pb.RefreshTokenRequest(refresh_token=won.refresh_token))
    assert error_info(err.value).reason == "session.revoked"
    with pytest.raises(grpc.RpcError) as err:
        stub.GetMe(pb.GetMeRequest(), metadata=bearer(won.access_token))
    assert error_info(err.value).reason == "session.revoked"
    with env.db.session() as s:
        reasons = s.scalars(select(Session.revoked_reason).join(User).where(
            User.username == "sales2", Session.revoked_at.is_not(None))).all()
    assert reasons == ["refresh_token.reused"]
    assert _count(env, AuditEvent, AuditEvent.action == "auth.refresh_reuse") == 1
