"""Prometheus metrics of the gateway (one registry per app so tests can build many apps)."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "educrm_gateway_http_requests_total", "HTTP requests by route, method and status.",
            ["route", "method", "status"], registry=self.registry)
        self.duration = Histogram(
            "educrm_gateway_http_request_duration_seconds", "HTTP request duration.",
            ["route", "method"], registry=self.registry,
            buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
        self.freezes = Counter(
            "educrm_gateway_freezes_total", "Users frozen automatically by the read limit.",
            registry=self.registry)
        self.freeze_call_failures = Counter(
            "educrm_gateway_freeze_call_failures_total",
            "Failed FreezeUser calls to identity (retried until they succeed).",
            registry=self.registry)
        self.audit_failures = Counter(
            "educrm_gateway_audit_publish_failures_total",
            "Audit records the broker did not confirm (reads and write intents: their "
            "requests got 503; write outcomes: spooled).",
            registry=self.registry)
        self.audit_outcomes_spooled = Counter(
            "educrm_gateway_audit_outcomes_spooled_total",
            "Write outcome records the broker did not confirm at once (kept for retry; the "
            "client got the real answer).", registry=self.registry)
        self.audit_outcomes_republished = Counter(
            "educrm_gateway_audit_outcomes_republished_total",
            "Spooled outcome records confirmed by a later retry.", registry=self.registry)
        self.audit_outcomes_dropped = Counter(
            "educrm_gateway_audit_outcomes_dropped_total",
            "Outcome records lost (spool full, or unconfirmed at shutdown).",
            registry=self.registry)
        self.audit_spool_records = Gauge(
            "educrm_gateway_audit_spool_records", "Outcome records waiting in the spool.",
            registry=self.registry)
        self.rate_limited = Counter(
            "educrm_gateway_rate_limited_total", "Requests refused with 429 by limit.",
            ["limit"], registry=self.registry)
        self.audit_records_per_message = Histogram(
            "educrm_gateway_audit_records_per_message",
            "Audit records per confirmed broker message (group commit).",
            registry=self.registry, buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512))
        self.audit_publish_duration = Histogram(
            "educrm_gateway_audit_publish_duration_seconds",
            "Publish-to-confirm latency of one audit message.", registry=self.registry,
            buckets=(.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))
