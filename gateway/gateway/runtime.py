"""Everything a request handler needs, built once per app (and injectable by tests)."""
from __future__ import annotations

import dataclasses

from fastapi import Request
from kit import caller as kit_caller
from redis.asyncio import Redis

from .audit import AuditPublisher
from .audit_spool import OutcomeSpool
from .auth import Authenticated, Authenticator
from .context import RequestContext
from .freeze import Freezer
from .idempotency import IdempotencyStore
from .identity_client import IdentityClient
from .keys import JwksCache
from .metrics import GatewayMetrics
from .rate_limits import LoginLimiter
from .redis_keys import RedisKeys
from .revocations import GatewayRevocations
from .settings import GatewaySettings


@dataclasses.dataclass
class GatewayRuntime:
    settings: GatewaySettings
    identity: IdentityClient
    redis: Redis
    publisher: AuditPublisher
    metrics: GatewayMetrics
    keys: RedisKeys
    jwks: JwksCache
    freezer: Freezer
    authenticator: Authenticator
    login_limiter: LoginLimiter
    idempotency: IdempotencyStore
    spool: OutcomeSpool  # write outcome records waiting for the broker
    # Identity's revocation state followed into Redis and memory (None: not followed).
    revocations: GatewayRevocations | None = None


def runtime(request: Request) -> GatewayRuntime:
    return request.app.state.runtime


def forward_metadata(ctx: RequestContext, auth: Authenticated | None = None,
                     idempotency_key: str | None = None) -> list[tuple[str, str]]:
    """gRPC metadata for a call made on behalf of this request."""
    metadata = [(kit_caller.CORRELATION_ID, ctx.correlation_id),
                (kit_caller.CLIENT_ADDRESS, ctx.client_address)]
    if auth is not None:
        metadata.append((kit_caller.AUTHORIZATION, f"Bearer {auth.token}"))
    if idempotency_key:
        metadata.append((kit_caller.IDEMPOTENCY_KEY, idempotency_key))
    return metadata
