"""gRPC channels to EduCRM services: deadlines, retries, keepalive, metadata propagation.

- Every call gets a deadline (`default_timeout`) unless the caller passes one.
- UNAVAILABLE is retried by grpc itself through the service config's retryPolicy: the same
  serialized request is re-sent, so it carries the same idempotency key.
- Outgoing metadata: the correlation id of the work in hand (kit.caller.correlation_id), and
  on a server that calls another service on behalf of its caller, the inbound `authorization`
  (kit.grpc_context.current_call). Idempotency keys and the internal token are explicit
  (`call_metadata(...)`) because one inbound request may fan out into several writes.

`channel(target)` is the sync variant (api processes, tests); `aio_channel(target)` the
asyncio one (the gateway). Both take `tls=` (kit.grpc_tls settings; default: read from the
environment) and refuse to dial in plaintext in production unless a mesh provides TLS.
"""
from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterable, Sequence

import grpc
import grpc.aio
from google.protobuf import empty_pb2, wrappers_pb2

from . import caller as caller_module
from . import settings as kit_settings
from .access_token import KeySet
from .grpc_context import current_call
from .grpc_tls import GrpcTlsSettings, channel_credentials, load_tls
from .grpc_tls import channel_options as tls_channel_options
from .internal_auth import INTERNAL_TOKEN_METADATA

DEFAULT_TIMEOUT = 5.0


@dataclasses.dataclass(frozen=True)
class KeySetSettings:
    """How verifiers follow identity's key set (`EDUCRM_JWKS_MAX_AGE_SECONDS`, ...)."""
    # Every this many seconds the keys are re-read: a key retired at identity stops
    # verifying within this time (see docs/key-rotation.md).
    jwks_max_age_seconds: float = 300.0
    # An unknown kid re-reads the keys at most once per this many seconds.
    jwks_min_refresh_seconds: float = 10.0

RETRY_POLICY = {
    "maxAttempts": 4,
    "initialBackoff": "0.1s",
    "maxBackoff": "1s",
    "backoffMultiplier": 2,
    "retryableStatusCodes": ["UNAVAILABLE"],
}


def service_config(retry: bool = True) -> str:
    config: dict = {"methodConfig": [{"name": [{}]}]}  # `{}` = every service and method
    if retry:
        config["methodConfig"][0]["retryPolicy"] = RETRY_POLICY
    return json.dumps(config)


