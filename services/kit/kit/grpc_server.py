"""A plain grpcio server (thread pool, never eventlet-patched) with EduCRM's plumbing.

Every call passes one interceptor that, in order:
1. takes the correlation id from `x-correlation-id` (or makes one), sets the contextvar and
   echoes it in trailing metadata;
2. authenticates: `authorization: Bearer <access token>` is verified with kit.access_token and
   becomes a `kit.caller.Caller` in `kit.grpc_context.current_caller`; a valid
   `x-educrm-internal-token` marks a system call, accepted only on the methods the service
   lists as internal (elsewhere PERMISSION_DENIED `auth.internal_not_allowed`: the token
   grants what it is for, nothing more); methods listed as public need neither;
3. refuses a request with NUL in any string (INVALID_ARGUMENT, kit.text.check_message);
4. maps kit.errors.DomainError to its status code with `x-error-reason` and
   `x-error-message-zh` trailers; anything unexpected becomes INTERNAL (logged, with the
   correlation id so an operator can find it);
5. counts and times the call (RED metrics) and logs one line per call (never the body).

`grpc.health.v1` and reflection are always served and never authenticated. TLS comes from
kit.grpc_tls settings (`EDUCRM_GRPC_TLS_*`); production refuses to listen without it.
"""
from __future__ import annotations

import dataclasses
import logging
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent import futures
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from . import caller as caller_module
from . import errors, heap, metrics, text
from .access_token import KeySet, VerifiedTokens
from .caller import Caller
from .grpc_context import CallInfo, current_call, current_caller
from .grpc_errors import CORRELATION_ID_METADATA, error_trailers
from .grpc_tls import GrpcTlsSettings, load_tls, server_credentials
from .internal_auth import INTERNAL_TOKEN_METADATA, check_internal_token

log = logging.getLogger("kit.grpc")

# Services that are infrastructure, not business: never authenticated nor counted per caller.
_INFRA_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")
_CORRELATION_ID_SHAPE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

CallerCheck = Callable[[Caller], None]

# Threads serving calls. A call holds the GIL for most of its time and waits on its database
# round trip for the rest, so a few threads per core keep the cores busy; more only take
# turns at the GIL (measured on identity's GetUser at 64 concurrent calls on 2 cores: 8
# threads served ~10% more calls per second than 16, for less CPU per call).
DEFAULT_MAX_WORKERS = 8


class KeysUnavailable(errors.DomainError):
    """The JWKS could not be fetched (identity down): retryable, not the caller's fault."""
    code = grpc.StatusCode.UNAVAILABLE
    reason = "auth.keys_unavailable"


def _metadata(context) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in context.invocation_metadata() or ():
        if not key.endswith("-bin"):
            found[key] = value.decode() if isinstance(value, bytes) else value
    return found


@dataclasses.dataclass
class _Instruments:
    requests: Any
    duration: Any
    # Labelled children by label values: `.labels()` locks and hashes on every call.
    _children: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def for_part(cls, part: str) -> _Instruments:
        return cls(
            requests=metrics.counter(part, "grpc_requests", "gRPC calls served, by method and "
                                     "status code", labelnames=("method", "code")),
            duration=metrics.histogram(part, "grpc_request_duration", "gRPC call latency",
                                       labelnames=("method",)),
        )

    def record(self, method: str, code: grpc.StatusCode, seconds: float) -> None:
        children = self._children.get((method, code))
        if children is None:
            children = self._children[(method, code)] = (
                self.requests.labels(method, code.name), self.duration.labels(method))
        children[0].inc()
        children[1].observe(seconds)


