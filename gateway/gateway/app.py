"""The app factory: `create_app(settings, identity_client=..., redis=..., audit_publisher=...)`.

Anything not injected is built from settings. The app owns what it is given: the lifespan
starts and closes it.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.asyncio import Redis

from . import enrollment_client, leads_client, openapi, problems
from .audit import AuditPublisher
from .audit_spool import OutcomeSpool
from .auth import Authenticator
from .client_address import ClientAddressResolver
from .freeze import Freezer, resolve_internal_token
from .gate import RequestGate
from .idempotency import IdempotencyStore
from .identity_client import IdentityClient
from .keys import JwksCache
from .metrics import GatewayMetrics
from .middleware import GatewayMiddleware
from .personal_reads import parse_read_limits
from .rate_limits import LoginLimiter, LoginPolicy
from .redis_keys import RedisKeys
from .revocations import GatewayRevocations
from .routes import (
    audit_events,
    auth,
    customer_exchange,
    customers,
    enrollment,
    finance,
    follow_ups,
    lead_statistics,
    network,
    ops,
    org_units,
    public_pool,
    sales_targets,
    scheduling,
    users,
)
from .runtime import GatewayRuntime
from .settings import GatewaySettings

log = logging.getLogger(__name__)

DESCRIPTION = """EduCRM public API. Errors are RFC 9457 `application/problem+json` documents
with `type` = `https://educrm.dev/problems/<reason>`, `detail` (English), `detail_zh`
(简体中文) and `correlation_id`. Lists use cursor pagination (`limit`, `cursor` →
`{items, next_cursor}`). Writes accept an `Idempotency-Key` header."""


def build_runtime(settings: GatewaySettings, *, identity_client: IdentityClient | None = None,
                  redis: Redis | None = None,
                  audit_publisher: AuditPublisher | None = None) -> GatewayRuntime:
    metrics = GatewayMetrics()
    identity = identity_client or IdentityClient(settings.identity_target,
                                                 timeout=settings.grpc_timeout)
    redis = redis or Redis.from_url(settings.redis_url, socket_connect_timeout=1.0,
                                    socket_timeout=2.0, max_connections=256)
    publisher = audit_publisher or AuditPublisher(
        settings.amqp_uri, exchange=settings.audit_exchange,
        routing_key=settings.audit_routing_key, timeout=settings.audit_timeout,
        mandatory=settings.audit_mandatory,
        batch_window=settings.audit_batch_window_ms / 1000,
        batch_max=settings.audit_batch_max_records, metrics=metrics)
    if getattr(publisher, "metrics", False) is None:  # injected without metrics
        publisher.metrics = metrics
    keys = RedisKeys(settings.redis_prefix)
    jwks = JwksCache(identity.signing_keys,
                     min_refresh_interval=settings.jwks_refresh_interval_seconds,
                     max_age=settings.jwks_max_age_seconds)
    internal_token = resolve_internal_token(settings.internal_token)
    revocations = (GatewayRevocations(settings, internal_token)
                   if settings.follow_revocations else None)
    read_limits = parse_read_limits(settings.freeze_read_limits,
                                    window_seconds=settings.freeze_window_seconds,
                                    every_limit=settings.freeze_max_reads)
    gate = RequestGate(redis, keys, rate_limit=settings.user_rate_limit,
                       rate_window_s=settings.user_rate_window_seconds,
                       read_window_s=settings.freeze_window_seconds)
    freezer = Freezer(redis, keys, identity, metrics,
                      internal_token=internal_token)
    return GatewayRuntime(
        settings=settings, identity=identity, redis=redis, publisher=publisher,
        metrics=metrics, keys=keys, jwks=jwks, freezer=freezer,
        revocations=revocations,
        authenticator=Authenticator(jwks, gate, freezer, metrics, read_limits=read_limits,
                                    deny_list=revocations.deny_list if revocations else None,
                                    rate_limit=settings.user_rate_limit,
                                    rate_window_s=settings.user_rate_window_seconds),
        login_limiter=LoginLimiter(redis, keys, LoginPolicy(
            free_per_account_address=settings.login_free_failures_per_account_address,
            free_per_account=settings.login_free_failures_per_account,
            lockout_base_seconds=settings.login_lockout_base_seconds,
            lockout_max_seconds=settings.login_lockout_max_seconds,
            failure_window_seconds=settings.login_failure_window_seconds,
            max_failures_per_address=settings.login_max_failures_per_address), metrics),
        idempotency=IdempotencyStore(redis, keys, settings.idempotency_ttl_seconds),
        spool=OutcomeSpool(publisher, metrics, max_records=settings.audit_spool_max_records,
                           batch_max=settings.audit_batch_max_records),
    )


def create_app(settings: GatewaySettings | None = None, *,
               identity_client: IdentityClient | None = None, redis: Redis | None = None,
               audit_publisher: AuditPublisher | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    rt = build_runtime(settings, identity_client=identity_client, redis=redis,
                       audit_publisher=audit_publisher)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await rt.identity.start()
        await rt.publisher.start()
        rt.spool.start()
        try:
            await rt.jwks.refresh()
        except Exception as error:  # noqa: BLE001 - identity may start after us
            log.warning("identity signing keys not loaded yet: %r", error)
        rt.jwks.start()
        if rt.revocations is not None:
            rt.revocations.start()
        rt.freezer.start()
        try:
            # The service clients' lifespans (scheduling's and finance's routers', leads' and
            # enrollment's clients): the routes are not included through `include_router`,
            # which would merge them.
            async with scheduling.lifespan(app), leads_client.lifespan(app), \
                    enrollment_client.lifespan(app), finance.lifespan(app):
                yield
        finally:
            await rt.freezer.stop()
            await rt.spool.close(timeout=settings.audit_timeout)
            if rt.revocations is not None:
                await asyncio.to_thread(rt.revocations.stop)
            await rt.jwks.stop()
            await rt.publisher.close()
            await rt.identity.close()
            await rt.redis.aclose()

    # One flat route table, API routes first. `include_router` would keep each module's
    # router as a nested branch that FastAPI matches twice per request (the branch, then the
    # route inside it): ~6% of the /v1/me profile. The module routers add no include-time
    # options (their prefix and tags are already on their routes); the router lifespans
    # (scheduling, finance) are entered by the lifespan above.
    # customer_exchange before customers: its /v1/customers/export, /import-template are
    # not customer ids.
    routes = [route for module in (auth, users, org_units, audit_events, scheduling,
                                   customer_exchange, customers, public_pool, follow_ups,
                                   lead_statistics, sales_targets, network, enrollment,
                                   finance, ops)
              for route in module.router.routes]
    # No OpenTelemetry: the gateway's metrics are Prometheus (`/metrics`). Left on, FastAPI
    # looks for OpenTelemetry providers on every request (environment reads included).
    app = FastAPI(title="EduCRM API", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan, openapi_url="/openapi.json", docs_url="/docs",
                  redoc_url="/redoc", routes=routes,
                  generate_unique_id_function=openapi.operation_id,
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.runtime = rt
    openapi.install(app)
    problems.install_handlers(app)
    # Added last = outermost: CORS wraps the gateway middleware so that problem responses
    # made there carry CORS headers too.
    app.add_middleware(GatewayMiddleware, publisher=rt.publisher, metrics=rt.metrics,
                       max_body_bytes=settings.max_body_bytes, spool=rt.spool,
                       client_addresses=ClientAddressResolver(settings.trusted_proxies))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key",
                           "X-Correlation-Id"],
            expose_headers=["X-Correlation-Id", "RateLimit", "RateLimit-Policy", "Retry-After"])
    return app
