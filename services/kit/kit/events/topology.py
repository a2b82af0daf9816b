"""The bus topology, derived from the catalogue: exchanges, quorum queues, DLX and DLQs.

- `<producer>.events`: topic, durable (nameko's naming); routing key = event type.
- `<consumer>.<handler>`: a quorum queue per consumer handler, bound to each type it consumes,
  with a delivery limit and dead-lettering (at-least-once) to `<consumer>.dlx` (direct) under
  routing key = the queue's name, which feeds `<consumer>.<handler>.dlq` (quorum).

`educrm-bus declare` declares all of it ahead of any publisher; the consumer entrypoint
declares its own part again with identical arguments (idempotent) so a worker also heals a
fresh broker. Quorum queue arguments can never change after creation: see `declare`.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from typing import Any

from kit.events.catalogue import REGISTRY, Registry, exchange_name, queue_name

_log = logging.getLogger(__name__)

DEFAULT_DELIVERY_LIMIT = 5


def dead_letter_exchange(service: str) -> str:
    return f"{service}.dlx"


def dead_letter_queue(queue: str) -> str:
    return f"{queue}.dlq"


def queue_arguments(service: str, queue: str, delivery_limit: int) -> dict[str, Any]:
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": int(delivery_limit),
        "x-dead-letter-exchange": dead_letter_exchange(service),
        "x-dead-letter-routing-key": queue,
        # At-least-once dead-lettering (RabbitMQ >= 3.10) needs reject-publish overflow; the
        # default at-most-once could drop a dead letter if the DLQ were unavailable.
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


DLQ_ARGUMENTS: dict[str, Any] = {"x-queue-type": "quorum"}


@dataclasses.dataclass(frozen=True)
class QueueSpec:
    name: str
    service: str
    arguments: dict[str, Any]
    bindings: tuple[tuple[str, str], ...]  # (exchange, routing key)


@dataclasses.dataclass(frozen=True)
class Topology:
    exchanges: tuple[tuple[str, str], ...]  # (name, type)
    queues: tuple[QueueSpec, ...]

    def queue(self, name: str) -> QueueSpec:
        for spec in self.queues:
            if spec.name == name:
                return spec
        raise KeyError(name)


def consumer_topology(service: str, handler: str, event_types: Iterable[str],
                      delivery_limit: int = DEFAULT_DELIVERY_LIMIT) -> Topology:
    """One consumer's part: its queue + bindings, its service's DLX and its DLQ."""
    queue = queue_name(service, handler)
    event_types = sorted(set(event_types))
    exchanges = {(exchange_name(t.split(".")[1]), "topic") for t in event_types}
    exchanges.add((dead_letter_exchange(service), "direct"))
    return Topology(
        exchanges=tuple(sorted(exchanges)),
        queues=(
            QueueSpec(queue, service, queue_arguments(service, queue, delivery_limit),
                      tuple((exchange_name(t.split(".")[1]), t) for t in event_types)),
            QueueSpec(dead_letter_queue(queue), service, dict(DLQ_ARGUMENTS),
                      ((dead_letter_exchange(service), queue),)),
        ),
    )


def build_topology(registry: Registry = REGISTRY,
                   delivery_limit: int = DEFAULT_DELIVERY_LIMIT) -> Topology:
    """Everything the catalogue implies: every producer's exchange, every consumer's queues."""
    exchanges = {(exchange_name(p), "topic") for p in registry.producers()}
    queues: list[QueueSpec] = []
    for _queue, subscriptions in sorted(registry.queues().items()):
        first = subscriptions[0]
        part = consumer_topology(first.service, first.handler,
                                 [s.event_type for s in subscriptions], delivery_limit)
        exchanges.update(part.exchanges)
        queues.extend(part.queues)
    return Topology(tuple(sorted(exchanges)), tuple(queues))


# --- declaring with pika (the CLI) ------------------------------------------------------------

@dataclasses.dataclass
class DeclareReport:
    declared: list[str] = dataclasses.field(default_factory=list)
    conflicts: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts


CONFLICT_HELP = (
    "RabbitMQ refuses to redeclare a queue with different arguments, and a quorum queue's "
    "arguments can never change. Either keep the old value (set EDUCRM_DELIVERY_LIMIT to "
    "match), or move the consumers away, drain the queue (and its DLQ), delete it and run "
    "`educrm-bus declare` again. (A policy cannot override an argument the queue was "
    "created with.)"
)


def declare(connection, topology: Topology) -> DeclareReport:
    """Declare `topology` on a pika BlockingConnection; idempotent; reports conflicts."""
    import pika.exceptions

    report = DeclareReport()
    channel = connection.channel()

    def attempt(label: str, action) -> None:
        nonlocal channel
        try:
            action(channel)
            report.declared.append(label)
        except pika.exceptions.ChannelClosedByBroker as exc:
            # 406 PRECONDITION_FAILED "inequivalent arg ..." closes the channel: reopen, go on.
            report.conflicts.append(f"{label}: {exc.reply_code} {exc.reply_text}")
            channel = connection.channel()

    for name, kind in topology.exchanges:
        attempt(f"exchange {name} ({kind})", lambda ch, n=name, k=kind: ch.exchange_declare(
            n, exchange_type=k, durable=True))
    for spec in topology.queues:
        attempt(f"queue {spec.name}", lambda ch, s=spec: ch.queue_declare(
            s.name, durable=True, arguments=s.arguments))
        for exchange, routing_key in spec.bindings:
            attempt(f"binding {exchange} --{routing_key}--> {spec.name}",
                    lambda ch, s=spec, e=exchange, r=routing_key: ch.queue_bind(
                        s.name, e, routing_key=r))
    if channel.is_open:
        channel.close()
    return report


# --- kombu entities (the worker) -------------------------------------------------------------

def kombu_entities(topology: Topology) -> tuple[dict, dict]:
    """kombu Exchange and Queue objects for a topology: ({name: Exchange}, {name: Queue})."""
    from kombu import Exchange, Queue, binding

    exchanges = {name: Exchange(name, type=kind, durable=True) for name, kind in topology.exchanges}
    queues = {}
    for spec in topology.queues:
        queues[spec.name] = Queue(
            spec.name, durable=True, queue_arguments=spec.arguments,
            bindings=[binding(exchanges[e], routing_key=r) for e, r in spec.bindings])
    return exchanges, queues
