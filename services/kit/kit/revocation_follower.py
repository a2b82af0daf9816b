"""Keeps kit.revocations deny lists (and any other sink) current from identity.

`RevocationFollower` is one background thread (plain threads: api processes are grpcio,
never eventlet) with its own exclusive, auto-delete queue bound to identity's events. Messages
published while a process is down are lost with its queue, so on every (re)connect the
follower binds its queue FIRST, then reads identity's current state (`fetch`: identity's
ListRevocations) and replaces the list, and only then applies the queued events in order.
Every event states an absolute state (frozen, active, left, revoked), so whatever the snapshot
caught of the events queued meanwhile, applying them in order ends at identity's current state.

The grpc health of the process says NOT_SERVING until the first snapshot. Afterwards a lost
broker keeps the last known list while the follower reconnects with backoff;
`educrm_<part>_revocations_connected` and the health service `educrm.revocations` say so.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence

import grpc

from .caller import Caller
from .events.envelope import EnvelopeError, parse_events
from .revocations import (
    DEFAULT_SESSION_TTL,
    EVENT_TYPES,
    IDENTITY_EXCHANGE,
    DenyList,
    RevocationMetrics,
    RevocationSink,
    RevokedSession,
    Snapshot,
    apply_event,
)

log = logging.getLogger("kit.revocations")

# The grpc health service name that reports the follower's broker connection.
HEALTH_SERVICE = "educrm.revocations"


class RevocationFollower:
    """Feeds `sinks` from identity: a snapshot on every (re)connect, then the events."""

    def __init__(self, amqp_uri: str, fetch: Callable[[], Snapshot],
                 sinks: Sequence[RevocationSink], *, part: str,
                 exchange: str = IDENTITY_EXCHANGE, reconnect_max_seconds: float = 10.0,
                 purge_interval_seconds: float = 60.0) -> None:
        self._uri = amqp_uri
        self._fetch = fetch
        self.sinks = list(sinks)
        self._part = part
        self._exchange = exchange
        self._reconnect_max = reconnect_max_seconds
        self._purge_interval = purge_interval_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._health: tuple[object, tuple[str, ...]] | None = None
        self._instruments = RevocationMetrics.for_part(part)
        self.connection_name = f"educrm-revocations-{part}-{uuid.uuid4().hex[:8]}"
        self.connected = False
        self.syncs = 0
        self.events_applied = 0

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> RevocationFollower:
        self._thread = threading.Thread(target=self._run, name=f"{self._part}-revocations",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def attach_health(self, server) -> None:
        """Make a kit GrpcServer's health say NOT_SERVING until the first snapshot, and
        report the broker connection as the `educrm.revocations` health service."""
        self._health = (server.health, ("", *server.service_names))
        self._report_health()

    def _report_health(self) -> None:
        if self._health is None:
            return
        from grpc_health.v1 import health_pb2

        servicer, names = self._health
        serving, not_serving = (health_pb2.HealthCheckResponse.SERVING,
                                health_pb2.HealthCheckResponse.NOT_SERVING)
        loaded = self.syncs > 0 or all(getattr(s, "loaded", True) for s in self.sinks)
        for name in names:
            servicer.set(name, serving if loaded else not_serving)
        servicer.set(HEALTH_SERVICE, serving if self.connected else not_serving)

    # -- the thread ---------------------------------------------------------------------
    def _run(self) -> None:
        delay = 0.2
        while not self._stopping.is_set():
            try:
                self._follow()
                delay = 0.2
            except Exception as error:  # noqa: BLE001 - the follower outlives every failure
                log.warning("revocation follower: %s; reconnecting in %.1f s",
                            _describe(error), delay)
            finally:
                self._set_connected(False)
            if self._stopping.wait(delay):
                break
            delay = min(delay * 2, self._reconnect_max)

    def _follow(self) -> None:
        import pika

        params = pika.URLParameters(self._uri)
        params.client_properties = {"connection_name": self.connection_name}
        params.heartbeat = 30
        params.blocked_connection_timeout = 30
        params.connection_attempts = 1
        params.socket_timeout = 5
        connection = pika.BlockingConnection(params)
        try:
            channel = connection.channel()
            channel.exchange_declare(self._exchange, exchange_type="topic", durable=True)
            queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
            for event_type in EVENT_TYPES:
                channel.queue_bind(queue, self._exchange, routing_key=event_type)
            # Bound first, read second: nothing published from now on can be missed.
            for sink in self.sinks:
                before = getattr(sink, "before_snapshot", None)
                if before is not None:
                    before()
            snapshot = self._fetch()
            for sink in self.sinks:
                sink.replace(snapshot)
            self.syncs += 1
            self._instruments.syncs.inc()
            self._instruments.last_sync.set(time.time())
            log.info("revocation list rebuilt from identity", extra={
                "frozen": len(snapshot.frozen_user_ids), "left": len(snapshot.left_user_ids),
                "sessions": len(snapshot.revoked_sessions)})
            channel.basic_consume(queue, self._on_message, auto_ack=True)
            self._set_connected(True)
            next_purge = time.monotonic() + self._purge_interval
            while not self._stopping.is_set():
                connection.process_data_events(time_limit=0.2)
                if time.monotonic() >= next_purge:
                    next_purge = time.monotonic() + self._purge_interval
                    for sink in self.sinks:
                        purge = getattr(sink, "purge", None)
                        if purge is not None:
                            purge()
        finally:
            try:
                if connection.is_open:
                    connection.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken connection may fail
                pass

    def _on_message(self, channel, method, properties, body: bytes) -> None:
        try:
            events = parse_events(body)
        except EnvelopeError as error:
            log.warning("revocation follower: unreadable message dropped: %s", error)
            return
        for envelope in events:
            if apply_event(envelope, self.sinks):
                self.events_applied += 1
                self._instruments.events.labels(envelope.type).inc()

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self._instruments.connected.set(1 if connected else 0)
        self._report_health()


def _describe(error: BaseException) -> str:
    code = getattr(error, "code", None)
    if isinstance(error, grpc.RpcError) and callable(code):
        return f"identity unavailable ({code().name})"
    return repr(error)


# -- identity's ListRevocations, read without identity's generated stubs ---------------------
LIST_REVOCATIONS_METHOD = "/crm.identity.v1.IdentityService/ListRevocations"


def _response_class():
    """A message class wire-compatible with crm.identity.v1.ListRevocationsResponse, built in
    a private descriptor pool (kit depends on no service's stubs; a contract test checks the
    two agree)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

    field = descriptor_pb2.FieldDescriptorProto
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    file = descriptor_pb2.FileDescriptorProto(
        name="kit/revocations_wire.proto", package="kit.revocations_wire", syntax="proto3",
        dependency=["google/protobuf/timestamp.proto"])
    session = file.message_type.add(name="RevokedSession")
    for number, name, kind in ((1, "session_id", field.TYPE_STRING),
                               (2, "user_id", field.TYPE_STRING),
                               (3, "revoked_at", field.TYPE_MESSAGE),
                               (4, "expires_at", field.TYPE_MESSAGE)):
        session.field.add(name=name, number=number, type=kind, label=field.LABEL_OPTIONAL,
                          type_name=".google.protobuf.Timestamp"
                          if kind == field.TYPE_MESSAGE else None)
    response = file.message_type.add(name="ListRevocationsResponse")
    response.field.add(name="frozen_user_ids", number=1, type=field.TYPE_STRING,
                       label=field.LABEL_REPEATED)
    response.field.add(name="left_user_ids", number=2, type=field.TYPE_STRING,
                       label=field.LABEL_REPEATED)
    response.field.add(name="revoked_sessions", number=3, type=field.TYPE_MESSAGE,
                       label=field.LABEL_REPEATED,
                       type_name=".kit.revocations_wire.RevokedSession")
    pool.Add(file)
    return message_factory.GetMessageClass(
        pool.FindMessageTypeByName("kit.revocations_wire.ListRevocationsResponse"))


