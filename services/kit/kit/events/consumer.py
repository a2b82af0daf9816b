"""`@event_consumer(type)`: a nameko entrypoint on a pre-declared quorum queue.

    class SchedulingWorker:
        name = "scheduling"

        @event_consumer("crm.enrollment.enrollment.confirmed.v1")
        def place_student(self, event: Envelope) -> None:
            with self.db.session() as session:
                if not claim_event(session, event):
                    return
                ...

The handler's queue is `<service>.<method>` and must be subscribed in the catalogue.

What it fixes in nameko's EventHandler (measured, see tests/bus):
- a handler that raises is NOT acked: after a short, growing delay the message is rejected
  with requeue, so the quorum queue counts the delivery (x-delivery-count) and dead-letters it
  to `<service>.dlx` -> `<queue>.dlq` once the delivery limit is reached;
- the delay is applied in the consumer (a sleeping greenthread holding the unacked message),
  not by a retry exchange: the broker's own delivery count stays the single source of truth
  (it also counts crashes and lost connections), no extra queues per consumer, and a failing
  message can never spin in a hot loop;
- a body that is not a valid CloudEvent of the expected type is dead-lettered at once (nameko
  would ack a body it can't decode and drop it);
- a body in CloudEvents batched mode (`application/cloudevents-batch+json`, a JSON array of
  structured events) is accepted: every event is validated first (one bad event dead-letters
  the whole message), then the handler runs once per event, in order, inside the one
  delivery; the message is acked only after all succeeded, and any failure retries the whole
  message (events already applied are no-ops thanks to the inbox, keyed by each event's id);
- the queue is a durable quorum queue declared ahead of time (and redeclared identically on
  every connect), so events published before the worker ever started wait for it;
- stop is graceful and complete: new deliveries go straight back to the queue, messages
  waiting out a retry delay are requeued at once, handlers in flight finish and get acked
  (up to EDUCRM_CONSUMER_STOP_TIMEOUT seconds), then the kombu consume loop is told to stop
  and waited for. (nameko's Consumer.stop only sets a flag, so the container ended up
  killing the still-draining loop: "killing managed thread `run`".)
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import eventlet
from amqp.exceptions import ConnectionError as AMQPConnectionError
from eventlet.event import Event
from kombu import Connection
from nameko import config
from nameko.amqp.consume import Consumer as ConsumerCore
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer

from kit.caller import correlation_id
from kit.events import metrics
from kit.events.catalogue import REGISTRY, queue_name
from kit.events.context import current_consumer
from kit.events.envelope import Envelope, EnvelopeError, parse_events
from kit.events.topology import DEFAULT_DELIVERY_LIMIT, consumer_topology, kombu_entities

_log = logging.getLogger(__name__)

DELIVERY_LIMIT_KEY = "EDUCRM_DELIVERY_LIMIT"
RETRY_BACKOFF_KEY = "EDUCRM_RETRY_BACKOFF"          # first delay, seconds
RETRY_BACKOFF_MAX_KEY = "EDUCRM_RETRY_BACKOFF_MAX"  # cap, seconds
DEFAULT_RETRY_BACKOFF = 0.5
DEFAULT_RETRY_BACKOFF_MAX = 30.0
STOP_TIMEOUT_KEY = "EDUCRM_CONSUMER_STOP_TIMEOUT"  # wait for handlers in flight, seconds
DEFAULT_STOP_TIMEOUT = 30.0
# How often the consume loop looks at its stop flag while no message arrives (kombu's
# default is 1 s; shorter makes a stop quick and costs nothing measurable).
CONSUME_POLL_INTERVAL = 0.25
# A batch handler (`batch=True`) gets the events of every delivery already received, up to
# this many events, in one call (one transaction); and its queue lets the broker have this
# many messages unacked, so whole batches are there to take (measured, bench/bus).
BATCH_MAX_EVENTS_KEY = "EDUCRM_CONSUMER_BATCH_MAX_EVENTS"
DEFAULT_BATCH_MAX_EVENTS = 1000
BATCH_PREFETCH_KEY = "EDUCRM_CONSUMER_BATCH_PREFETCH"
DEFAULT_BATCH_PREFETCH = 200


class ConfigurationError(Exception):
    pass


class EventBatch(tuple):
    """The events of one batched-mode message (or, for a batch handler, of several
    deliveries), handed to the entrypoint as one argument; the `event_consumer` wrapper
    calls a plain handler once per event."""


class _Deliveries(list):
    """The messages whose events one handler call applies: settled together."""


def retry_delay(delivery_count: int, base: float, cap: float) -> float:
    """Exponential: base, 2*base, 4*base ... capped. delivery_count = earlier failed attempts."""
    return min(cap, base * (2 ** max(0, delivery_count)))


class _RawQuorumConsumer(ConsumerCore):
    """nameko's kombu consumer, but handing over raw messages (we parse the envelope) and
    never acking what it cannot decode."""

    accepting = True  # False while stopping: deliveries go straight back to the queue

    def get_consumers(self, consumer_cls, channel):
        consumer = consumer_cls(queues=self.queues, on_message=self._on_raw_message,
                                **self.consumer_options)
        consumer.qos(prefetch_count=self.prefetch_count)
        return [consumer]

    def _on_raw_message(self, message):
        if self.should_stop or not self.accepting:
            self.requeue_message(message)
            return
        for callback in self.callbacks:
            callback(message.body, message)

    def on_decode_error(self, message, exc):  # pragma: no cover - raw mode never decodes
        message.reject(requeue=False)

    # nameko only swallows amqp's ConnectionError here; an ack on a socket the broker just
    # reset raises ConnectionResetError instead, which kills the container and the process
    # (measured: ARCHITECTURE §3 claim 3). An ack/reject that can't reach the broker is
    # harmless: the broker redelivers the unacked message on the new connection and the
    # inbox turns the redelivery into a no-op.
    def _settle(self, message, action: str, settle: Callable[[], None]) -> None:
        if not message.channel.connection:
            return
        try:
            settle()
        except (AMQPConnectionError, OSError, *self.connection_errors) as exc:
            _log.warning("could not %s message (connection lost; it will be redelivered): %r",
                         action, exc)

    def ack_message(self, message) -> None:
        self._settle(message, "ack", message.ack)

    def requeue_message(self, message) -> None:
        self._settle(message, "requeue", message.requeue)

    def reject_message(self, message) -> None:
        self._settle(message, "dead-letter", lambda: message.reject(requeue=False))


class EventConsumer(Consumer):
    consumer_cls = _RawQuorumConsumer

    def __init__(self, event_type: str, batch: bool = False, **kwargs) -> None:
        self.event_type = event_type
        self.batch = batch
        self._pending: list[tuple[list[Envelope], object]] = []  # batch: received, not handed
        self._pending_events = 0
        self._flush_scheduled = False
        self.queue_name: str | None = None
        self._in_flight = 0          # messages received and not yet settled
        self._drained: Event | None = None
        self._stopping = Event()     # wakes messages waiting out a retry delay
        self._consume_thread = None
        super().__init__(queue=None, requeue_on_error=True, **kwargs)

    def setup(self) -> None:
        service = self.container.service_name
        self.queue_name = queue_name(service, self.method_name)
        REGISTRY.get(self.event_type)
        subscribed = {s.event_type for s in REGISTRY.subscriptions(service=service)
                      if s.handler == self.method_name}
        if self.event_type not in subscribed:
            raise ConfigurationError(
                f"{service}.{self.method_name} consumes {self.event_type} but the catalogue "
                f"has no subscription: add subscribe({service!r}, {self.method_name!r}, "
                f"{self.event_type!r}) to contracts/events/{service}.py")
        self.delivery_limit = int(config.get(DELIVERY_LIMIT_KEY, DEFAULT_DELIVERY_LIMIT))
        self.backoff = float(config.get(RETRY_BACKOFF_KEY, DEFAULT_RETRY_BACKOFF))
        self.backoff_max = float(config.get(RETRY_BACKOFF_MAX_KEY, DEFAULT_RETRY_BACKOFF_MAX))
        topology = consumer_topology(service, self.method_name, sorted(subscribed),
                                     self.delivery_limit)
        exchanges, queues = kombu_entities(topology)
        # Declare this consumer's exchanges, DLQ and queue now (same arguments as
        # `educrm-bus declare`); kombu redeclares the queue on every reconnect.
        with Connection(self.amqp_uri) as connection:
            connection.ensure_connection(max_retries=10, interval_max=2)
            channel = connection.channel()
            for exchange in exchanges.values():
                exchange(channel).declare()
            for queue in queues.values():
                queue(channel).declare()
        self.queue = queues[self.queue_name]
        self.handled = metrics.events_handled(service)
        self.stop_timeout = float(config.get(STOP_TIMEOUT_KEY, DEFAULT_STOP_TIMEOUT))
        self.batch_max_events = int(config.get(BATCH_MAX_EVENTS_KEY, DEFAULT_BATCH_MAX_EVENTS))
        if self.batch:
            self.consumer_options.setdefault("prefetch_count", max(
                int(config.get("PREFETCH_COUNT", 10)),
                int(config.get(BATCH_PREFETCH_KEY, DEFAULT_BATCH_PREFETCH))))
        super().setup()

    def start(self) -> None:
        self._consume_thread = self.container.spawn_managed_thread(
            functools.partial(self.consumer.run, safety_interval=CONSUME_POLL_INTERVAL),
            identifier=f"EventConsumer.consume[{self.queue_name}]")
        self.consumer.wait_until_consumer_ready()

    def stop(self) -> None:
        self.consumer.accepting = False
        if not self._stopping.ready():
            self._stopping.send()
        if self._in_flight:
            self._drained = Event()
            with eventlet.Timeout(self.stop_timeout, False):
                self._drained.wait()
            if self._in_flight:
                _log.warning("%s: %d message(s) still in flight after %.0fs; the broker "
                             "redelivers them", self.queue_name, self._in_flight,
                             self.stop_timeout)
        self.consumer.stop()
        if self._consume_thread is not None:
            with eventlet.Timeout(CONSUME_POLL_INTERVAL * 20 + 5, False):
                self._consume_thread.wait()
            self._consume_thread = None

    def _settled(self) -> None:
        self._in_flight -= 1
        if self._in_flight <= 0 and self._drained is not None and not self._drained.ready():
            self._drained.send()

    def handle_message(self, body, message) -> None:
        try:
            envelopes = parse_events(body)
            expected = {s.event_type for s in REGISTRY.subscriptions(
                service=self.container.service_name) if s.handler == self.method_name}
            for envelope in envelopes:
                if envelope.type not in expected:
                    raise EnvelopeError(f"unexpected type {envelope.type} on {self.queue_name}")
                REGISTRY.validate_envelope(envelope)
        except EnvelopeError as exc:
            # Can never succeed: dead-letter at once instead of burning the delivery limit.
            _log.error("dead-lettering malformed message on %s: %s", self.queue_name, exc)
            self.handled.labels(self.queue_name, "rejected_malformed").inc()
            self.consumer.reject_message(message)
            return

        self._in_flight += 1
        if self.batch and not _delivery_count(message):
            self._collect(envelopes, message)
            return
        # A plain handler, or a redelivery (it may be the one that failed a batch: alone, it
        # fails alone and reaches its delivery limit without taking good messages with it).
        self._dispatch(envelopes, message)

    def _collect(self, envelopes: list[Envelope], message) -> None:
        """Batch handler: gather this delivery with the others already received. The flush
        runs once the consume loop yields, i.e. when it has read every delivery waiting on
        the socket (or at once when the batch is full). Messages are never split."""
        if self._pending and self._pending_events + len(envelopes) > self.batch_max_events:
            self._flush()  # a call holds at most batch_max_events (or one bigger message)
        self._pending.append((envelopes, message))
        self._pending_events += len(envelopes)
        if self._pending_events >= self.batch_max_events:
            self._flush()
        elif not self._flush_scheduled:
            self._flush_scheduled = True
            self.container.spawn_managed_thread(
                self._flush, identifier=f"EventConsumer.flush_batch[{self.queue_name}]")

    def _flush(self) -> None:
        self._flush_scheduled = False
        pending, self._pending, self._pending_events = self._pending, [], 0
        if pending:
            self._dispatch([e for envelopes, _ in pending for e in envelopes],
                           _Deliveries(message for _, message in pending))

    def _dispatch(self, envelopes: list[Envelope], message) -> None:
        envelope = envelopes[0]
        argument = envelope if len(envelopes) == 1 else EventBatch(envelopes)
        context_data = {"correlation_id": envelope.correlationid, "event_id": envelope.id}
        messages = message if isinstance(message, _Deliveries) else [message]

        def spawn_worker() -> None:
            try:
                self.container.spawn_worker(
                    self, (argument,), {}, context_data=context_data,
                    handle_result=functools.partial(self.handle_result, message))
            except ContainerBeingKilled:
                for each in messages:
                    self.consumer.requeue_message(each)
                    self._settled()

        # Like nameko: don't block the AMQP consumer greenthread while the pool is full.
        self.container.spawn_managed_thread(
            spawn_worker, identifier=f"EventConsumer.wait_for_worker_pool[{self.queue_name}]")

    def handle_message_processed(self, message, result=None, exc_info=None) -> None:
        messages = message if isinstance(message, _Deliveries) else [message]
        if exc_info is None:
            self.handled.labels(self.queue_name, "acked").inc(len(messages))
            for each in messages:
                self.consumer.ack_message(each)
                self._settled()
            return
        attempts = max(_delivery_count(each) for each in messages)
        delay = retry_delay(attempts, self.backoff, self.backoff_max)
        _log.warning("handler %s failed (delivery %d of limit %d, %d message(s)): %s; "
                     "requeue in %.2fs", self.queue_name, attempts + 1, self.delivery_limit,
                     len(messages), exc_info[1], delay)
        self.handled.labels(self.queue_name, "retried").inc(len(messages))

        def requeue_later() -> None:
            self._stopping.wait(delay)  # a stop requeues at once
            for each in messages:
                self.consumer.requeue_message(each)
                self._settled()

        self.container.spawn_managed_thread(
            requeue_later, identifier=f"EventConsumer.requeue_later[{self.queue_name}]")


def _delivery_count(message) -> int:
    """Earlier failed deliveries of `message` (the quorum queue's x-delivery-count)."""
    return int((message.headers or {}).get("x-delivery-count", 0) or 0)


def event_consumer(event_type: str, *, batch: bool = False, **kwargs) -> Callable:
    """Decorate a worker method as the consumer of `event_type` (see module doc).

    With `batch=True` the method gets the events of every delivery received so far (up to
    EDUCRM_CONSUMER_BATCH_MAX_EVENTS; several messages, plain or batched, with a prefetch of
    EDUCRM_CONSUMER_BATCH_PREFETCH) as one list, so it can apply them in one transaction; it
    claims them in the inbox itself (kit.events.inbox.claim_events). The messages are acked
    together after it returns; a failure requeues them all, and a redelivered message is
    then handled alone, so a poisoned message reaches its delivery limit by itself.
    """

    def decorate(method: Callable) -> Callable:
        if batch:
            @functools.wraps(method)
            def with_batch_context(self, event: Envelope | EventBatch, *args, **kw):
                events = list(event) if isinstance(event, EventBatch) else [event]
                first = events[0]
                tokens = (correlation_id.set(first.correlationid or first.id),
                          current_consumer.set(queue_name(self.name, method.__name__)))
                try:
                    return method(self, events, *args, **kw)
                finally:
                    current_consumer.reset(tokens[1])
                    correlation_id.reset(tokens[0])

            return EventConsumer.decorator(event_type, batch=True, **kwargs)(with_batch_context)

        def one(self, event: Envelope, *args, **kw):
            # Runs in the worker greenthread: the handler's logs, outgoing events and inbox
            # see this event's correlation id and consumer name.
            tokens = (correlation_id.set(event.correlationid or event.id),
                      current_consumer.set(queue_name(self.name, method.__name__)))
            try:
                return method(self, event, *args, **kw)
            finally:
                current_consumer.reset(tokens[1])
                correlation_id.reset(tokens[0])

        @functools.wraps(method)
        def with_event_context(self, event: Envelope | EventBatch, *args, **kw):
            if isinstance(event, EventBatch):
                # A batched message: each event on its own (its own inbox claim and
                # transaction); the first failure fails the delivery, so the whole message is
                # retried and the events already applied are skipped by the inbox.
                return [one(self, e, *args, **kw) for e in event]
            return one(self, event, *args, **kw)

        return EventConsumer.decorator(event_type, **kwargs)(with_event_context)

    return decorate
