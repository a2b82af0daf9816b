"""kit.access_token.VerifiedTokens: a token is verified once, yet never trusted past its `exp`
nor past the key that signed it; and the gRPC interceptor still checks the caller on every
call when the token comes from the cache."""
from __future__ import annotations

import time

import grpc
import pytest
from google.protobuf import wrappers_pb2
from kit import errors, testing
from kit.access_token import KeySet, VerifiedTokens
from kit.caller import Caller
from kit.grpc_server import create_server

from .conftest import SERVICE, EchoBehaviour, Signer, _handlers, unary


class CountingKeySet(KeySet):
    """A KeySet over a document the test can change, counting signature checks."""

    def __init__(self, document: str) -> None:
        self.document = document
        self.lookups = 0
        super().__init__(lambda: self.document)

    def get(self, kid):
        self.lookups += 1
        return super().get(kid)


def test_a_token_is_verified_once_then_served_from_the_cache(signer):
    keys = CountingKeySet(signer.jwks)
    verified = VerifiedTokens(keys, Caller.from_claims)
    token = signer.token(sub="u7")
    first = verified.get(token)
    assert verified.get(token) is first  # the same parsed Caller, no second verification
    assert first.user_id == "u7"
    assert keys.lookups == 2  # the first use loads the set, then verifies against it


def test_a_cached_token_expires_at_its_exp():
    signer = Signer()
    now = [time.time()]
    verified = VerifiedTokens(KeySet(lambda: signer.jwks), leeway=5, clock=lambda: now[0])
    token = signer.token(exp=int(now[0]) + 60)
    assert verified.get(token)["exp"] == int(now[0]) + 60
    now[0] += 60 + 4  # inside the leeway: still valid, from the cache
    assert verified.get(token)["sub"] == "u1"
    now[0] += 2       # past exp + leeway
    with pytest.raises(errors.Unauthenticated) as refused:
        verified.get(token)
    assert refused.value.reason == "token.expired"


def test_a_key_removed_from_the_set_stops_its_cached_tokens():
    old, new = Signer(), Signer()
    new.kid = "k2"
    keys = CountingKeySet(old.jwks)
    verified = VerifiedTokens(keys)
    old_token = old.token()
    assert verified.get(old_token)["sub"] == "u1"
    # Rotation: k1 retired, k2 published. A k2 token reloads the set (unknown kid) ...
    keys.document = new.jwks.replace('"k1"', '"k2"')
    assert verified.get(new.token())["sub"] == "u1"
    # ... and the k1 token, cached a moment ago, is verified again and refused.
    with pytest.raises(errors.Unauthenticated) as refused:
        verified.get(old_token)
    assert refused.value.reason == "token.invalid"


def test_a_retired_key_stops_cached_tokens_at_the_periodic_reread_alone():
    """Without any new kid arriving: only the periodic re-read (max_age) can notice that the
    key was retired, and cached tokens must not skip it."""
    signer = Signer()
    document = [signer.jwks]
    keys = KeySet(lambda: document[0], max_age=0.05)
    verified = VerifiedTokens(keys)
    token = signer.token()
    assert verified.get(token)["sub"] == "u1"
    document[0] = '{"keys": []}'  # retired at identity
    generation = keys.generation

    def refused() -> str:
        try:
            verified.get(token)
        except errors.Unauthenticated as error:
            return error.reason
        return ""
    assert testing.wait_for(refused, timeout=10) == "token.invalid"
    assert keys.generation == generation + 1


def test_a_reread_that_changes_nothing_keeps_the_cache(signer):
    keys = CountingKeySet(signer.jwks)
    verified = VerifiedTokens(keys)
    token = signer.token()
    verified.get(token)
    generation, lookups = keys.generation, keys.lookups
    keys._load()  # what a periodic re-read does
    assert keys.generation == generation
    verified.get(token)
    assert keys.lookups == lookups  # still served from the cache


def test_an_invalid_token_is_refused_every_time(signer):
    keys = CountingKeySet(signer.jwks)
    verified = VerifiedTokens(keys)
    forged = signer.token()[:-4] + "AAAA"
    for _ in range(3):
        with pytest.raises(errors.Unauthenticated):
            verified.get(forged)
    assert keys.lookups == 3


def test_the_caller_check_runs_on_every_call_even_with_a_cached_token(signer):
    refused: set[str] = set()
    checked: list[str] = []

    def caller_check(caller: Caller) -> None:
        checked.append(caller.user_id)
        if caller.user_id in refused:
            raise errors.Unauthenticated("session revoked", reason="auth.session_revoked",
                                         message_zh="会话已失效")

    behaviour = EchoBehaviour()
    running = create_server(
        [(lambda _s, server: server.add_generic_rpc_handlers((_handlers(behaviour),)), None)],
        [SERVICE], "127.0.0.1:0", part="kittest", key_set=KeySet(lambda: signer.jwks),
        caller_check=caller_check)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            echo = unary(channel, "Echo")
            metadata = (("authorization", f"Bearer {signer.token(sub='u9')}"),)
            for _ in range(2):
                assert echo(wrappers_pb2.StringValue(value="hi"), metadata=metadata).value == "hi"
            refused.add("u9")  # e.g. the session was revoked: the cached token must not pass
            with pytest.raises(grpc.RpcError) as error:
                echo(wrappers_pb2.StringValue(value="hi"), metadata=metadata)
            assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert checked == ["u9", "u9", "u9"]
    finally:
        running.stop(0)
