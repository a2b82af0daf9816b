"""Audit records, published durably to RabbitMQ before the response leaves.

Why aiormq: it is the asyncio AMQP 0-9-1 protocol library that aio-pika is built on; with
publisher confirms each `basic_publish` returns once the broker confirmed (or returned)
that message, and many publishes can be in flight on one channel at once, so concurrent
requests never queue behind each other's confirms. We need nothing of aio-pika's robust
object layer beyond that, so we use aiormq directly (one connection, one channel, reconnect
on demand).

Messages: CloudEvents 1.0 structured JSON, persistent (delivery_mode=2), `mandatory` so that
an audit record with no queue to go to comes back as a failure instead of vanishing.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import Any

import aiormq
from kit.events.envelope import CONTENT_TYPE, make_envelope
from pamqp import commands as spec

log = logging.getLogger(__name__)

AUDIT_EVENT_TYPE = "crm.gateway.audit.recorded.v1"


class AuditUnavailable(Exception):
    """The broker did not confirm an audit record: the request must not be served."""


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def audit_record(*, action: str, method: str, path: str, outcome: str, status_code: int,
                 correlation_id: str, client_address: str, user_agent: str,
                 actor_user_id: str = "", actor_username: str = "", target_type: str = "",
                 target_id: str = "", detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `data` of an audit event; fields match identity's AuditEvent message."""
    return {
        "id": str(uuid.uuid4()), "occurred_at": utc_now(), "source": "gateway",
        "actor_user_id": actor_user_id, "actor_username": actor_username, "action": action,
        "method": method, "path": path, "target_type": target_type, "target_id": target_id,
        "outcome": outcome, "status_code": status_code, "client_address": client_address,
        "user_agent": user_agent[:256], "correlation_id": correlation_id,
        "detail": detail or {},
    }


def cloud_event_json(record: dict[str, Any]) -> bytes:
    """The record in kit's CloudEvents 1.0 structured envelope (subject = record id, as the
    catalogue says; the event id is the record id, so identity's inbox dedupes redeliveries)."""
    envelope = make_envelope(AUDIT_EVENT_TYPE, record["id"], record, event_id=record["id"],
                             time=record["occurred_at"], correlation_id=record["correlation_id"])
    return envelope.to_json().encode()


class AuditPublisher:
    def __init__(self, amqp_uri: str, *, exchange: str = "gateway.events",
                 routing_key: str = AUDIT_EVENT_TYPE, timeout: float = 5.0,
                 mandatory: bool = True) -> None:
        self._uri = amqp_uri
        self._exchange = exchange
        self._routing_key = routing_key
        self._timeout = timeout
        self._mandatory = mandatory
        self._connection: aiormq.abc.AbstractConnection | None = None
        self._channel: aiormq.abc.AbstractChannel | None = None
        self._connect_lock = asyncio.Lock()

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
        """Publish and wait for every confirm; raise AuditUnavailable if any is missing."""
        await self.ensure_ready()
        channel = self._channel
        assert channel is not None
        try:
            async with asyncio.timeout(self._timeout):
                await asyncio.gather(*(self._publish_one(channel, r) for r in records))
        except (TimeoutError, OSError, aiormq.exceptions.AMQPError, RuntimeError) as error:
            raise AuditUnavailable(f"audit record not confirmed: {error!r}") from error

    async def _publish_one(self, channel: aiormq.abc.AbstractChannel,
                           record: dict[str, Any]) -> None:
        body = cloud_event_json(record)
        confirmation = await channel.basic_publish(
            body, exchange=self._exchange, routing_key=self._routing_key,
            mandatory=self._mandatory,
            properties=spec.Basic.Properties(
                delivery_mode=2, content_type=CONTENT_TYPE,
                message_id=record["id"], message_type=AUDIT_EVENT_TYPE,
                correlation_id=record["correlation_id"], app_id="educrm-gateway"))
        if not isinstance(confirmation, spec.Basic.Ack):
            raise AuditUnavailable(f"broker did not ack the audit record: {confirmation!r}")

    async def _close_quietly(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and not connection.is_closed:
            try:
                await connection.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken connection may fail too
                pass

    async def close(self) -> None:
        await self._close_quietly()
