"""kit.revocations: the deny list, the interceptor refusing from it, and the follower against
a real RabbitMQ (private vhost): snapshot first, then events, a rebuild on every reconnect."""
from __future__ import annotations

import json
import threading
import time

import grpc
import pytest
from google.protobuf import wrappers_pb2
from kit import access_token, grpc_client, testing
from kit.events.envelope import batch_body, make_envelope
from kit.grpc_errors import error_info
from kit.grpc_server import create_server
from kit.revocation_follower import RevocationFollower
from kit.revocations import (
    IDENTITY_EXCHANGE,
    SESSION_REVOKED,
    USER_FROZEN,
    USER_LEFT,
    USER_UNFROZEN,
    DenyList,
    RevokedSession,
    Snapshot,
)

from .conftest import SERVICE, EchoBehaviour, _handlers, unary

S = wrappers_pb2.StringValue
FAR = time.time() + 3600


# -- the list -------------------------------------------------------------------------------
def test_deny_list_fails_closed_until_loaded_then_refuses_by_reason():
    deny = DenyList("kittest")
    assert deny.refusal("u1", "s1").reason == "auth.revocations_unavailable"
    deny.replace(Snapshot(frozenset({"u1"}), frozenset({"u2"}),
                          (RevokedSession("s9", "u3", FAR),
                           RevokedSession("old", "u3", time.time() - 3600))))
    assert deny.refusal("u1", None).reason == "user.frozen"
    assert deny.refusal("u2", None).reason == "user.left"
    assert deny.refusal("u3", "s9").reason == "session.revoked"
    assert deny.refusal("u3", "old") is None  # its tokens expired long ago
    assert deny.refusal("u3", "s1") is None
    deny.user_unfrozen("u1")
    deny.user_unfrozen("u2")  # unfreezing never revives a user who left
    assert deny.refusal("u1", None) is None and deny.refusal("u2", None).reason == "user.left"
    deny.user_frozen("u2")
    assert deny.refusal("u2", None).reason == "user.left"
    deny.session_revoked(RevokedSession("s5", "u4", time.time() - 120))
    assert deny.purge() == 1 and deny.refusal("u4", "s5") is None


@pytest.fixture
def guarded_server(signer):
    deny = DenyList("kittest")
    behaviour = EchoBehaviour()
    running = create_server(
        [(lambda _s, server: server.add_generic_rpc_handlers((_handlers(behaviour),)), None)],
        [SERVICE], "127.0.0.1:0", part="kittest",
        key_set=access_token.KeySet(lambda: signer.jwks),
        public_methods={f"/{SERVICE}/Public"}, caller_check=deny.check)
    channel = grpc_client.channel(f"127.0.0.1:{running.port}")
    yield deny, channel
    channel.close()
    running.stop(0)


def _reason(call, signer, **claims) -> str:
    try:
        call(S(value="x"), metadata=grpc_client.call_metadata(authorization=signer.token(**claims)))
    except grpc.RpcError as error:
        return f"{error.code().name} {error_info(error).reason}"
    return "ok"


def test_interceptor_refuses_denied_callers(guarded_server, signer):
    deny, channel = guarded_server
    echo = unary(channel, "Echo")
    assert _reason(echo, signer) == "UNAVAILABLE auth.revocations_unavailable"
    deny.replace(Snapshot())
    assert _reason(echo, signer, sub="u1", sid="s1") == "ok"
    deny.user_frozen("u1")
    assert _reason(echo, signer, sub="u1", sid="s1") == "PERMISSION_DENIED user.frozen"
    deny.session_revoked(RevokedSession("s2", "u2", FAR))
    assert _reason(echo, signer, sub="u2", sid="s2") == "UNAUTHENTICATED session.revoked"
    assert _reason(echo, signer, sub="u2", sid="s3") == "ok"
    # A public method treats a refused token like no token at all.
    assert _reason(unary(channel, "Public"), signer, sub="u1") == "ok"


# -- the follower against RabbitMQ ----------------------------------------------------------
class Identity:
    """What the follower reads at (re)connect: a state tests change, and a call count."""

    def __init__(self) -> None:
        self.snapshot = Snapshot()
        self.fetches = 0
        self.fail = False
        self.lock = threading.Lock()

    def fetch(self) -> Snapshot:
        with self.lock:
            self.fetches += 1
            if self.fail:
                raise grpc.RpcError("identity down")
            return self.snapshot


def _publish(uri: str, event_type: str, data: dict, *, batch: bool = False) -> None:
    envelope = make_envelope(event_type, data.get("session_id") or data["user_id"], data)
    body = batch_body([envelope]) if batch else envelope.to_json().encode()
    testing.publish_event(uri, IDENTITY_EXCHANGE, event_type, body)


@pytest.fixture(scope="module")
def amqp_uri():
    with testing.amqp_vhost("educrm_revocations") as uri:
        yield uri


@pytest.fixture
def follower(amqp_uri):
    identity = Identity()
    identity.snapshot = Snapshot(frozenset({"u-frozen"}), frozenset(),
                                 (RevokedSession("s-old", "u-x", FAR),))
    deny = DenyList("kittest")
    running = RevocationFollower(amqp_uri, identity.fetch, [deny], part="kittest",
                                 reconnect_max_seconds=0.5).start()
    testing.wait_for(lambda: running.connected, timeout=30, message="follower never connected")
    yield running, deny, identity, amqp_uri
    running.stop()


