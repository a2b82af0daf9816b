"""Listing and replaying dead letters (the `educrm-bus dead-letters` commands), with pika.

A dead letter sits in `<queue>.dlq` with RabbitMQ's `x-death` header saying where it came
from (queue, exchange, routing keys) and why (delivery_limit, rejected).
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from typing import Any

import pika

from kit.events.topology import Topology, dead_letter_queue


@dataclasses.dataclass
class DeadLetter:
    dlq: str
    delivery_tag: int
    event_id: str | None
    event_type: str | None
    reason: str | None
    queue: str | None          # the consumer queue it died in
    exchange: str | None       # where it was originally published
    routing_key: str | None
    count: int
    died_at: Any
    properties: pika.BasicProperties
    body: bytes

    def summary(self) -> dict[str, Any]:
        return {"dlq": self.dlq, "event_id": self.event_id, "type": self.event_type,
                "reason": self.reason, "queue": self.queue, "exchange": self.exchange,
                "routing_key": self.routing_key, "count": self.count,
                "died_at": str(self.died_at) if self.died_at else None}


def dead_letter_queues(topology: Topology, queue: str | None = None) -> list[str]:
    """DLQ names, all or the one for `queue` (a consumer queue or a DLQ name)."""
    names = [q.name for q in topology.queues if q.name.endswith(".dlq")]
    if queue is None:
        return names
    wanted = queue if queue.endswith(".dlq") else dead_letter_queue(queue)
    return [wanted]


def _parse(dlq: str, method, properties, body: bytes) -> DeadLetter:
    try:
        document = json.loads(body)
        event_id, event_type = document.get("id"), document.get("type")
    except (ValueError, AttributeError):
        event_id = event_type = None
    deaths = (properties.headers or {}).get("x-death") or [{}]
    first = deaths[-1]  # the oldest entry is last: the original exchange and routing key
    latest = deaths[0]
    keys = first.get("routing-keys") or [None]
    return DeadLetter(
        dlq=dlq, delivery_tag=method.delivery_tag, event_id=event_id, event_type=event_type,
        reason=_text(latest.get("reason")), queue=_text(latest.get("queue")),
        exchange=_text(first.get("exchange")), routing_key=_text(keys[0]),
        count=int(sum(int(d.get("count", 1)) for d in deaths)), died_at=latest.get("time"),
        properties=properties, body=body)


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _browse(channel, dlq: str) -> Iterator[DeadLetter]:
    """Fetch every message of `dlq` unacked (they return to the queue if not acked)."""
    while True:
        method, properties, body = channel.basic_get(dlq, auto_ack=False)
        if method is None:
            return
        yield _parse(dlq, method, properties, body)


def list_dead_letters(connection: pika.BlockingConnection,
                      dlqs: Iterable[str]) -> list[DeadLetter]:
    found: list[DeadLetter] = []
    for dlq in dlqs:
        channel = connection.channel()
        try:
            found.extend(_browse(channel, dlq))
        finally:
            channel.close()  # unacked messages go back to the DLQ untouched
    return found


def replay_dead_letters(connection: pika.BlockingConnection, dlqs: Iterable[str], *,
                        event_ids: set[str] | None = None, to_queue: bool = False
                        ) -> list[DeadLetter]:
    """Republish matching dead letters, then remove them from the DLQ.

    Default target: the original exchange and routing key (every bound consumer sees the
    event again; our consumers' inboxes make that a no-op for those that applied it).
    `to_queue=True` sends it only to the consumer queue it died in (default exchange).
    Each message is acked only after the broker confirmed the republish: never lost.
    """
    replayed: list[DeadLetter] = []
    for dlq in dlqs:
        channel = connection.channel()
        channel.confirm_delivery()
        try:
            for letter in list(_browse(channel, dlq)):
                if event_ids is not None and letter.event_id not in event_ids:
                    continue
                headers = {k: v for k, v in (letter.properties.headers or {}).items()
                           if k not in ("x-death", "x-delivery-count", "x-first-death-exchange",
                                        "x-first-death-queue", "x-first-death-reason",
                                        "x-last-death-exchange", "x-last-death-queue",
                                        "x-last-death-reason")}
                headers["x-educrm-replayed"] = int(headers.get("x-educrm-replayed", 0)) + 1
                properties = pika.BasicProperties(
                    content_type=letter.properties.content_type,
                    content_encoding=letter.properties.content_encoding,
                    message_id=letter.properties.message_id, type=letter.properties.type,
                    delivery_mode=2, headers=headers)
                if to_queue or not letter.exchange:
                    exchange, routing_key = "", letter.queue
                else:
                    exchange, routing_key = letter.exchange, letter.routing_key
                if routing_key is None:
                    continue  # no x-death: not a dead letter we know how to route
                channel.basic_publish(exchange, routing_key, letter.body, properties,
                                      mandatory=True)
                channel.basic_ack(letter.delivery_tag)
                replayed.append(letter)
        finally:
            channel.close()
    return replayed
