"""Publishing a batch of messages and waiting for all their confirms together.

One persistent message and one confirm round trip per outbox row made the relay wait a
broker round trip (and, for a quorum queue, an fsync) per event. Here a whole batch is written
to one confirm-mode channel back to back, then the broker's acks (`multiple` acks included),
nacks and returns are collected for all of it at once: one wait per batch. Order is the
channel's order: RabbitMQ routes the messages of one channel in the order they were sent.

Every message is published `mandatory`: a message that no queue receives comes back
(basic.return, which RabbitMQ sends before that message's ack), so the caller can tell
"stored in a queue" from "accepted and dropped" (kit.events.relay decides what a return means).

py-amqp (kombu's transport, already the relay's library) is used directly: kombu's producer
with `confirm_publish` waits for each message's confirm before sending the next.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence

import amqp
from kombu import Connection

from kit.events.envelope import CONTENT_TYPE

_log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Outgoing:
    message_id: str       # the event id (unique in a batch)
    event_type: str
    exchange: str
    routing_key: str
    body: str | bytes


@dataclasses.dataclass
class Outcome:
    """What the broker said about one message of a batch."""

    acked: bool = False
    nacked: bool = False
    returned: str | None = None   # reply text of a basic.return (e.g. "NO_ROUTE")
    error: str | None = None      # not confirmed: the channel or connection failed first

    @property
    def confirmed(self) -> bool:
        return self.acked or self.nacked


class PublishInterrupted(Exception):
    """The connection failed or the confirms did not arrive in time: the unconfirmed messages
    of the batch may or may not be in the broker (publishing them again is safe: consumers
    deduplicate by event id)."""


class BatchPublisher:
    def __init__(self, amqp_uri: str, *, confirm_timeout: float = 10.0,
                 connect_timeout: float = 5.0) -> None:
        self.amqp_uri = amqp_uri
        self.confirm_timeout = confirm_timeout
        self.connect_timeout = connect_timeout
        self._connection: Connection | None = None
        self._channel = None
        self._declared: set[str] = set()
        self._next_tag = 1
        self._outcomes: dict[int, Outcome] = {}
        self._by_message_id: dict[str, Outcome] = {}

    # -- connection ------------------------------------------------------------------------
    @property
    def connection(self) -> Connection:
        """The kombu connection (opened on first use), also for the caller's side channels."""
        self._ensure_channel()
        assert self._connection is not None
        return self._connection

    def _ensure_channel(self):
        if self._channel is None:
            connection = Connection(self.amqp_uri, heartbeat=0,
                                    connect_timeout=self.connect_timeout)
            connection.ensure_connection(max_retries=1)
            try:
                channel = connection.connection.channel()
                channel.confirm_select()
                channel.events["basic_ack"].add(self._on_ack)
                channel.events["basic_nack"].add(self._on_nack)
                channel.events["basic_return"].add(self._on_return)
            except Exception:
                connection.release()
                raise
            self._connection, self._channel = connection, channel
            self._declared, self._next_tag = set(), 1
        return self._channel

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception as exc:  # noqa: BLE001 - closing a broken connection
                _log.debug("closing publisher connection: %r", exc)

    # -- confirms --------------------------------------------------------------------------
    def _settle(self, delivery_tag: int, multiple: bool, acked: bool) -> None:
        tags = ([t for t in self._outcomes if t <= delivery_tag] if multiple
                else [delivery_tag] if delivery_tag in self._outcomes else [])
        for tag in tags:
            outcome = self._outcomes.pop(tag)
            outcome.acked, outcome.nacked = acked, not acked

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, True)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, False)

    def _on_return(self, exc, exchange, routing_key, message) -> None:
        message_id = (message.properties or {}).get("message_id")
        outcome = self._by_message_id.get(message_id)
        if outcome is not None:
            outcome.returned = getattr(exc, "reply_text", None) or str(exc)

    # -- publishing ------------------------------------------------------------------------
    def publish_batch(self, messages: Sequence[Outgoing]) -> list[Outcome]:
        """Publish `messages` in order (persistent, mandatory) and wait for their confirms.

        Returns one Outcome per message. A channel error (say a message the broker refuses)
        ends the batch: that message and the rest come back unconfirmed with the error, and
        the channel is reopened on the next call. A lost connection or a confirm timeout
        raises PublishInterrupted after the outcomes gathered so far are set on
        `self.last_outcomes`.
        """
        outcomes = [Outcome() for _ in messages]
        self.last_outcomes = outcomes
        if not messages:
            return outcomes
        channel = self._ensure_channel()
        self._outcomes = {}
        self._by_message_id = {m.message_id: o for m, o in zip(messages, outcomes, strict=True)}
        try:
            for message, outcome in zip(messages, outcomes, strict=True):
                if message.exchange not in self._declared:
                    channel.exchange_declare(message.exchange, "topic", durable=True,
                                             auto_delete=False)
                    self._declared.add(message.exchange)
                body = message.body.encode() if isinstance(message.body, str) else message.body
                channel.basic_publish(
                    amqp.Message(body, content_type=CONTENT_TYPE, content_encoding="utf-8",
                                 delivery_mode=2, message_id=message.message_id,
                                 type=message.event_type),
                    exchange=message.exchange, routing_key=message.routing_key, mandatory=True)
                self._outcomes[self._next_tag] = outcome
                self._next_tag += 1
            deadline = time.monotonic() + self.confirm_timeout
            while self._outcomes:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("publisher confirms did not arrive in time")
                self._connection.connection.drain_events(timeout=remaining)
        except amqp.ChannelError as exc:
            # The broker closed the channel (e.g. refused a message): reopen next time.
            for outcome in outcomes:
                if not outcome.confirmed:
                    outcome.error = repr(exc)
            self.close()
        except (TimeoutError, OSError, *self._connection_errors()) as exc:
            for outcome in outcomes:
                if not outcome.confirmed:
                    outcome.error = repr(exc)
            self.close()
            raise PublishInterrupted(repr(exc)) from exc
        finally:
            self._outcomes, self._by_message_id = {}, {}
        return outcomes

    def _connection_errors(self) -> tuple[type[BaseException], ...]:
        connection = self._connection
        return tuple(connection.connection_errors) if connection is not None else ()
