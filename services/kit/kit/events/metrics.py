"""Prometheus metrics of the event bus, named `educrm_<part>_<thing>_<unit>`.

`part` is the service (identity, scheduling, ...); metrics are created once per name so several
relays or consumers in one process (tests) share them.
"""
from __future__ import annotations

import threading

from prometheus_client import Counter, Gauge

_lock = threading.Lock()
_metrics: dict[str, object] = {}


def _get(kind, name: str, documentation: str, labels: tuple[str, ...] = ()):
    with _lock:
        if name not in _metrics:
            _metrics[name] = kind(name, documentation, labels)
        return _metrics[name]


def _clean(part: str) -> str:
    return part.replace("-", "_").replace(".", "_")


def outbox_lag_seconds(part: str) -> Gauge:
    return _get(Gauge, f"educrm_{_clean(part)}_outbox_lag_seconds",
                "Age of the oldest unpublished outbox row (0 when none).")


def outbox_pending_rows(part: str) -> Gauge:
    return _get(Gauge, f"educrm_{_clean(part)}_outbox_pending_rows", "Unpublished outbox rows.")


def outbox_published(part: str) -> Counter:
    return _get(Counter, f"educrm_{_clean(part)}_outbox_published",
                "Outbox events published with a broker confirm.")


def outbox_publish_errors(part: str) -> Counter:
    return _get(Counter, f"educrm_{_clean(part)}_outbox_publish_errors",
                "Relay batches that failed (broker or database unavailable).")


def outbox_parked(part: str) -> Gauge:
    return _get(Gauge, f"educrm_{_clean(part)}_outbox_parked",
                "Outbox rows parked after too many failed attempts (or behind such a row of "
                "their aggregate): kept, waiting for `educrm-bus outbox replay`.")


def outbox_row_failures(part: str) -> Counter:
    return _get(Counter, f"educrm_{_clean(part)}_outbox_row_failures",
                "Publish attempts of single outbox rows that failed (nacked, returned with a "
                "subscriber catalogued, refused by the broker); retried, parked at last.")


def outbox_returned(part: str) -> Counter:
    return _get(Counter, f"educrm_{_clean(part)}_outbox_returned",
                "Outbox events the broker returned as unroutable (mandatory publish).")


def outbox_unrouted(part: str) -> Counter:
    return _get(Counter, f"educrm_{_clean(part)}_outbox_unrouted",
                "Returned outbox events of types nobody subscribes to: counted as published.")


def events_handled(part: str) -> Counter:
    return _get(Counter, f"educrm_{_clean(part)}_events_handled",
                "Events handled by consumers, by queue and outcome "
                "(acked, retried, rejected_malformed).", ("queue", "outcome"))


def dead_letters(part: str) -> Gauge:
    return _get(Gauge, f"educrm_{_clean(part)}_dead_letters",
                "Messages waiting in the service's dead-letter queues, by DLQ.", ("queue",))