class PlumbingInterceptor(grpc.ServerInterceptor):
    def __init__(self, *, part: str, key_set: KeySet | None, public_methods: Iterable[str] = (),
                 internal_token: str | None = None, caller_check: CallerCheck | None = None,
                 internal_methods: Iterable[str] = ()):
        self.part = part
        self.key_set = key_set
        self.public_methods = frozenset(public_methods)
        self.internal_methods = frozenset(internal_methods)
        self.internal_token = internal_token
        self.caller_check = caller_check
        self.instruments = _Instruments.for_part(part)
        # A token is verified (Ed25519) and parsed once, then reused until it expires or the
        # key set reloads; the caller check (revocation, freeze) still runs on every call.
        self.verified = VerifiedTokens(key_set, Caller.from_claims) if key_set is not None else None

    # -- the pieces ---------------------------------------------------------------------
    def _authenticate(self, method: str, md: dict[str, str]) -> tuple[Caller | None, bool]:
        public = method in self.public_methods
        internal = False
        presented_internal = md.get(INTERNAL_TOKEN_METADATA)
        if presented_internal is not None:
            if method not in self.internal_methods:
                raise errors.PermissionDenied(
                    "the internal token is not accepted by this method",
                    reason="auth.internal_not_allowed", message_zh="内部调用令牌不能用于此操作")
            if not check_internal_token(presented_internal, self.internal_token):
                raise errors.Unauthenticated("invalid internal token",
                                             reason="auth.internal_invalid",
                                             message_zh="内部调用令牌无效")
            internal = True
        caller = None
        authorization = md.get(caller_module.AUTHORIZATION)
        if authorization:
            try:
                scheme, _, token = authorization.partition(" ")
                if scheme.lower() != "bearer" or not token or self.verified is None:
                    raise errors.Unauthenticated("bearer token required", reason="token.invalid",
                                                 message_zh="访问令牌无效")
                caller = self.verified.get(token.strip())
                if self.caller_check is not None:
                    self.caller_check(caller)
            except grpc.RpcError:
                raise KeysUnavailable("signing keys unavailable",
                                      message_zh="暂时无法验证令牌，请稍后重试") from None
            except errors.DomainError:
                # A public method (Login, Logout with an expired token) ignores a bad token.
                if not public:
                    raise
                caller = None
        if caller is None and not internal and not public:
            raise errors.Unauthenticated("authentication required", reason="auth.required",
                                         message_zh="需要登录")
        return caller, internal

    def _wrap(self, method: str, behavior, streaming_response: bool):
        def run_with_context(request, context, body):
            md = _metadata(context)
            incoming = md.get(CORRELATION_ID_METADATA, "")
            cid = incoming if _CORRELATION_ID_SHAPE.match(incoming) else uuid.uuid4().hex
            cid_token = caller_module.correlation_id.set(cid)
            caller_token = current_caller.set(None)
            call_token = current_call.set(None)
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            caller = None
            try:
                context.set_trailing_metadata(((CORRELATION_ID_METADATA, cid),))
                caller, internal = self._authenticate(method, md)
                current_caller.set(caller)
                current_call.set(CallInfo(
                    method=method, authorization=md.get(caller_module.AUTHORIZATION),
                    idempotency_key=md.get(caller_module.IDEMPOTENCY_KEY),
                    client_address=md.get(caller_module.CLIENT_ADDRESS),
                    user_agent=md.get("x-user-agent"), internal=internal))
                if hasattr(request, "ListFields"):  # no EduCRM method streams its requests
                    text.check_message(request)
                return body(request, context)
            except errors.DomainError as exc:
                code = exc.code
                context.set_trailing_metadata(((CORRELATION_ID_METADATA, cid),
                                               *error_trailers(exc)))
                context.abort(exc.code, exc.message)
            except Exception:
                aborted = _aborted_code(context)
                if aborted is not None:  # the servicer called context.abort itself
                    code = aborted
                    raise
                code = grpc.StatusCode.INTERNAL
                log.exception("unhandled error in %s", method)
                context.set_trailing_metadata(((CORRELATION_ID_METADATA, cid),
                                               ("x-error-reason", "internal")))
                context.abort(grpc.StatusCode.INTERNAL, f"internal error (correlation id {cid})")
            finally:
                elapsed = time.perf_counter() - started
                self.instruments.record(method, code, elapsed)
                log.info("grpc call", extra={
                    "grpc_method": method, "grpc_code": code.name,
                    "duration_ms": round(elapsed * 1000, 2),
                    "user_id": caller.user_id if caller else None})
                current_call.reset(call_token)
                current_caller.reset(caller_token)
                caller_module.correlation_id.reset(cid_token)

        if not streaming_response:
            return lambda request, context: run_with_context(request, context, behavior)

        def streaming(request, context):
            # Materialise inside the context so errors map and contextvars hold while producing.
            items = run_with_context(request, context, lambda r, c: list(behavior(r, c)))
            yield from items or ()
        return streaming

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(_INFRA_PREFIXES):
            return handler
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._wrap(method, handler.unary_unary, False),
                handler.request_deserializer, handler.response_serializer)
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._wrap(method, handler.unary_stream, True),
                handler.request_deserializer, handler.response_serializer)
        if handler.stream_unary:
            return grpc.stream_unary_rpc_method_handler(
                self._wrap(method, handler.stream_unary, False),
                handler.request_deserializer, handler.response_serializer)
        return grpc.stream_stream_rpc_method_handler(
            self._wrap(method, handler.stream_stream, True),
            handler.request_deserializer, handler.response_serializer)


