"""kit.grpc_server / kit.grpc_client / kit.grpc_errors against a real in-process server."""
from __future__ import annotations

import asyncio

import grpc
import pytest
from google.protobuf import wrappers_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from kit import grpc_client
from kit.caller import correlation_id
from kit.grpc_errors import error_info
from prometheus_client import REGISTRY

from .conftest import INTERNAL_TOKEN, SERVICE, unary

S = wrappers_pb2.StringValue


@pytest.fixture
def ch(echo_server):
    channel = grpc_client.channel(f"127.0.0.1:{echo_server.port}")
    yield channel
    channel.close()


def auth(signer, **claims):
    return grpc_client.call_metadata(authorization=signer.token(**claims))


def test_health_serving_for_service_and_overall(ch):
    stub = health_pb2_grpc.HealthStub(ch)
    for name in ("", SERVICE):
        reply = stub.Check(health_pb2.HealthCheckRequest(service=name))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as err:
        stub.Check(health_pb2.HealthCheckRequest(service="nope.v1.Nope"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


def test_graceful_stop_reports_not_serving(echo_server, ch):
    echo_server.health.enter_graceful_shutdown()
    reply = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(service=""))
    assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING


def test_reflection_lists_services(ch):
    stub = reflection_pb2_grpc.ServerReflectionStub(ch)
    replies = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(
        list_services="")]))
    names = {s.name for r in replies for s in r.list_services_response.service}
    assert {SERVICE, "grpc.health.v1.Health"} <= names


def test_authenticated_call_builds_caller(echo_server, ch, signer):
    reply = unary(ch, "Echo")(S(value="hi"), metadata=auth(signer, sub="u42", roles=["director"],
                                                               region="r1", scope="region"))
    assert reply.value == "hi"
    caller = echo_server.behaviour.seen[-1]["caller"]
    assert caller.user_id == "u42" and caller.roles == ("director",)
    assert caller.region_id == "r1" and caller.data_scope.value == "region"


@pytest.mark.parametrize("metadata, reason", [
    ((), "auth.required"),
    ((("authorization", "Bearer not-a-jwt"),), "token.invalid"),
    ((("authorization", "Basic abc"),), "token.invalid"),
    ((("x-educrm-internal-token", "wrong"),), "auth.internal_invalid"),
])
def test_unauthenticated(ch, metadata, reason):
    with pytest.raises(grpc.RpcError) as err:
        unary(ch, "Echo")(S(value="x"), metadata=metadata)
    info = error_info(err.value)
    assert info.code == grpc.StatusCode.UNAUTHENTICATED
    assert info.reason == reason


def test_expired_token_reason(ch, signer):
    with pytest.raises(grpc.RpcError) as err:
        unary(ch, "Echo")(S(value="x"), metadata=auth(signer, exp=1, iat=0))
    assert error_info(err.value).reason == "token.expired"


def test_public_method_needs_no_token_and_ignores_a_bad_one(echo_server, ch):
    unary(ch, "Public")(S(value="x"))
    unary(ch, "Public")(S(value="x"), metadata=(("authorization", "Bearer garbage"),))
    assert echo_server.behaviour.seen[-1]["caller"] is None


def test_internal_token_marks_system_call(echo_server, ch):
    unary(ch, "Echo")(S(value="x"), metadata=grpc_client.call_metadata(
        internal_token=INTERNAL_TOKEN))
    seen = echo_server.behaviour.seen[-1]
    assert seen["internal"] is True and seen["caller"] is None


@pytest.mark.parametrize("method", ["Public", "FailDomain", "Relay"])
def test_internal_token_refused_outside_internal_methods(echo_server, ch, signer, method):
    """The token opens only the methods the service lists, with or without a user's token."""
    for metadata in (grpc_client.call_metadata(internal_token=INTERNAL_TOKEN),
                     grpc_client.call_metadata(internal_token=INTERNAL_TOKEN,
                                               authorization=signer.token())):
        calls_before = len(echo_server.behaviour.seen)
        with pytest.raises(grpc.RpcError) as err:
            unary(ch, method)(S(value="x"), metadata=metadata)
        info = error_info(err.value)
        assert (info.code, info.reason) == (grpc.StatusCode.PERMISSION_DENIED,
                                            "auth.internal_not_allowed")
        assert len(echo_server.behaviour.seen) == calls_before  # the servicer never ran


