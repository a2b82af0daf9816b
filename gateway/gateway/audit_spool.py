"""The outcome spool: audit outcome records of writes that the broker did not confirm.

A forwarded write has already happened, so its outcome record never turns the answer into an
error: if the broker does not confirm it, the record waits here and a background task
re-publishes it (group-committed like any record) with growing delays until the broker
confirms. The spool is bounded (records beyond `max_records` are dropped and counted) and is
flushed once more on shutdown.

It lives in memory: a gateway that crashes loses what is spooled. What survives is what
matters for the question "was it done?": the write's intent record was confirmed before
anything was forwarded (so the audit log always shows the request), and the service that
executed the write records its own audit entry in the same transaction as the change. An
intent without an outcome therefore reads "outcome not recorded by the gateway; see the
service's record with the same correlation id" (docs/decisions.md).
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable
from typing import Any

from .audit import AuditPublisher, AuditUnavailable
from .metrics import GatewayMetrics

log = logging.getLogger(__name__)


class OutcomeSpool:
    def __init__(self, publisher: AuditPublisher, metrics: GatewayMetrics, *,
                 max_records: int = 10_000, batch_max: int = 128,
                 retry_initial: float = 0.2, retry_max: float = 5.0) -> None:
        self._publisher = publisher
        self._metrics = metrics
        self._max = max(1, max_records)
        self._batch_max = max(1, batch_max)
        self._retry = (retry_initial, retry_max)
        self._records: deque[dict[str, Any]] = deque()
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._records)

    def add(self, records: Iterable[dict[str, Any]]) -> None:
        """Keep these records for a later publish (never raises, never waits)."""
        added = dropped = 0
        for record in records:
            if len(self._records) >= self._max:
                dropped += 1
                continue
            self._records.append(record)
            added += 1
        self._metrics.audit_outcomes_spooled.inc(added)
        if dropped:
            self._metrics.audit_outcomes_dropped.inc(dropped)
            log.error("audit outcome spool full (%d records): %d outcome records dropped",
                      self._max, dropped)
        self._metrics.audit_spool_records.set(len(self._records))
        if self._wakeup is not None:
            self._wakeup.set()

    def start(self) -> None:
        self._wakeup = asyncio.Event()
        if self._records:
            self._wakeup.set()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        assert self._wakeup is not None
        delay = self._retry[0]
        while True:
            await self._wakeup.wait()
            if not await self.publish_oldest():
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry[1])
                continue
            delay = self._retry[0]
            if not self._records:
                self._wakeup.clear()

    async def publish_oldest(self) -> bool:
        """Publish the oldest records (one message); False if the broker did not confirm."""
        batch = [self._records[i] for i in range(min(self._batch_max, len(self._records)))]
        if not batch:
            return True
        try:
            await self._publisher.publish(batch)
        except AuditUnavailable as error:
            log.warning("audit outcome spool: %d records still unconfirmed (%s)",
                        len(self._records), error)
            return False
        for _ in batch:  # only add() touches the deque meanwhile, and only appends
            self._records.popleft()
        self._metrics.audit_outcomes_republished.inc(len(batch))
        self._metrics.audit_spool_records.set(len(self._records))
        return True

    async def close(self, timeout: float = 5.0) -> None:
        """Stop retrying; one last attempt (bounded by `timeout`) for what is left."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        try:
            async with asyncio.timeout(timeout):
                while self._records and await self.publish_oldest():
                    pass
        except TimeoutError:
            pass
        if self._records:
            log.error("audit outcome spool: %d outcome records lost at shutdown "
                      "(their intents are recorded)", len(self._records))
            self._metrics.audit_outcomes_dropped.inc(len(self._records))
            self._records.clear()
            self._metrics.audit_spool_records.set(0)
