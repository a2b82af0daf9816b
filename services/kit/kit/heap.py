"""The garbage collector of a long-running server (an api process, the gateway).

Measured on the read path (`GET /v1/users/{id}` at 64 connections): with CPython's default
first-generation threshold (700 tracked objects), the gateway's collector ran about twice per
request (~10% of its CPU) because the objects of 64 requests in flight keep crossing the
threshold, and an api's full collections walked every object its imports made (~50 ms each,
a p99 cost). Requests' garbage is freed by reference counting, not by the collector, so:
- what start-up built (modules, routes, protobuf descriptors, SQLAlchemy metadata) is moved
  out of the collected generations (`gc.freeze`);
- the first generation is collected after `GEN0_THRESHOLD` net new objects (a few per
  second under load, each cheap).
"""
from __future__ import annotations

import gc

GEN0_THRESHOLD = 20_000


def settle_for_serving() -> None:
    """Call once the process has built what it serves with, before it serves."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
