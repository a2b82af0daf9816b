"""Audit records, published durably to RabbitMQ before the response leaves.

Why aiormq: it is the asyncio AMQP 0-9-1 protocol library that aio-pika is built on; with
publisher confirms each `basic_publish` returns once the broker confirmed (or returned)
that message, and many publishes can be in flight on one channel at once, so concurrent
requests never queue behind each other's confirms. We need nothing of aio-pika's robust
object layer beyond that, so we use aiormq directly (one connection, one channel, reconnect
on demand).

Messages: CloudEvents 1.0 structured JSON, persistent (delivery_mode=2), `mandatory` so that
an audit record with no queue to go to comes back as a failure instead of vanishing.

Group commit: one persistent, confirmed message per record cost the broker one quorum-queue
write and fsync each, which was the gateway's largest cost under load. Records of concurrent
requests are therefore collected and published as ONE message in CloudEvents batched mode
(`application/cloudevents-batch+json`: a JSON array of structured events, each with its own
id and type); every request waiting on that message is answered when the broker confirms it,
or all get 503 if it is nacked, returned or times out. When nothing is in flight the records
go out at once (a lone request waits for no timer); while a message is in flight, records
wait until its confirm arrives, at most `batch_window` seconds, or until `batch_max` records
are waiting, whichever comes first. A message with one record stays a plain structured event.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import aiormq
import orjson
from kit.events.envelope import BATCH_CONTENT_TYPE, CONTENT_TYPE, source_of
from pamqp import commands as spec

log = logging.getLogger(__name__)

AUDIT_EVENT_TYPE = "crm.gateway.audit.recorded.v1"


class AuditUnavailable(Exception):
    """The broker did not confirm an audit record: the request must not be served."""


_second: list[Any] = [None, ""]  # [whole second, its "YYYY-MM-DDTHH:MM:SS" text]


def utc_now() -> str:
    """Now as RFC 3339 UTC with milliseconds ("2026-01-02T03:04:05.678Z"); the text of the
    whole second is formatted once per second (this runs once per request)."""
    now = time.time()
    second = int(now)
    if second != _second[0]:
        _second[1] = dt.datetime.fromtimestamp(second, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _second[0] = second
    return f"{_second[1]}.{int((now - second) * 1000):03d}Z"


def audit_record(*, action: str, method: str, path: str, outcome: str, status_code: int,
                 correlation_id: str, client_address: str, user_agent: str,
                 actor_user_id: str = "", actor_username: str = "", target_type: str = "",
                 target_id: str = "", detail: dict[str, Any] | None = None,
                 phase: str = "request", intent_id: str = "") -> dict[str, Any]:
    """The `data` of an audit event; fields match identity's AuditEvent message. `phase`:
    `request` (the request's only record), or `intent`/`outcome` (a forwarded write)."""
    return {
        "id": str(uuid.uuid4()), "occurred_at": utc_now(), "source": "gateway",
        "actor_user_id": actor_user_id, "actor_username": actor_username, "action": action,
        "method": method, "path": path, "target_type": target_type, "target_id": target_id,
        "outcome": outcome, "status_code": status_code, "client_address": client_address,
        "user_agent": user_agent[:256], "correlation_id": correlation_id,
        "detail": detail or {}, "phase": phase, "intent_id": intent_id or None,
    }


_SOURCE = source_of("gateway")
# Sorted keys, compact, UTF-8: the bytes json.dumps(sort_keys=True, separators=(",", ":"),
# ensure_ascii=False).encode() gives (kit's envelope format), several times faster.
_OPTIONS = orjson.OPT_SORT_KEYS


def cloud_event_json(record: dict[str, Any]) -> bytes:
    """The record in kit's CloudEvents 1.0 structured envelope (subject = record id, as the
    catalogue says; the event id is the record id, so identity's inbox dedupes redeliveries).

    Byte for byte what `make_envelope(...).to_json()` gives (sorted keys, compact), built
    without the intermediate dataclass: it runs once per request."""
    return orjson.dumps({
        "correlationid": record["correlation_id"], "data": record,
        "datacontenttype": "application/json", "id": record["id"], "source": _SOURCE,
        "specversion": "1.0", "subject": record["id"], "time": record["occurred_at"],
        "type": AUDIT_EVENT_TYPE,
    }, option=_OPTIONS)


@dataclass
class _Waiting:
    """Records collected for the next message, and the requests waiting on them."""

    bodies: list[bytes] = field(default_factory=list)
    futures: list[asyncio.Future[None]] = field(default_factory=list)
    first: dict[str, Any] | None = None   # the first record (message properties of a single)


class AuditPublisher:
    def __init__(self, amqp_uri: str, *, exchange: str = "gateway.events",
                 routing_key: str = AUDIT_EVENT_TYPE, timeout: float = 5.0,
                 mandatory: bool = True, batch_window: float = 0.002,
                 batch_max: int = 128, metrics: Any = None) -> None:
        self._uri = amqp_uri
        self._exchange = exchange
        self._routing_key = routing_key
        self._timeout = timeout
        self._mandatory = mandatory
        self._batch_window = batch_window
        self._batch_max = max(1, batch_max)
        self._connection: aiormq.abc.AbstractConnection | None = None
        self._channel: aiormq.abc.AbstractChannel | None = None
        self._connect_lock = asyncio.Lock()
        self._waiting = _Waiting()
        self._in_flight = 0                   # messages published, confirm not yet in
        self._flush_handle: asyncio.Handle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.messages_published = 0           # for tests and the bench: records per message
        self.records_published = 0
        # GatewayMetrics (records per message, publish latency); the app sets it if absent.
        self.metrics = metrics

    @property
    def connected(self) -> bool:
        return (self._connection is not None and not self._connection.is_closed
                and self._channel is not None and not self._channel.is_closed)

    async def start(self) -> None:
        """Connect now; a broker that is down is not fatal (requests get 503 until it's up)."""
        try:
            await self.ensure_ready()
        except AuditUnavailable:
            log.warning("audit broker unreachable at start; requests will get 503")

    async def ensure_ready(self) -> None:
        if self.connected:
            return
        async with self._connect_lock:
            if self.connected:
                return
            await self._close_quietly()
            try:
                async with asyncio.timeout(self._timeout):
                    self._connection = await aiormq.connect(self._uri)
                    self._channel = await self._connection.channel(publisher_confirms=True)
                    # Idempotent; `educrm-bus declare` declares the same exchange ahead.
                    await self._channel.exchange_declare(self._exchange, exchange_type="topic",
                                                         durable=True)
            except (TimeoutError, OSError, aiormq.exceptions.AMQPError) as error:
                await self._close_quietly()
                raise AuditUnavailable(f"broker unavailable: {error!r}") from error

    async def publish(self, records: Iterable[dict[str, Any]]) -> None:
        """Wait until the broker confirmed the message carrying these records (all in the
        same message); raise AuditUnavailable if it did not."""
        if not self.connected:
            await self.ensure_ready()
        records = list(records)
        if not records:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiting = self._waiting
        if waiting.first is None:
            waiting.first = records[0]
        waiting.bodies.extend(cloud_event_json(r) for r in records)
        waiting.futures.append(future)
        self._schedule()
        # No per-request timer: the message's publish is bounded by the timeout, and each
        # message has one backstop timer for all its requests (see _flush). A request that
        # is cancelled cancels only its own future.
        await future

    def _schedule(self) -> None:
        if len(self._waiting.bodies) >= self._batch_max or self._in_flight == 0:
            # Full, or nothing in flight: go now (after the current callbacks, so records of
            # requests finishing in the same loop turn still share the message).
            if self._flush_handle is not None:
                self._flush_handle.cancel()
            self._flush_handle = asyncio.get_running_loop().call_soon(self._flush)
        elif self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(
                self._batch_window, self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        waiting, self._waiting = self._waiting, _Waiting()
        if not waiting.futures:
            return
        self._in_flight += 1
        loop = asyncio.get_running_loop()
        task = loop.create_task(self._send(waiting))
        self._tasks.add(task)
        # Backstop (the publish itself is bounded by the timeout): fail the message's
        # requests if it somehow never settles.
        backstop = loop.call_later(self._timeout + 1.0, self._expire, waiting.futures)
        task.add_done_callback(lambda done: self._sent(done, backstop))

    @staticmethod
    def _expire(futures: list[asyncio.Future[None]]) -> None:
        error = AuditUnavailable("audit record not confirmed in time")
        for future in futures:
            if not future.done():
                future.set_exception(error)

    def _sent(self, task: asyncio.Task[None], backstop: asyncio.TimerHandle) -> None:
        backstop.cancel()
        self._tasks.discard(task)
        self._in_flight -= 1
        # Whatever gathered while that message was in flight goes now.
        if self._waiting.futures and self._in_flight == 0:
            if self._flush_handle is not None:
                self._flush_handle.cancel()
            self._flush_handle = asyncio.get_running_loop().call_soon(self._flush)

    async def _send(self, waiting: _Waiting) -> None:
        error: BaseException | None = None
        try:
            await self.ensure_ready()
            channel = self._channel
            assert channel is not None
            async with asyncio.timeout(self._timeout):
                await self._publish_message(channel, waiting)
        except AuditUnavailable as failure:
            error = failure
        except (TimeoutError, OSError, aiormq.exceptions.AMQPError, RuntimeError) as failure:
            error = AuditUnavailable(f"audit record not confirmed: {failure!r}")
        except BaseException as failure:  # noqa: BLE001 - never leave a request hanging
            error = AuditUnavailable(f"audit publish failed: {failure!r}")
            for future in waiting.futures:
                if not future.done():
                    future.set_exception(error)
            raise
        for future in waiting.futures:
            if future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

    async def _publish_message(self, channel: aiormq.abc.AbstractChannel,
                               waiting: _Waiting) -> None:
        bodies = waiting.bodies
        started = time.perf_counter()
        if len(bodies) == 1 and waiting.first is not None:
            body, content_type = bodies[0], CONTENT_TYPE
            message_id, correlation_id = waiting.first["id"], waiting.first["correlation_id"]
        else:
            body, content_type = b"[" + b",".join(bodies) + b"]", BATCH_CONTENT_TYPE
            message_id, correlation_id = str(uuid.uuid4()), None
        confirmation = await channel.basic_publish(
            body, exchange=self._exchange, routing_key=self._routing_key,
            mandatory=self._mandatory,
            properties=spec.Basic.Properties(
                delivery_mode=2, content_type=content_type, message_id=message_id,
                message_type=AUDIT_EVENT_TYPE, correlation_id=correlation_id,
                app_id="educrm-gateway"))
        if not isinstance(confirmation, spec.Basic.Ack):
            raise AuditUnavailable(f"broker did not ack the audit record: {confirmation!r}")
        self.messages_published += 1
        self.records_published += len(bodies)
        if self.metrics is not None:
            self.metrics.audit_records_per_message.observe(len(bodies))
            self.metrics.audit_publish_duration.observe(time.perf_counter() - started)

    async def _close_quietly(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and not connection.is_closed:
            try:
                await connection.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken connection may fail too
                pass

    async def close(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush()  # what is waiting still goes out
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._close_quietly()