def channel_options(retry: bool = True) -> list[tuple[str, object]]:
    return [
        ("grpc.service_config", service_config(retry)),
        ("grpc.enable_retries", 1 if retry else 0),
        # Keepalive: detect dead peers behind NATs/load balancers; servers permit it.
        ("grpc.keepalive_time_ms", 30_000),
        ("grpc.keepalive_timeout_ms", 10_000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
    ]


def call_metadata(*, authorization: str | None = None, idempotency_key: str | None = None,
                  client_address: str | None = None, internal_token: str | None = None,
                  correlation_id: str | None = None) -> tuple[tuple[str, str], ...]:
    """Explicit per-call metadata (the interceptor adds what is missing from the context)."""
    items = []
    if authorization:
        items.append((caller_module.AUTHORIZATION, authorization if " " in authorization
                      else f"Bearer {authorization}"))
    if idempotency_key:
        items.append((caller_module.IDEMPOTENCY_KEY, idempotency_key))
    if client_address:
        items.append((caller_module.CLIENT_ADDRESS, client_address))
    if internal_token:
        items.append((INTERNAL_TOKEN_METADATA, internal_token))
    if correlation_id:
        items.append((caller_module.CORRELATION_ID, correlation_id))
    return tuple(items)


def propagated_metadata(metadata: Sequence[tuple[str, str]] | None) -> list[tuple[str, str]]:
    """`metadata` plus what the interceptors add when it is missing: the correlation id of
    the work in hand (or a new one) and the inbound call's `authorization`."""
    return _propagated(metadata)


def _propagated(metadata: Sequence[tuple[str, str]] | None) -> list[tuple[str, str]]:
    merged = list(metadata or ())
    present = {k for k, _ in merged}
    if caller_module.CORRELATION_ID not in present:
        merged.append((caller_module.CORRELATION_ID,
                       caller_module.correlation_id.get() or uuid.uuid4().hex))
    call = current_call.get()
    if caller_module.AUTHORIZATION not in present and call and call.authorization:
        merged.append((caller_module.AUTHORIZATION, call.authorization))
    return merged


def _details(details, default_timeout: float):
    timeout = details.timeout if details.timeout is not None else default_timeout
    return timeout, _propagated(details.metadata)


class _ClientCallDetails(grpc.ClientCallDetails):
    def __init__(self, method, timeout, metadata, credentials, wait_for_ready, compression):
        self.method = method
        self.timeout = timeout
        self.metadata = metadata
        self.credentials = credentials
        self.wait_for_ready = wait_for_ready
        self.compression = compression


class PropagatingInterceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    def __init__(self, default_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.default_timeout = default_timeout

    def _new(self, details):
        timeout, metadata = _details(details, self.default_timeout)
        return _ClientCallDetails(details.method, timeout, metadata, details.credentials,
                                  getattr(details, "wait_for_ready", None),
                                  getattr(details, "compression", None))

    def intercept_unary_unary(self, continuation, client_call_details, request):
        return continuation(self._new(client_call_details), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return continuation(self._new(client_call_details), request)


def channel(target: str, *, default_timeout: float = DEFAULT_TIMEOUT, retry: bool = True,
            extra_options: Iterable[tuple[str, object]] = (),
            tls: GrpcTlsSettings | None = None) -> grpc.Channel:
    tls = tls if tls is not None else load_tls()
    credentials = channel_credentials(tls)
    options = [*channel_options(retry), *tls_channel_options(tls), *extra_options]
    raw = (grpc.secure_channel(target, credentials, options=options) if credentials is not None
           else grpc.insecure_channel(target, options=options))
    return grpc.intercept_channel(raw, PropagatingInterceptor(default_timeout))


class _AioInterceptor(grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor):
    def __init__(self, default_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.default_timeout = default_timeout

    def _new(self, details):
        timeout, metadata = _details(details, self.default_timeout)
        return grpc.aio.ClientCallDetails(details.method, timeout, grpc.aio.Metadata(*metadata),
                                          details.credentials, details.wait_for_ready)

    async def intercept_unary_unary(self, continuation, client_call_details, request):
        return await continuation(self._new(client_call_details), request)

    async def intercept_unary_stream(self, continuation, client_call_details, request):
        return await continuation(self._new(client_call_details), request)


def aio_channel(target: str, *, default_timeout: float = DEFAULT_TIMEOUT, retry: bool = True,
                extra_options: Iterable[tuple[str, object]] = (),
                tls: GrpcTlsSettings | None = None, propagate: bool = True) -> grpc.aio.Channel:
    """For the gateway (asyncio); create it inside the running event loop.

    `propagate=False`: no interceptor, so the caller gives every call its timeout and its
    metadata (`propagated_metadata`). A grpc.aio interceptor wraps each call in a second call
    object and task: on a read through the gateway that cost more than the interceptor's
    work (the gateway's ServiceClient passes both itself)."""
    tls = tls if tls is not None else load_tls()
    credentials = channel_credentials(tls)
    options = [*channel_options(retry), *tls_channel_options(tls), *extra_options]
    interceptors = [_AioInterceptor(default_timeout)] if propagate else None
    if credentials is not None:
        return grpc.aio.secure_channel(target, credentials, options=options,
                                       interceptors=interceptors)
    return grpc.aio.insecure_channel(target, options=options, interceptors=interceptors)


# identity's GetSigningKeysResponse is `string jwks_json = 1`, the same wire format as
# google.protobuf.StringValue, and its request is empty: so kit can fetch the JWKS without
# depending on identity's generated stubs.
GET_SIGNING_KEYS_METHOD = "/crm.identity.v1.IdentityService/GetSigningKeys"


def fetch_jwks(ch: grpc.Channel, timeout: float = DEFAULT_TIMEOUT) -> str:
    call = ch.unary_unary(GET_SIGNING_KEYS_METHOD,
                          request_serializer=empty_pb2.Empty.SerializeToString,
                          response_deserializer=wrappers_pb2.StringValue.FromString)
    return call(empty_pb2.Empty(), timeout=timeout).value


def identity_key_set(target_or_channel: str | grpc.Channel, *,
                     settings: KeySetSettings | None = None) -> KeySet:
    """A KeySet of identity's public keys over gRPC: reloaded on a new kid (throttled) and
    every `jwks_max_age_seconds` (so a retired key stops verifying without a restart)."""
    settings = settings or kit_settings.load(KeySetSettings)
    ch = channel(target_or_channel) if isinstance(target_or_channel, str) else target_or_channel
    return KeySet(lambda: fetch_jwks(ch), max_age=settings.jwks_max_age_seconds,
                  min_refresh_interval=settings.jwks_min_refresh_seconds)
