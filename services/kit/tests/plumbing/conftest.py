# ruff: noqa: S105, S106 - fixed credentials of throw-away test data, not secrets
"""Fixtures for kit's gRPC plumbing tests: a tiny generic service (no protos needed) served by
kit.grpc_server on a free port, and an Ed25519 key to sign access tokens."""
from __future__ import annotations

import json
import threading
import time
import uuid

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf import wrappers_pb2
from jwt.algorithms import OKPAlgorithm
from kit import access_token, errors, grpc_context
from kit.caller import correlation_id
from kit.grpc_server import create_server

SERVICE = "test.v1.Echo"
INTERNAL_TOKEN = "internal-secret-for-tests"


class Signer:
    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.kid = "k1"
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, alg="EdDSA", use="sig")
        self.jwks = json.dumps({"keys": [jwk]})

    def token(self, **overrides) -> str:
        now = int(time.time())
        claims = {"iss": access_token.ISSUER, "aud": access_token.AUDIENCE, "sub": "u1",
                  "name": "sales1", "roles": ["sales"], "scope": "own", "rights": [],
                  "jti": uuid.uuid4().hex, "iat": now, "exp": now + 300, "sid": "s1"}
        claims.update(overrides)
        return jwt.encode(claims, self.key, algorithm="EdDSA",
                          headers={"typ": access_token.ACCESS_TOKEN_TYPE, "kid": self.kid})


class EchoBehaviour:
    """Methods of test.v1.Echo; state lets tests observe retries and metadata."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.seen: list[dict] = []
        self.lock = threading.Lock()
        self.downstream: grpc.Channel | None = None

    def _count(self, name: str) -> int:
        with self.lock:
            self.calls[name] = self.calls.get(name, 0) + 1
            return self.calls[name]

    def echo(self, request, context):
        caller = grpc_context.optional_caller()
        call = grpc_context.current_call.get()
        self.seen.append({"caller": caller, "correlation_id": correlation_id.get(),
                          "idempotency_key": call.idempotency_key, "internal": call.internal,
                          "authorization": call.authorization})
        return wrappers_pb2.StringValue(value=request.value)

    def fail_domain(self, request, context):
        raise errors.FailedPrecondition("user is frozen", reason="user.frozen",
                                        message_zh="用户已被冻结")

    def crash(self, request, context):
        raise RuntimeError("boom")

    def slow(self, request, context):
        time.sleep(1.0)
        return request

    def flaky(self, request, context):
        n = self._count("flaky")
        self.seen.append({"attempt": n, "value": request.value,
                          "idempotency_key": grpc_context.idempotency_key()})
        if n < 3:
            context.abort(grpc.StatusCode.UNAVAILABLE, "try again")
        return request

    def relay(self, request, context):
        # Calls Echo on another server: authorization and correlation id must travel along.
        stub = self.downstream.unary_unary(f"/{SERVICE}/Echo",
                                           request_serializer=wrappers_pb2.StringValue.SerializeToString,
                                           response_deserializer=wrappers_pb2.StringValue.FromString)
        return stub(request)


def _handlers(behaviour: EchoBehaviour):
    def unary(fn):
        return grpc.unary_unary_rpc_method_handler(
            fn, request_deserializer=wrappers_pb2.StringValue.FromString,
            response_serializer=wrappers_pb2.StringValue.SerializeToString)

    return grpc.method_handlers_generic_handler(SERVICE, {
        "Echo": unary(behaviour.echo), "Public": unary(behaviour.echo),
        "FailDomain": unary(behaviour.fail_domain), "Crash": unary(behaviour.crash),
        "Slow": unary(behaviour.slow), "Flaky": unary(behaviour.flaky),
        "Relay": unary(behaviour.relay),
    })


@pytest.fixture
def signer() -> Signer:
    return Signer()


@pytest.fixture
def echo_server(signer):
    behaviour = EchoBehaviour()
    running = create_server(
        [(lambda _s, server: server.add_generic_rpc_handlers((_handlers(behaviour),)), None)],
        [SERVICE], "127.0.0.1:0", part="kittest",
        key_set=access_token.KeySet(lambda: signer.jwks),
        public_methods={f"/{SERVICE}/Public"}, internal_token=INTERNAL_TOKEN,
        internal_methods={f"/{SERVICE}/Echo"})
    running.behaviour = behaviour
    yield running
    running.stop(0)


def unary(ch, name):
    return ch.unary_unary(f"/{SERVICE}/{name}",
                          request_serializer=wrappers_pb2.StringValue.SerializeToString,
                          response_deserializer=wrappers_pb2.StringValue.FromString)