def test_domain_error_maps_to_status_and_trailers(ch, signer):
    with pytest.raises(grpc.RpcError) as err:
        unary(ch, "FailDomain")(S(value="x"), metadata=(*auth(signer),
                                                        ("x-correlation-id", "corr-fail-1")))
    info = error_info(err.value)
    assert info.code == grpc.StatusCode.FAILED_PRECONDITION
    assert info.reason == "user.frozen"
    assert info.message == "user is frozen"
    assert info.message_zh == "用户已被冻结"
    assert info.correlation_id == "corr-fail-1"  # the caller's, echoed in the trailers


def test_nul_in_a_request_is_invalid_argument_before_the_servicer(echo_server, ch, signer):
    seen = len(echo_server.behaviour.seen)
    with pytest.raises(grpc.RpcError) as err:
        unary(ch, "Echo")(S(value="a\x00b"), metadata=auth(signer))
    info = error_info(err.value)
    assert (info.code, info.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.value")
    assert "U+0000" in info.message and info.message_zh.startswith("value：")
    assert len(echo_server.behaviour.seen) == seen  # the servicer never ran
    assert unary(ch, "Echo")(S(value="a\x07b"), metadata=auth(signer)).value == "a\x07b"


def test_unexpected_error_is_internal_with_correlation_id(ch, signer):
    with pytest.raises(grpc.RpcError) as err:
        unary(ch, "Crash")(S(value="x"), metadata=(*auth(signer), ("x-correlation-id", "cid-1")))
    info = error_info(err.value)
    assert info.code == grpc.StatusCode.INTERNAL
    assert "cid-1" in info.message and "boom" not in info.message
    assert info.correlation_id == "cid-1"


def test_correlation_id_echoed_or_generated(echo_server, ch, signer):
    _, call = unary(ch, "Echo").with_call(S(value="x"), metadata=(
        *auth(signer), ("x-correlation-id", "abc-123")))
    assert dict(call.trailing_metadata())["x-correlation-id"] == "abc-123"
    assert echo_server.behaviour.seen[-1]["correlation_id"] == "abc-123"
    # The client interceptor takes the id from the contextvar of the work in hand.
    token = correlation_id.set("from-context")
    try:
        _, call = unary(ch, "Echo").with_call(S(value="x"), metadata=auth(signer))
    finally:
        correlation_id.reset(token)
    assert dict(call.trailing_metadata())["x-correlation-id"] == "from-context"


def test_default_deadline(echo_server, signer):
    fast = grpc_client.channel(f"127.0.0.1:{echo_server.port}", default_timeout=0.2)
    with pytest.raises(grpc.RpcError) as err:
        unary(fast, "Slow")(S(value="x"), metadata=auth(signer))
    assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    fast.close()


def test_retry_on_unavailable_resends_same_request(echo_server, ch, signer):
    metadata = (*auth(signer), *grpc_client.call_metadata(idempotency_key="key-1"))
    reply = unary(ch, "Flaky")(S(value="pay-100"), metadata=metadata)
    assert reply.value == "pay-100"
    attempts = [s for s in echo_server.behaviour.seen if "attempt" in s]
    assert [a["attempt"] for a in attempts] == [1, 2, 3]
    assert {a["idempotency_key"] for a in attempts} == {"key-1"}
    assert {a["value"] for a in attempts} == {"pay-100"}


def test_no_retry_when_disabled(echo_server, signer):
    ch = grpc_client.channel(f"127.0.0.1:{echo_server.port}", retry=False)
    with pytest.raises(grpc.RpcError) as err:
        unary(ch, "Flaky")(S(value="x"), metadata=auth(signer))
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    ch.close()


def test_server_to_server_propagates_authorization_and_correlation(echo_server, ch, signer):
    echo_server.behaviour.downstream = grpc_client.channel(f"127.0.0.1:{echo_server.port}")
    metadata = (*auth(signer, sub="u7"), ("x-correlation-id", "chain-1"))
    unary(ch, "Relay")(S(value="x"), metadata=metadata)
    last = echo_server.behaviour.seen[-1]  # recorded by the downstream Echo
    assert last["caller"].user_id == "u7"
    assert last["correlation_id"] == "chain-1"


def test_red_metrics_counted(ch, signer):
    def counts() -> tuple[float, float]:
        requests = REGISTRY.get_sample_value("educrm_kittest_grpc_requests_total",
                                             {"method": f"/{SERVICE}/Echo", "code": "OK"})
        timed = REGISTRY.get_sample_value("educrm_kittest_grpc_request_duration_seconds_count",
                                          {"method": f"/{SERVICE}/Echo"})
        return requests or 0.0, timed or 0.0

    before = counts()
    unary(ch, "Echo")(S(value="x"), metadata=auth(signer))
    assert counts() == (before[0] + 1, before[1] + 1)


def test_aio_channel(echo_server, signer):
    async def go():
        ch = grpc_client.aio_channel(f"127.0.0.1:{echo_server.port}")
        try:
            method = ch.unary_unary(f"/{SERVICE}/Echo",
                                    request_serializer=S.SerializeToString,
                                    response_deserializer=S.FromString)
            reply = await method(S(value="aio"), metadata=auth(signer))
            try:
                await ch.unary_unary(f"/{SERVICE}/FailDomain",
                                     request_serializer=S.SerializeToString,
                                     response_deserializer=S.FromString)(S(), metadata=auth(signer))
            except grpc.aio.AioRpcError as exc:
                return reply.value, error_info(exc)
        finally:
            await ch.close()

    value, info = asyncio.run(go())
    assert value == "aio"
    assert info.reason == "user.frozen" and info.message_zh == "用户已被冻结"


def test_aio_channel_without_interceptor_sends_what_the_caller_gives(echo_server, signer):
    # The gateway's channel: no interceptor, so the call carries exactly its own metadata,
    # and `propagated_metadata` adds what the interceptor would (a correlation id).
    token = signer.token(sub="u7")

    async def go():
        ch = grpc_client.aio_channel(f"127.0.0.1:{echo_server.port}", propagate=False)
        try:
            method = ch.unary_unary(f"/{SERVICE}/Echo",
                                    request_serializer=S.SerializeToString,
                                    response_deserializer=S.FromString)
            explicit = grpc_client.call_metadata(authorization=token, correlation_id="cid-7")
            await method(S(value="a"), metadata=explicit, timeout=5)
            outer = correlation_id.set("cid-outer")
            try:
                await method(S(value="b"), timeout=5,
                             metadata=grpc_client.propagated_metadata(
                                 grpc_client.call_metadata(authorization=token)))
            finally:
                correlation_id.reset(outer)
        finally:
            await ch.close()

    asyncio.run(go())
    first, second = echo_server.behaviour.seen[-2:]
    assert (first["correlation_id"], first["caller"].user_id) == ("cid-7", "u7")
    assert (second["correlation_id"], second["caller"].user_id) == ("cid-outer", "u7")


def test_fetch_jwks_wire_compatible(signer):
    # A fake identity answering GetSigningKeys with a StringValue-shaped response.
    from concurrent import futures

    server = grpc.server(futures.ThreadPoolExecutor(2))
    handler = grpc.method_handlers_generic_handler("crm.identity.v1.IdentityService", {
        "GetSigningKeys": grpc.unary_unary_rpc_method_handler(
            lambda req, ctx: S(value=signer.jwks),
            request_deserializer=lambda b: b, response_serializer=S.SerializeToString)})
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        keys = grpc_client.identity_key_set(f"127.0.0.1:{port}")
        key = keys.get("k1")
        assert (key.key_id, key.algorithm_name) == ("k1", "EdDSA")
        assert key.key.public_bytes_raw() == signer.key.public_key().public_bytes_raw()
    finally:
        server.stop(0)
