"""The gateway's one ASGI middleware: correlation id, body limits, metrics and the audit
record of every request.

Pure ASGI (not BaseHTTPMiddleware) to keep the hot path short. When the broker is known to be
unreachable the request is refused before any handler runs, so nothing reaches a service.

Reads (and writes that forward nothing): the response is held back until the request's audit
record is confirmed by the broker; if it cannot be, the client gets a 503 problem instead (no
request is served whose audit record could be lost).

Writes (POST/PUT/PATCH/DELETE) that reach a service: an *intent* record (who, which route,
the target as known, correlation id, whether an Idempotency-Key came) is confirmed before the
first call to a service (`context.before_forward`, awaited by the service clients); if it
cannot be, the client gets 503 and nothing is forwarded. After the handler, the *outcome*
record (same correlation id, `intent_id`, status, outcome, target learned) is published, and
if the broker does not confirm it, it goes to the outcome spool (audit_spool.py) and the client
still gets the real answer: a write that was done is never reported as not done.

Not audited: the operational endpoints (/healthz, /readyz, /metrics), which carry no user
data and must answer while the broker is down, and CORS preflights (answered by the CORS
middleware outside this one).
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import problems
from .audit import AuditPublisher, AuditUnavailable, audit_record
from .audit_spool import OutcomeSpool
from .client_address import ClientAddressResolver
from .context import RequestContext, correlation_id_from, current_request
from .metrics import GatewayMetrics

log = logging.getLogger(__name__)

UNAUDITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_NO_BODY_METHODS = frozenset({"GET", "HEAD"})
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DENIED = frozenset({401, 403, 404, 405, 409, 413, 415, 422, 429})


def outcome_of(status: int) -> str:
    if status < 400:
        return "allowed"
    if status < 500 or status in _DENIED:
        return "denied"
    return "failed"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


# Paths whose body is a file instead of JSON, with the content types they take (a route
# module registers its path: the customers import takes an xlsx workbook).
BINARY_BODIES: dict[str, frozenset[str]] = {}


class _BodyTooLarge(HTTPException):
    # FastAPI re-raises its own HTTPException while reading a body (others become 400).
    def __init__(self) -> None:
        super().__init__(413)


class GatewayMiddleware:
    def __init__(self, app: ASGIApp, *, publisher: AuditPublisher, metrics: GatewayMetrics,
                 max_body_bytes: int, spool: OutcomeSpool | None = None,
                 client_addresses: ClientAddressResolver | None = None) -> None:
        self.app = app
        self.client_addresses = client_addresses or ClientAddressResolver(())
        self.publisher = publisher
        self.spool = spool if spool is not None else OutcomeSpool(publisher, metrics)
        self.metrics = metrics
        self.max_body = max_body_bytes
        # Label lookups cost more than the increments: keep each label set's children.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        method: str = scope["method"]
        client = scope.get("client")
        correlation = user_agent = None
        for key, value in scope["headers"]:  # one scan for both (the first of each counts)
            if key == b"x-correlation-id":
                if correlation is None:
                    correlation = value.decode("latin-1")
            elif key == b"user-agent" and user_agent is None:
                user_agent = value.decode("latin-1")
        peer = client[0] if client else ""
        if self.client_addresses.trusts_any:
            peer = self.client_addresses.resolve(peer, scope["headers"])
        ctx = RequestContext(
            correlation_id=correlation_id_from(correlation),
            client_address=peer,
            user_agent=user_agent or "")
        scope["educrm"] = ctx
        audited = path not in UNAUDITED_PATHS

        held: dict[str, Any] = {"start": None, "body": []}

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                held["start"] = message
            elif message["type"] == "http.response.body":
                held["body"].append(message.get("body", b""))

        problem = self._refuse_early(scope, method)
        if problem is None and audited and not self.publisher.connected:
            try:
                await self.publisher.ensure_ready()
            except AuditUnavailable:
                self.metrics.audit_failures.inc()
                problem = problems.audit_unavailable()
                audited = False  # the record cannot be written; say so instead of serving
        if problem is None:
            if audited and method in _WRITE_METHODS:
                ctx.confirm_intent = self._intent_confirmer(scope, ctx, method, path)
            current = current_request.set(ctx)
            try:
                # GET/HEAD handlers read no body: no byte counter for them.
                await self.app(scope, receive if method in _NO_BODY_METHODS
                               else self._limited(receive), hold)
            except Exception:
                log.exception("unhandled error in %s %s", method, path)
                problem = problems.internal_error()
            finally:
                current_request.reset(current)
                ctx.confirm_intent = None
        if problem is not None or held["start"] is None:
            response = problems.problem_response(problem or problems.internal_error(),
                                                 ctx.correlation_id)
            held = {"start": None, "body": []}
            await response(scope, receive, hold)

        status: int = held["start"]["status"]
        route = scope.get("route")
        action = getattr(route, "name", None) or "http.unmatched"
        if audited:
            if ctx.intent_id:  # a forwarded write: the outcome of its confirmed intent
                records = [self._record(ctx, action, method, path, status, phase="outcome",
                                        intent_id=ctx.intent_id)]
            else:
                records = [self._record(ctx, action, method, path, status)]
            for extra in ctx.extra_audit:
                records.append(self._record(ctx, extra.pop("action"), method, path,
                                            extra.pop("status_code", status), **extra))
            try:
                await self.publisher.publish(records)
            except AuditUnavailable as error:
                self.metrics.audit_failures.inc()
                if ctx.intent_id:
                    # The write was forwarded (and may well be done): never answer otherwise
                    # than the service did. The outcome is retried from the spool.
                    log.error("audit outcome not confirmed (%s); spooled, answering %d",
                              error, status)
                    self.spool.add(records)
                else:
                    log.error("audit record not confirmed (%s); answering 503", error)
                    response = problems.problem_response(problems.audit_unavailable(),
                                                         ctx.correlation_id)
                    held = {"start": None, "body": []}
                    await response(scope, receive, hold)
                    status = 503

        start = held["start"]
        headers = list(start.get("headers", ()))
        headers.append((b"x-correlation-id", ctx.correlation_id.encode()))
        for name, value in ctx.response_headers.items():
            headers.append((name.lower().encode(), value.encode()))
        body = held["body"]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body",
                    "body": body[0] if len(body) == 1 else b"".join(body)})

        route_label = getattr(route, "path", None) or "unmatched"
        children = self._children.get((route_label, method, status))
        if children is None:
            children = (self.metrics.requests.labels(route_label, method, str(status)),
                        self.metrics.duration.labels(route_label, method))
            if len(self._children) < 10_000:  # bounded: route and method come from the app
                self._children[(route_label, method, status)] = children
        children[0].inc()
        children[1].observe(time.perf_counter() - started)

    def _intent_confirmer(self, scope: Scope, ctx: RequestContext, method: str,
                          path: str) -> Any:
        """The write's `confirm_intent`: the first call publishes the intent record and waits
        for the broker; concurrent and later calls share that one confirmation."""
        confirmation: list[asyncio.Future[None]] = []

        async def confirm() -> None:
            if not confirmation:
                route = scope.get("route")
                action = getattr(route, "name", None) or "http.unmatched"
                record = self._record(
                    ctx, action, method, path, 0, phase="intent", outcome="pending",
                    detail={**ctx.detail,
                            "idempotency_key": _header(scope, b"idempotency-key") is not None})
                confirmation.append(asyncio.ensure_future(self.publisher.publish([record])))
                confirmation[0].add_done_callback(
                    lambda done: self._intent_done(done, ctx, record["id"]))
            try:
                await asyncio.shield(confirmation[0])
            except AuditUnavailable:
                raise problems.audit_unavailable() from None

        return confirm

    def _intent_done(self, done: asyncio.Future[None], ctx: RequestContext,
                     intent_id: str) -> None:
        if done.cancelled() or done.exception() is not None:
            self.metrics.audit_failures.inc()
            log.error("audit intent not confirmed; the write is not forwarded (503)")
        else:
            ctx.intent_id = intent_id

    def _refuse_early(self, scope: Scope, method: str) -> problems.Problem | None:
        """Body checks that need no handler: declared size and content type."""
        if method not in _BODY_METHODS:
            return None
        length = _header(scope, b"content-length")
        if length is not None:
            try:
                if int(length) > self.max_body:
                    return problems.payload_too_large(self.max_body)
            except ValueError:
                return problems.Problem(400, "bad-request", "Bad request",
                                        "Invalid Content-Length.", "Content-Length 无效。")
        has_body = (length not in (None, "0")) or _header(scope, b"transfer-encoding")
        if has_body:
            content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
            if (content_type != "application/json" and not content_type.endswith("+json")
                    and content_type not in BINARY_BODIES.get(scope["path"], ())):
                return problems.unsupported_media_type()
        return None

    def _limited(self, receive: Receive) -> Receive:
        """Count body bytes as they arrive (a chunked body declares no length)."""
        seen = 0
        limit = self.max_body

        async def receive_limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge()
            return message

        return receive_limited

    @staticmethod
    def _record(ctx: RequestContext, action: str, method: str, path: str, status: int,
                **overrides: Any) -> dict[str, Any]:
        if not overrides:  # the request's own record: no intermediate dict
            return audit_record(
                action=action, method=method, path=path, outcome=outcome_of(status),
                status_code=status, correlation_id=ctx.correlation_id,
                client_address=ctx.client_address, user_agent=ctx.user_agent,
                actor_user_id=ctx.user_id, actor_username=ctx.username,
                target_type=ctx.target_type, target_id=ctx.target_id,
                detail=dict(ctx.detail))
        fields: dict[str, Any] = {
            "action": action, "method": method, "path": path, "outcome": outcome_of(status),
            "status_code": status, "correlation_id": ctx.correlation_id,
            "client_address": ctx.client_address, "user_agent": ctx.user_agent,
            "actor_user_id": ctx.user_id, "actor_username": ctx.username,
            "target_type": ctx.target_type, "target_id": ctx.target_id,
            "detail": dict(ctx.detail),
        }
        fields.update(overrides)
        return audit_record(**fields)
