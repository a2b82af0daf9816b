"""Gateway settings, filled by kit.settings.load(GatewaySettings, "gateway").

Every field reads `EDUCRM_GATEWAY_<FIELD>`, then `EDUCRM_<FIELD>` (so the shared
`EDUCRM_REDIS_URL`, `EDUCRM_AMQP_URI` and `EDUCRM_INTERNAL_TOKEN` apply), then YAML, then the
default below.
"""
from __future__ import annotations

import dataclasses

from kit import settings as kit_settings

from .personal_reads import DEFAULT_READ_LIMITS


@dataclasses.dataclass(frozen=True)
class GatewaySettings:
    host: str = "127.0.0.1"
    port: int = 8000
    env: str = "development"

    identity_target: str = "127.0.0.1:50051"
    scheduling_target: str = "127.0.0.1:50055"
    leads_target: str = "127.0.0.1:50052"
    enrollment_target: str = "127.0.0.1:50053"
    finance_target: str = "127.0.0.1:50054"
    # Deadline of every call to a service (seconds).
    grpc_timeout: float = 5.0
    redis_url: str = "redis://127.0.0.1:6379/0"
    # All gateway keys start with this; tests use a random prefix to stay apart.
    redis_prefix: str = "educrm:gw:"
    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    internal_token: str = ""

    # Audit: one record per request, confirmed by the broker before the response leaves.
    audit_exchange: str = "gateway.events"
    audit_routing_key: str = "crm.gateway.audit.recorded.v1"
    audit_timeout: float = 5.0
    # An unroutable audit record (no queue bound) would be lost: treat it as a failure.
    audit_mandatory: bool = True
    # Group commit: while a message is in flight, records wait for its confirm, at most this
    # long, or until this many are waiting (see audit.py).
    audit_batch_window_ms: float = 2.0
    audit_batch_max_records: int = 128
    # Write outcome records the broker did not confirm, kept in memory for retry (audit_spool).
    audit_spool_max_records: int = 10_000

    # Rate-limit-then-freeze (personal_reads.py): personal-data records a user may read per
    # sliding window, per kind of data (staff, customer) and role: `kind:role=records`,
    # `kind:*=records` the kind's default; a user's limit is the highest of their roles'.
    # Environment: EDUCRM_GATEWAY_FREEZE_READ_LIMITS="staff:*=1000,customer:*=200,...".
    freeze_read_limits: tuple[str, ...] = DEFAULT_READ_LIMITS
    freeze_window_seconds: int = 60
    # > 0: one limit for every role and kind instead of freeze_read_limits (tests, drills).
    freeze_max_reads: int = 0
    # Plain rate limits (fixed windows).
    user_rate_limit: int = 600
    user_rate_window_seconds: int = 60
    # Logins (rate_limits.LoginLimiter): only FAILED attempts count. After this many failures
    # of one account from one address, then of one account from anywhere, each further
    # attempt waits a lockout that doubles from the base up to the maximum; failures are
    # forgotten after the failure window without any. A success clears its (account, address).
    login_free_failures_per_account_address: int = 10
    login_free_failures_per_account: int = 30
    login_lockout_base_seconds: int = 30
    login_lockout_max_seconds: int = 3600
    login_failure_window_seconds: int = 900
    # Password spraying: failures from one address (any accounts) per failure window.
    login_max_failures_per_address: int = 200
    # Proxies (CIDRs) whose X-Forwarded-For / Forwarded header names the client address; a
    # request from any other peer is attributed to the peer, whatever headers it sends.
    trusted_proxies: tuple[str, ...] = ()

    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1024 * 1024
    idempotency_ttl_seconds: int = 86400
    # How long a JWKS refresh is not repeated for unknown kids (an attacker could send many).
    jwks_refresh_interval_seconds: float = 10.0
    # Every this many seconds identity's key set is re-read: a retired key stops verifying
    # within this time (`EDUCRM_JWKS_MAX_AGE_SECONDS` sets it for every process).
    jwks_max_age_seconds: float = 300.0
    # Follow identity's freeze/unfreeze/left/session-revoked events into the Redis flags
    # and an in-memory deny list (rebuilt from identity at start); see revocations.py.
    follow_revocations: bool = True
    log_level: str = "info"
    # Dependencies reported by /readyz whose failure does not make the gateway unready (it
    # still serves everything else); the others answer 503 not-ready when down.
    readiness_optional: tuple[str, ...] = ("scheduling", "leads")


def load_settings(environ=None) -> GatewaySettings:
    return kit_settings.load(GatewaySettings, "gateway", environ)