def _aborted_code(context) -> grpc.StatusCode | None:
    try:
        code = context.code()
    except Exception:  # noqa: BLE001 - older grpcio contexts lack code()
        return None
    return code if code not in (None, grpc.StatusCode.OK) else None


ServicerAdder = tuple[Callable[[Any, grpc.Server], None], Any]


@dataclasses.dataclass
class GrpcServer:
    server: grpc.Server
    health: health.HealthServicer
    port: int
    service_names: tuple[str, ...]

    def stop(self, grace: float | None = 5.0) -> None:
        # Tell load balancers first, then drain in-flight calls.
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()

    def wait(self) -> None:
        self.server.wait_for_termination()


def create_server(servicer_adders: Sequence[ServicerAdder], service_full_names: Sequence[str],
                  address: str, *, part: str, key_set: KeySet | None = None,
                  public_methods: Iterable[str] = (), internal_token: str | None = None,
                  internal_methods: Iterable[str] = (),
                  caller_check: CallerCheck | None = None,
                  max_workers: int = DEFAULT_MAX_WORKERS,
                  options: Sequence[tuple[str, Any]] = (),
                  tls: GrpcTlsSettings | None = None) -> GrpcServer:
    """Build and start the server; `address` may end in `:0` (tests) — the port is returned.

    `internal_methods`: full method names that accept the internal token (none by default).
    `tls`: the TLS settings (default: read from the environment for `part`)."""
    credentials = server_credentials(tls if tls is not None else load_tls(part))
    interceptor = PlumbingInterceptor(part=part, key_set=key_set, public_methods=public_methods,
                                      internal_token=internal_token, caller_check=caller_check,
                                      internal_methods=internal_methods)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=f"{part}-grpc"),
        interceptors=[interceptor],
        options=[("grpc.keepalive_permit_without_calls", 1),
                 ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
                 ("grpc.so_reuseport", 0), *options],
    )
    for add, servicer in servicer_adders:
        add(servicer, server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = tuple(service_full_names)
    for name in ("", *names):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        (*names, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    port = (server.add_secure_port(address, credentials) if credentials is not None
            else server.add_insecure_port(address))
    if port == 0:
        raise RuntimeError(f"cannot bind gRPC server to {address}")
    server.start()
    return GrpcServer(server=server, health=health_servicer, port=port, service_names=names)


def serve(servicer_adders: Sequence[ServicerAdder], service_full_names: Sequence[str],
          address: str, *, part: str, metrics_port: int, grace: float = 10.0,
          on_started: Callable[[GrpcServer], None] | None = None, **kwargs) -> None:
    """Run until SIGTERM/SIGINT, then shut down gracefully (health NOT_SERVING, drain).

    `on_started(server)` runs once the server listens (e.g. a revocation follower attaching
    its readiness to the server's health)."""
    metrics.start_metrics_server(metrics_port)
    heap.settle_for_serving()  # the servicer and everything it imported are built by now
    running = create_server(servicer_adders, service_full_names, address, part=part, **kwargs)
    if on_started is not None:
        on_started(running)
    log.info("gRPC server listening", extra={"address": address, "port": running.port,
                                              "metrics_port": metrics_port})
    stopping = threading.Event()

    def on_signal(signum, _frame):
        if not stopping.is_set():
            stopping.set()
            log.info("shutting down", extra={"signal": signum})
            threading.Thread(target=running.stop, args=(grace,), daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running.wait()
