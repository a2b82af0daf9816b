"""Prometheus helpers: one naming scheme (`educrm_<part>_<thing>_<unit>`) and one exporter.

Metric objects live in prometheus-client's process-wide registry, which refuses a second
registration of the same name; `counter()`/`histogram()`/`gauge()` therefore return the already
registered object when asked again (tests build many servers in one process).
"""
from __future__ import annotations

import re
import threading

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_lock = threading.Lock()
_metrics: dict[str, object] = {}

# Buckets for RPC latencies: sub-millisecond grpcio-to-grpcio up to multi-second slow queries.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def metric_name(part: str, thing: str, unit: str = "") -> str:
    """`educrm_<part>_<thing>_<unit>`; part is e.g. `identity` or `identity_worker`."""
    name = "_".join(p for p in ("educrm", part.replace("-", "_"), thing, unit) if p)
    if not _NAME.match(name):
        raise ValueError(f"bad metric name {name!r}")
    return name


def _get_or_create(kind, name: str, documentation: str, labelnames, **kwargs):
    with _lock:
        existing = _metrics.get(name)
        if existing is None:
            existing = kind(name, documentation, labelnames=tuple(labelnames), registry=REGISTRY,
                            **kwargs)
            _metrics[name] = existing
        return existing


def counter(part: str, thing: str, documentation: str, labelnames=(),
            unit: str = "total") -> Counter:
    # prometheus-client appends `_total` to counters itself; pass the name without it.
    name = metric_name(part, thing, "")
    return _get_or_create(Counter, name, documentation, labelnames)


def histogram(part: str, thing: str, documentation: str, labelnames=(), unit: str = "seconds",
              buckets=LATENCY_BUCKETS) -> Histogram:
    return _get_or_create(Histogram, metric_name(part, thing, unit), documentation, labelnames,
                          buckets=buckets)


def gauge(part: str, thing: str, documentation: str, labelnames=(), unit: str = "") -> Gauge:
    return _get_or_create(Gauge, metric_name(part, thing, unit), documentation, labelnames)


def start_metrics_server(port: int, addr: str = "127.0.0.1") -> None:
    """Expose `/metrics` over HTTP on a daemon thread; port 0 or negative disables it."""
    if port and port > 0:
        start_http_server(port, addr=addr)