_RESPONSE_CLASS = None


def parse_list_revocations(data: bytes) -> Snapshot:
    global _RESPONSE_CLASS
    if _RESPONSE_CLASS is None:
        _RESPONSE_CLASS = _response_class()
    message = _RESPONSE_CLASS.FromString(data)
    return Snapshot(
        frozen_user_ids=frozenset(message.frozen_user_ids),
        left_user_ids=frozenset(message.left_user_ids),
        revoked_sessions=tuple(
            RevokedSession(s.session_id, s.user_id,
                           s.expires_at.seconds + s.expires_at.nanos / 1e9
                           if s.HasField("expires_at") else time.time() + DEFAULT_SESSION_TTL)
            for s in message.revoked_sessions))


def identity_snapshot_fetcher(channel: grpc.Channel, internal_token: str, *,
                              timeout: float = 10.0) -> Callable[[], Snapshot]:
    """`fetch` for a follower: identity's ListRevocations, called as a system caller."""
    from google.protobuf import empty_pb2

    from .internal_auth import INTERNAL_TOKEN_METADATA

    call = channel.unary_unary(LIST_REVOCATIONS_METHOD,
                               request_serializer=empty_pb2.Empty.SerializeToString,
                               response_deserializer=parse_list_revocations)

    def fetch() -> Snapshot:
        return call(empty_pb2.Empty(), timeout=timeout,
                    metadata=((INTERNAL_TOKEN_METADATA, internal_token),))
    return fetch


@dataclasses.dataclass
class Revocations:
    """A service api's deny list and its follower, wired together."""
    deny_list: DenyList
    follower: RevocationFollower
    channel: grpc.Channel | None = None  # to identity, when made here

    @property
    def check(self) -> Callable[[Caller], None]:
        return self.deny_list.check

    def start(self) -> Revocations:
        self.follower.start()
        return self

    def stop(self) -> None:
        self.follower.stop()
        if self.channel is not None:
            self.channel.close()


def follow_identity(*, part: str, amqp_uri: str, identity: str | grpc.Channel,
                    internal_token: str, extra_sinks: Sequence[RevocationSink] = ()) -> Revocations:
    """The deny list of a service api process, fed from identity (not started yet)."""
    from .grpc_client import channel as make_channel

    own = make_channel(identity) if isinstance(identity, str) else None
    ch = own or identity
    deny_list = DenyList(part)
    follower = RevocationFollower(amqp_uri, identity_snapshot_fetcher(ch, internal_token),
                                  [deny_list, *extra_sinks], part=part)
    return Revocations(deny_list, follower, own)