def test_follower_starts_from_identity_then_follows_events(follower):
    running, deny, identity, uri = follower
    assert identity.fetches == 1 and running.syncs == 1
    assert deny.refusal("u-frozen", None).reason == "user.frozen"
    assert deny.refusal("u-x", "s-old").reason == "session.revoked"

    _publish(uri, USER_FROZEN, {"user_id": "u1", "username": "a", "reason": "r",
                                "automatic": False, "frozen_by": "u0",
                                "frozen_at": "2025-09-01T09:30:00Z"})
    testing.wait_for(lambda: deny.refusal("u1", None) is not None, timeout=10)
    _publish(uri, USER_UNFROZEN, {"user_id": "u1", "username": "a", "unfrozen_by": "u0",
                                  "unfrozen_at": "2025-09-01T09:31:00Z"})
    _publish(uri, SESSION_REVOKED, {"user_id": "u2", "session_id": "s2", "reason": "logout",
                                    "expires_at": "2999-01-01T00:00:00Z"}, batch=True)
    _publish(uri, USER_LEFT, {"user_id": "u3", "successor_user_id": None,
                              "left_at": "2025-09-01T09:30:00Z"})
    testing.wait_for(lambda: deny.refusal("u3", None) is not None, timeout=10)
    # In order: by the time the last event applied, the earlier ones had too.
    assert deny.refusal("u1", None) is None
    assert deny.refusal("u2", "s2").reason == "session.revoked"
    assert deny.refusal("u3", None).reason == "user.left"
    # An unreadable message is dropped; the follower goes on with the next one.
    testing.publish_event(uri, IDENTITY_EXCHANGE, USER_FROZEN, b"{not json")
    _publish(uri, USER_FROZEN, {"user_id": "u4", "username": "d", "reason": "r",
                                "automatic": True, "frozen_by": None,
                                "frozen_at": "2025-09-01T09:32:00Z"})
    testing.wait_for(lambda: deny.refusal("u4", None) is not None, timeout=10)
    assert running.events_applied == 5 and running.connected and running.syncs == 1


def test_follower_rebuilds_after_losing_the_broker(follower):
    running, deny, identity, uri = follower
    # While disconnected, identity's state changes and its events go nowhere (no queue).
    identity.fail = True  # and identity is briefly down too: the follower keeps retrying
    with identity.lock:
        identity.snapshot = Snapshot(frozenset({"u-new"}), frozenset(), ())
        # (the management API lists a connection once its statistics came in: poll)
        testing.wait_for(lambda: testing.close_amqp_connections(running.connection_name),
                         timeout=30, interval=0.5, message="the follower's connection not found")
    testing.wait_for(lambda: identity.fetches >= 3, timeout=15,
                     message="the follower did not retry")
    assert deny.refusal("u-frozen", None) is not None  # the last known list is kept
    identity.fail = False
    testing.wait_for(lambda: running.connected and running.syncs == 2, timeout=30,
                     message="the follower did not reconnect")
    assert deny.refusal("u-frozen", None) is None  # unfrozen while we were away
    assert deny.refusal("u-new", None).reason == "user.frozen"
    _publish(uri, USER_UNFROZEN, {"user_id": "u-new", "username": "n", "unfrozen_by": "u0",
                                  "unfrozen_at": "2025-09-01T09:31:00Z"})
    testing.wait_for(lambda: deny.refusal("u-new", None) is None, timeout=10)


# -- key sets follow identity's rotations ---------------------------------------------------
class Jwks:
    def __init__(self, *documents: dict) -> None:
        self.documents = list(documents)
        self.fetches = 0

    def __call__(self) -> dict:
        self.fetches += 1
        return self.documents[0]


def test_key_set_drops_a_retired_key_after_max_age(signer):
    from kit.access_token import verify_access_token

    jwks = Jwks(json.loads(signer.jwks))
    keys = access_token.KeySet(jwks, max_age=0.2, min_refresh_interval=5)
    token = signer.token()
    assert verify_access_token(token, keys)["sub"] == "u1"
    jwks.documents[0] = {"keys": []}  # identity retired the key
    testing.wait_for(lambda: _refused(token, keys), timeout=10)
    assert jwks.fetches >= 2


def _refused(token, keys) -> bool:
    from kit.access_token import verify_access_token
    from kit.errors import Unauthenticated

    try:
        verify_access_token(token, keys)
    except Unauthenticated:
        return True
    return False


def test_key_set_unknown_kid_reloads_at_most_once_per_interval(signer):
    jwks = Jwks(json.loads(signer.jwks))
    keys = access_token.KeySet(jwks, min_refresh_interval=3600)
    assert keys.get("k1") is not None and jwks.fetches == 1
    for forged in ("f1", "f2", "f3"):
        assert _refused(signer.token(), _ForgedKid(keys, forged))
    assert jwks.fetches == 2  # one reload for the first unknown kid, none for the rest


class _ForgedKid:
    """A KeySet view asked for a forged kid (as a token with that kid header would)."""

    def __init__(self, keys, kid) -> None:
        self.keys, self.kid = keys, kid

    def get(self, _kid):
        return self.keys.get(self.kid)


def test_key_set_keeps_its_keys_when_identity_is_down(signer):
    calls = {"n": 0}
    document = json.loads(signer.jwks)

    def fetch():
        calls["n"] += 1
        if calls["n"] > 1:
            raise grpc.RpcError("down")
        return document

    keys = access_token.KeySet(fetch, max_age=0.05, min_refresh_interval=0.05)
    assert keys.get("k1") is not None
    testing.wait_for(lambda: keys.get("k1") is not None and calls["n"] >= 2, timeout=10)
    assert keys.get("k1") is not None
